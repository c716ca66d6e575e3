import { queryOptions } from '@tanstack/react-query';
import type { Experiment } from '../../core/model.ts';
import { labelSchemaWrites, parseLabelSchema, type LabelDefinition } from '../../core/label-schema.ts';
import { api, apiRequest } from './http-client.ts';

// An experiment's label schema lives in its tags (core/label-schema.ts); these are MLflow's
// experiment-tag routes, so any MLflow client could read or write the same schema.
export const labelSchemaQueries = {
  key: (experimentId: string) => ['label-schema', experimentId] as const,
  schema: (experimentId: string | undefined) =>
    queryOptions({
      queryKey: labelSchemaQueries.key(experimentId ?? ''),
      enabled: Boolean(experimentId),
      queryFn: async ({ signal }) => {
        const response = await apiRequest<{ experiment: Experiment }>(
          'GET',
          `${api('2.0/mlflow/experiments/get')}?experiment_id=${encodeURIComponent(experimentId ?? '')}`,
          undefined,
          signal,
        );
        const tags = response.experiment.tags ?? [];
        return { ...parseLabelSchema(tags), tags };
      },
      staleTime: 30_000,
    }),
};

export const setExperimentTag = (experimentId: string, key: string, value: string) =>
  apiRequest<Record<string, never>>('POST', api('2.0/mlflow/experiments/set-experiment-tag'), {
    experiment_id: experimentId,
    key,
    value,
  });

const deleteExperimentTag = (experimentId: string, key: string) =>
  apiRequest<Record<string, never>>('POST', api('2.0/mlflow/experiments/delete-experiment-tag'), {
    experiment_id: experimentId,
    key,
  });

/** Stores `labels` as the experiment's schema: parts first, the head last, then stale parts go. */
export async function saveLabelSchema(
  experimentId: string,
  labels: readonly LabelDefinition[],
  currentTags: readonly { key: string; value: string }[],
): Promise<void> {
  const writes = labelSchemaWrites(labels, currentTags);
  for (const tag of writes.set) await setExperimentTag(experimentId, tag.key, tag.value);
  for (const key of writes.remove) await deleteExperimentTag(experimentId, key);
}
