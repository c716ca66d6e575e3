import { getSdk } from './init.ts';

const tagsPath = (traceId: string) => `/api/3.0/mlflow/traces/${encodeURIComponent(traceId)}/tags`;

/** Sets (upserts) a mutable tag on a finished trace. */
export async function setTraceTag(traceId: string, key: string, value: string): Promise<void> {
  await getSdk().client.request('PATCH', tagsPath(traceId), { body: { key, value } });
}

/** Deletes a tag; rejects with MlflowApiError (404) when the tag does not exist. */
export async function deleteTraceTag(traceId: string, key: string): Promise<void> {
  await getSdk().client.request('DELETE', tagsPath(traceId), { body: { key } });
}
