// The metrics accelerator follows every kind of write (SQLite: through the store's write hook alone;
// PostgreSQL: by catching up from the database before each answer), and answers as the SQL path does
// (the same data served without an accelerator). Runs on both engines.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExperiment, createTestServer, otlpJsonBody, startTrace, type TestServer } from '../test-helpers.ts';

let server: TestServer;
let exp: string;
const T0 = Date.UTC(2025, 0, 1, 10, 0, 0);

beforeAll(async () => {
  server = await createTestServer();
  exp = await createExperiment(server.app, 'hook');
  for (let i = 0; i < 6; i++)
    await startTrace(server.app, {
      traceId: `tr-h${i}`,
      experimentId: exp,
      startMs: T0 + i * 1000,
      durationMs: 10 * (i + 1),
      tags: i < 3 ? { team: 'a' } : {},
    });
});
afterAll(() => server.close());

const groups = async (groupBy: string, app: FastifyInstance = server.app) => {
  const response = await app.inject({
    method: 'POST',
    url: '/ajax-api/trace-explorer/v1/groups',
    payload: { experiment_ids: [exp], group_by: groupBy, order: 'count' },
  });
  expect(response.statusCode).toBe(200);
  return (response.json().groups as { value: string; count: number }[]).map((g) => [g.value, g.count]);
};
const metricsByTag = async (key: string, app: FastifyInstance = server.app) => {
  const response = await app.inject({
    method: 'POST',
    url: '/ajax-api/3.0/mlflow/traces/metrics',
    payload: {
      experiment_ids: [exp],
      view_type: 'TRACES',
      metric_name: 'trace_count',
      aggregations: [{ aggregation_type: 'COUNT' }],
      dimensions: [`tag.${key}`],
    },
  });
  expect(response.statusCode).toBe(200);
  return response.json().data_points;
};
/** The accelerated answer, checked against the same data without the accelerator. */
const both = async (groupBy: string) => {
  const fast = await groups(groupBy);
  expect(fast).toEqual(await groups(groupBy, await server.sqlOnly()));
  return fast;
};

describe('metrics accelerator write hook', () => {
  it('a traces.json upload (its spans-location tag) reaches a loaded group-by column', async () => {
    const key = 'tag.`mlflow.trace.spansLocation`';
    expect(await both(key)).toEqual([]);
    expect(await metricsByTag('`mlflow.trace.spansLocation`')).toEqual([]);
    const file = {
      spans: [
        {
          trace_id: Buffer.from('8'.repeat(32), 'hex').toString('base64'),
          span_id: Buffer.from('5'.repeat(16), 'hex').toString('base64'),
          parent_span_id: '',
          name: 'root',
          start_time_unix_nano: T0 * 1_000_000,
          end_time_unix_nano: (T0 + 5) * 1_000_000,
          status: { code: 'STATUS_CODE_OK', message: '' },
          attributes: {},
          events: [],
        },
      ],
    };
    const put = await server.app.inject({
      method: 'PUT',
      url: `/api/2.0/mlflow-artifacts/artifacts/${exp}/traces/tr-h0/artifacts/traces.json`,
      payload: JSON.stringify(file),
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(put.statusCode).toBe(200);
    expect(await both(key)).toEqual([['TRACKING_STORE', 1]]);
    expect(await metricsByTag('`mlflow.trace.spansLocation`')).toEqual(
      await metricsByTag('`mlflow.trace.spansLocation`', await server.sqlOnly()),
    );
  });

  it('set-tag, delete-tag, link-prompts, OTLP spans and deletes all reach loaded columns', async () => {
    expect(await both('tag.team')).toEqual([['a', 3]]);
    const tag = (method: 'PATCH' | 'DELETE', id: string, payload: Record<string, string>) =>
      server.app.inject({ method, url: `/api/3.0/mlflow/traces/${id}/tags`, payload });
    expect((await tag('PATCH', 'tr-h4', { key: 'team', value: 'b' })).statusCode).toBe(200);
    expect((await tag('DELETE', 'tr-h1', { key: 'team' })).statusCode).toBe(200);
    expect(await both('tag.team')).toEqual([
      ['a', 2],
      ['b', 1],
    ]);

    expect(await both('tag.`mlflow.linkedPrompts`')).toEqual([]);
    const link = await server.app.inject({
      method: 'POST',
      url: '/api/2.0/mlflow/traces/link-prompts',
      payload: { trace_id: 'tr-h2', prompt_versions: [{ name: 'p', version: '1' }] },
    });
    expect(link.statusCode).toBe(200);
    expect((await both('tag.`mlflow.linkedPrompts`')).length).toBe(1);

    expect(await both('tag.`mlflow.traceName`')).toEqual([]);
    const otlp = await server.app.inject({
      method: 'POST',
      url: '/v1/traces',
      headers: { 'content-type': 'application/json', 'x-mlflow-experiment-id': exp },
      payload: otlpJsonBody([
        { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), name: 'agent', startNs: '1000', endNs: '2000' },
      ]),
    });
    expect(otlp.statusCode).toBe(200);
    expect(await both('tag.`mlflow.traceName`')).toEqual([['agent', 1]]);

    const del = await server.app.inject({
      method: 'POST',
      url: '/api/3.0/mlflow/traces/delete-traces',
      payload: { experiment_id: exp, request_ids: ['tr-h0'] },
    });
    expect(del.json()).toEqual({ traces_deleted: 1 });
    expect(await both('tag.team')).toEqual([
      ['a', 1],
      ['b', 1],
    ]);
  });
});
