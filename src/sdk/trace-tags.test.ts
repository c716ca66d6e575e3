import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServer, type TestServer } from '../server/test-helpers.ts';
import { MlflowRestClient } from './mlflow-rest-client.ts';
import { deleteTraceTag, flush, getTrace, init, MlflowApiError, setTraceTag, shutdown, withSpan } from './index.ts';

// Against the real server on a temporary SQLite file, so the REST paths and bodies are the server's own.
let server: TestServer;
let traceId: string;

beforeAll(async () => {
  server = await createTestServer();
  const trackingUri = await server.app.listen({ port: 0, host: '127.0.0.1' });
  const created = await new MlflowRestClient(trackingUri).request<{ experiment_id: string }>(
    'POST',
    '/api/2.0/mlflow/experiments/create',
    { body: { name: 'trace-tags' } },
  );
  init({ trackingUri, experimentId: created.experiment_id, scheduleDelayMs: 1 });
  traceId = withSpan({ name: 'tagged' }, (span) => span.traceId);
  await flush();
});

afterAll(async () => {
  await shutdown();
  await server.close();
});

const tags = async () => (await getTrace(traceId)).trace_info.tags;

describe('setTraceTag / deleteTraceTag', () => {
  it('sets a tag on a finished trace, and setting it again replaces the value', async () => {
    await setTraceTag(traceId, 'reviewed', 'no');
    expect(await tags()).toMatchObject({ reviewed: 'no', 'mlflow.traceName': 'tagged' });
    await setTraceTag(traceId, 'reviewed', 'yes');
    expect((await tags()).reviewed).toBe('yes');
  });

  it('deletes a tag and leaves the others', async () => {
    await setTraceTag(traceId, 'temporary', 'x');
    await deleteTraceTag(traceId, 'temporary');
    const after = await tags();
    expect(after).not.toHaveProperty('temporary');
    expect(after['mlflow.traceName']).toBe('tagged');
  });

  it('rejects with MlflowApiError 404 when deleting a key the trace does not have', async () => {
    const deleting = deleteTraceTag(traceId, 'never-set');
    await expect(deleting).rejects.toBeInstanceOf(MlflowApiError);
    await expect(deleting).rejects.toMatchObject({ status: 404, errorCode: 'RESOURCE_DOES_NOT_EXIST' });
    expect(await tags()).toMatchObject({ 'mlflow.traceName': 'tagged' });
  });

  it('rejects with MlflowApiError 404 for an unknown trace', async () => {
    const unknown = 'tr-00000000000000000000000000000000';
    await expect(setTraceTag(unknown, 'k', 'v')).rejects.toMatchObject({ name: 'MlflowApiError', status: 404 });
    await expect(deleteTraceTag(unknown, 'k')).rejects.toMatchObject({ name: 'MlflowApiError', status: 404 });
  });
});
