// RLIKE over HTTP: the adversarial patterns answer at once (RE2, linear time), and
// constructs RE2 lacks are refused with MLflow's 400 envelope on every route that takes a filter.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExperiment, createTestServer, startTrace, type TestServer } from '../test-helpers.ts';

let server: TestServer;
let exp: string;
const T0 = Date.UTC(2025, 0, 1);

beforeAll(async () => {
  server = await createTestServer();
  exp = await createExperiment(server.app, 'rlike');
  for (let i = 0; i < 8; i++) {
    await startTrace(server.app, {
      traceId: `tr-${i.toString(16).padStart(32, '0')}`,
      experimentId: exp,
      startMs: T0 + i,
      tags: { k: i === 0 ? 'a'.repeat(5000) : `${'a'.repeat(30)}!` },
    });
  }
});
afterAll(() => server.close());

const search = (filter: string) =>
  server.app.inject({
    method: 'POST',
    url: '/api/3.0/mlflow/traces/search',
    payload: { locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } }], filter },
  });

describe('RLIKE', () => {
  it('answers the issue’s adversarial patterns at once, with the right matches', async () => {
    const nested = await search("tags.k RLIKE '^(a|a)*$'");
    const ids = await search("request_id RLIKE '^tr-(?:[0-9a-f]|[0-9a-f]){0,26}Z'");
    expect(nested.statusCode).toBe(200);
    expect(nested.json().traces.map((t: { trace_id: string }) => t.trace_id)).toEqual([`tr-${'0'.repeat(32)}`]);
    expect(ids.statusCode).toBe(200);
    expect(ids.json().traces ?? []).toEqual([]);
    // A backtracking engine took 13–20 s on these; how long RE2 takes is measured in bench/load.ts.
  });

  it.each([
    ["tags.k RLIKE '(a)\\1'", 'a backreference (\\1)'],
    ["tags.k RLIKE 'a(?=b)'", 'a lookahead ((?=)'],
    ["span.name RLIKE '(?<!x)y'", 'a negative lookbehind ((?<!)'],
  ])('refuses %s with a 400 naming the construct', async (filter, named) => {
    const response = await search(filter);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      error_code: 'INVALID_PARAMETER_VALUE',
      message: `RLIKE pattern uses ${named}, which this server does not support: patterns run on a linear-time engine (RE2 syntax) so that no pattern can stall the server.`,
    });
  });

  it('refuses them in the count extension and the metrics filter too', async () => {
    const count = await server.app.inject({
      method: 'POST',
      url: '/api/trace-explorer/v1/count',
      payload: { experiment_ids: [exp], filter: "tags.k RLIKE '(?P<x>a)(?P=x)'" },
    });
    expect(count.statusCode).toBe(400);
    expect(count.json().error_code).toBe('INVALID_PARAMETER_VALUE');
    const metrics = await server.app.inject({
      method: 'POST',
      url: '/api/3.0/mlflow/traces/metrics',
      payload: {
        experiment_ids: [exp],
        view_type: 'TRACES',
        metric_name: 'trace_count',
        aggregations: [{ aggregation_type: 'COUNT' }],
        filter: "tags.k RLIKE 'a++'",
      },
    });
    expect(metrics.statusCode).toBe(400);
    expect(metrics.json().message).toContain('a possessive quantifier (++)');
  });
});
