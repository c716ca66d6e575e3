import { MlflowApiError } from '../../src/sdk/index.ts';
import { MlflowRestClient } from '../../src/sdk/mlflow-rest-client.ts';

/** The experiment `npm run demo` seeds (seed-demo.ts's default). */
export const DEMO_EXPERIMENT = 'chat-assistant';

/**
 * The demo experiment's id when it already holds traces, else undefined. A demo pointed at a database
 * that outlives it (PostgreSQL, or a SQLite file named with --backend-store-uri) seeds it once: running
 * the demo again serves what is there instead of adding another copy with new trace ids.
 */
export async function findSeededDemo(trackingUri: string, name = DEMO_EXPERIMENT): Promise<string | undefined> {
  const client = new MlflowRestClient(trackingUri);
  let experimentId: string;
  try {
    const found = await client.request<{ experiment: { experiment_id: string; lifecycle_stage?: string } }>(
      'GET',
      '/api/2.0/mlflow/experiments/get-by-name',
      { query: { experiment_name: name } },
    );
    if (found.experiment.lifecycle_stage === 'deleted') return undefined;
    experimentId = found.experiment.experiment_id;
  } catch (error) {
    if (error instanceof MlflowApiError && error.errorCode === 'RESOURCE_DOES_NOT_EXIST') return undefined;
    throw error;
  }
  const page = await client.request<{ traces?: unknown[] }>('POST', '/api/3.0/mlflow/traces/search', {
    body: {
      locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } }],
      max_results: 1,
    },
  });
  return (page.traces?.length ?? 0) > 0 ? experimentId : undefined;
}
