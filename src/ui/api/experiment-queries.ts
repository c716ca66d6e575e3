import { queryOptions } from '@tanstack/react-query';
import type { Experiment, TraceInfo } from '../../core/model.ts';
import { api, apiRequest } from './http-client.ts';

export const experimentQueries = {
  all: () => ['experiments'] as const,
  list: () =>
    queryOptions({
      queryKey: [...experimentQueries.all(), 'list'],
      queryFn: async ({ signal }) => {
        const response = await apiRequest<{ experiments?: Experiment[] }>(
          'POST',
          api('2.0/mlflow/experiments/search'),
          { max_results: 1000, view_type: 'ACTIVE_ONLY' },
          signal,
        );
        return response.experiments ?? [];
      },
      staleTime: 60_000,
    }),
  /** The experiment holding the newest trace among `experimentIds` (one search, one row), or null. */
  newestTrace: (experimentIds: readonly string[]) =>
    queryOptions({
      queryKey: [...experimentQueries.all(), 'newest-trace', experimentIds] as const,
      queryFn: async ({ signal }) => {
        if (experimentIds.length === 0) return null;
        const response = await apiRequest<{ traces?: TraceInfo[] }>(
          'POST',
          api('3.0/mlflow/traces/search'),
          {
            locations: experimentIds.map((id) => ({
              type: 'MLFLOW_EXPERIMENT',
              mlflow_experiment: { experiment_id: id },
            })),
            max_results: 1,
            order_by: ['timestamp_ms DESC'],
          },
          signal,
        );
        return response.traces?.[0]?.trace_location.mlflow_experiment?.experiment_id ?? null;
      },
      staleTime: 60_000,
    }),
};
