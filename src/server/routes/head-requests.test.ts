// HEAD answers as GET does, without the body (RFC 9110 §9.3.2): Fastify serves it with the GET
// handler, which must then read the query string as it does for GET.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExperiment, createTestServer, startTrace, type TestServer } from '../test-helpers.ts';

let server: TestServer;
let exp = '';
beforeAll(async () => {
  server = await createTestServer();
  exp = await createExperiment(server.app, 'head');
  await startTrace(server.app, { traceId: 'tr-head', experimentId: exp, startMs: 1_700_000_000_000 });
});
afterAll(() => server.close());

describe('HEAD of a GET route', () => {
  it.each([
    () => `/api/2.0/mlflow/experiments/get?experiment_id=${exp}`,
    () => '/api/2.0/mlflow/experiments/get-by-name?experiment_name=head',
    () => '/api/3.0/mlflow/traces/batchGet?trace_ids=tr-head',
    () => `/api/2.0/mlflow/experiments/search?max_results=5&order_by=name`,
    () => `/api/trace-explorer/v1/export?experiment_ids=${exp}&format=jsonl`,
  ])('answers the status GET answers (%#)', async (url) => {
    const get = await server.app.inject({ method: 'GET', url: url() });
    const head = await server.app.inject({ method: 'HEAD', url: url() });
    expect(get.statusCode).toBe(200);
    expect(head.statusCode).toBe(200);
    expect(head.headers['content-type']).toBe(get.headers['content-type']);
    expect(head.body).toBe('');
  });
});
