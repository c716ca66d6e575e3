// The access check finds the experiments of the traces a request names before it knows whether the
// caller may do anything: it must not read more of them than any route accepts, whoever asks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { otlpJsonBody } from '../test-helpers.ts';
import { ADMIN, basic, call, createAuthTestServer, type AuthTestServer } from './auth-test-server.ts';

let server: AuthTestServer;
/** The most trace ids one getTraceInfos call was asked for. */
let largestRead = 0;

beforeAll(async () => {
  server = await createAuthTestServer();
  await call(server.app, basic(ADMIN.username, ADMIN.password), {
    method: 'POST',
    url: '/api/2.0/mlflow/users/create',
    payload: { username: 'nobody', password: 'a-long-password-1' },
  });
  const read = server.store.getTraceInfos.bind(server.store);
  server.store.getTraceInfos = (ids: string[]) => {
    largestRead = Math.max(largestRead, ids.length);
    return read(ids);
  };
});

afterAll(async () => {
  await server?.close();
});

const ids = (n: number) => Array.from({ length: n }, (_, i) => `tr-${i.toString(16).padStart(32, '0')}`);

describe('trace ids in a request, before the permission check', () => {
  it.each([
    ['/api/3.0/mlflow/traces/batchGetInfos', { trace_ids: ids(50_000) }],
    ['/api/2.0/mlflow/traces/link-to-run', { trace_ids: ids(50_000), run_id: 'r' }],
    ['/api/trace-explorer/v1/traces/batch', { trace_ids: ids(50_000), operations: [{ op: 'delete_tag', key: 'k' }] }],
    ['/api/trace-explorer/v1/traces/batch', { items: ids(50_000).map((trace_id) => ({ trace_id, operations: [] })) }],
    ['/api/trace-explorer/v1/traces/batch-delete', { trace_ids: ids(50_000) }],
  ])('%s refuses 50,000 ids without reading them', async (url, payload) => {
    largestRead = 0;
    const response = await call(server.app, basic('nobody', 'a-long-password-1'), { method: 'POST', url, payload });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error_code: 'INVALID_PARAMETER_VALUE', message: expect.any(String) });
    expect(largestRead).toBeLessThanOrEqual(1000);
  });

  it('still locates a full batch of 1,000', async () => {
    largestRead = 0;
    const response = await call(server.app, basic(ADMIN.username, ADMIN.password), {
      method: 'POST',
      url: '/api/3.0/mlflow/traces/batchGetInfos',
      payload: { trace_ids: ids(1000) },
    });
    expect(response.statusCode).toBe(200);
    expect(largestRead).toBe(1000);
  });

  it('checks an OTLP batch of more traces than that in chunks', async () => {
    const admin = basic(ADMIN.username, ADMIN.password);
    const created = await call(server.app, admin, {
      method: 'POST',
      url: '/api/2.0/mlflow/experiments/create',
      payload: { name: 'many' },
    });
    const spans = Array.from({ length: 1500 }, (_, i) => ({
      traceId: (i + 1).toString(16).padStart(32, '0'),
      spanId: '00000000000000a1',
      name: 'root',
      startNs: '1000000',
      endNs: '2000000',
    }));
    largestRead = 0;
    const response = await call(server.app, admin, {
      method: 'POST',
      url: '/v1/traces',
      headers: { 'content-type': 'application/json', 'x-mlflow-experiment-id': created.json().experiment_id },
      payload: otlpJsonBody(spans),
    });
    expect(response.statusCode).toBe(200);
    expect(largestRead).toBeLessThanOrEqual(1000);
    const count = await call(server.app, admin, {
      method: 'POST',
      url: '/api/trace-explorer/v1/count',
      payload: { experiment_ids: [created.json().experiment_id] },
    });
    expect(count.json()).toEqual({ count: 1500, exact: true });
  });
});
