import { api, apiRequest } from './http-client.ts';

// Trace tag writes (docs/mlflow-contract.md §3.9). The UI uses the 3.0 routes, as MLflow's UI does.
const tagsPath = (traceId: string) => api(`3.0/mlflow/traces/${encodeURIComponent(traceId)}/tags`);

export const setTraceTag = (traceId: string, key: string, value: string) =>
  apiRequest<Record<string, never>>('PATCH', tagsPath(traceId), { key, value });

export const deleteTraceTag = (traceId: string, key: string) =>
  apiRequest<Record<string, never>>('DELETE', tagsPath(traceId), { key });
