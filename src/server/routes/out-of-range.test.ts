// Numbers no stored value reaches (bounds past ±2^63, experiment ids past any id) answer as they do for any
// other number: SQLite compares them, PostgreSQL's BIGINT columns cannot bind them, and both must give the same
// answer, never a 500. Runs on both engines (the server and server-postgres projects).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServer, startTrace, type TestServer } from '../test-helpers.ts';

let server: TestServer;
beforeAll(async () => {
  server = await createTestServer();
  await startTrace(server.app, { traceId: 'tr-range', startMs: Date.UTC(2026, 0, 1), durationMs: 5 });
});
afterAll(() => server.close());

const search = (filter: string, experimentId = '0') =>
  server.app.inject({
    method: 'POST',
    url: '/api/3.0/mlflow/traces/search',
    payload: { locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } }], filter },
  });

describe('out-of-range numbers', () => {
  it.each([
    ['timestamp_ms > 1e30', 0],
    ['timestamp_ms < 99999999999999999999999', 1],
    ['execution_time_ms >= -1e25', 1],
    ['execution_time_ms = -1e25', 0],
    ['execution_time_ms != 1e25', 1],
    ["timestamp_ms <= '1e400'", 1],
  ])('%s matches %d trace(s)', async (filter, n) => {
    const response = await search(filter);
    expect(response.statusCode).toBe(200);
    expect((response.json().traces ?? []).length).toBe(n);
  });

  it('an experiment id past any id is an unknown experiment', async () => {
    const get = await server.app.inject({
      method: 'GET',
      url: '/api/2.0/mlflow/experiments/get?experiment_id=99999999999999999999',
    });
    expect(get.statusCode).toBe(404);
    expect(get.json().error_code).toBe('RESOURCE_DOES_NOT_EXIST');
    const found = await search('', '99999999999999999999');
    expect([found.statusCode, found.json()]).toEqual([200, { traces: [] }]);
  });
});
