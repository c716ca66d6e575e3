// SQLite and PostgreSQL give the same answers: the same traces, spans and assessments ingested through the API
// into a server on each engine, then metrics (percentiles with bounds, daily buckets, span and assessment views,
// token and cost sums), groups, counts, keys, values and search pages compared response for response.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExperiment, createTestServer, otlpJsonBody, startTrace, type TestServer } from '../../test-helpers.ts';

const servers: { server: TestServer; exp: string }[] = [];
const T0 = Date.UTC(2026, 0, 1, 8);
const DAY = 86_400_000;

async function ingest(app: FastifyInstance, exp: string): Promise<void> {
  for (let i = 0; i < 48; i++) {
    const traceId = `tr-${(i + 1).toString(16).padStart(32, '0')}`;
    // Durations with ties and an irregular spread, so percentiles interpolate.
    const duration = ((i * 37) % 23) * 13 + (i % 5 === 0 ? 1000 : 7);
    await startTrace(app, {
      traceId,
      experimentId: exp,
      startMs: T0 + Math.floor(i / 12) * DAY + i * 61_000,
      durationMs: duration,
      state: i % 7 === 0 ? 'ERROR' : 'OK',
      metadata: { app_version: `v${i % 3}`, 'mlflow.trace.session': `s${i % 4}` },
      tags: { team: i % 2 ? 'red' : 'blue', 'mlflow.traceName': i % 3 ? 'chat' : 'search' },
    });
    const start = BigInt(T0 + Math.floor(i / 12) * DAY + i * 61_000) * 1_000_000n;
    const response = await app.inject({
      method: 'POST',
      url: '/v1/traces',
      headers: { 'content-type': 'application/json', 'x-mlflow-experiment-id': exp },
      payload: JSON.stringify(
        otlpJsonBody([
          {
            traceId: (i + 1).toString(16).padStart(32, '0'),
            spanId: `${(i + 1).toString(16).padStart(4, '0')}000000000001`,
            name: 'root',
            startNs: String(start),
            endNs: String(start + BigInt(duration) * 1_000_000n),
            status: 1,
          },
          {
            traceId: (i + 1).toString(16).padStart(32, '0'),
            spanId: `${(i + 1).toString(16).padStart(4, '0')}000000000002`,
            parentSpanId: `${(i + 1).toString(16).padStart(4, '0')}000000000001`,
            name: i % 2 ? 'llm' : 'tool',
            startNs: String(start + 1_000_000n),
            endNs: String(start + BigInt(1 + (i % 9) * 3) * 1_000_000n + 333_333n),
            attributes: {
              'gen_ai.request.model': i % 2 ? 'gpt-x' : 'gpt-y',
              'gen_ai.usage.input_tokens': 10 + i,
              'gen_ai.usage.output_tokens': i % 4,
            },
            status: i % 6 === 0 ? 2 : 1,
          },
        ]),
      ),
    });
    if (response.statusCode !== 200) throw new Error(response.body);
    if (i % 3 === 0)
      await app.inject({
        method: 'POST',
        url: `/api/3.0/mlflow/traces/${traceId}/assessments`,
        payload: {
          assessment: {
            assessment_name: i % 2 ? 'score' : 'thumbs',
            source: { source_type: 'HUMAN' },
            feedback: { value: i % 2 ? (i % 11) / 4 : i % 6 === 0 },
          },
        },
      });
  }
}

beforeAll(async () => {
  for (const backend of ['sqlite', 'postgresql'] as const) {
    const server = await createTestServer({ backend });
    const exp = await createExperiment(server.app, 'agree');
    await ingest(server.app, exp);
    servers.push({ server, exp });
  }
}, 120_000);
afterAll(async () => {
  for (const { server } of servers) await server.close();
});

/** The same request to both servers; returns both answers (experiment ids in bodies are the same: 1). */
async function both(url: string, payload: (exp: string) => Record<string, unknown>): Promise<unknown[]> {
  return Promise.all(
    servers.map(async ({ server, exp }) => {
      const response = await server.app.inject({ method: 'POST', url, payload: payload(exp) });
      expect([response.statusCode, response.statusCode === 200 ? '' : response.body]).toEqual([200, '']);
      return response.json();
    }),
  );
}

const METRICS: Record<string, unknown>[] = [
  {
    view_type: 'TRACES',
    metric_name: 'latency',
    aggregations: [
      { aggregation_type: 'AVG' },
      { aggregation_type: 'PERCENTILE', percentile_value: 50 },
      { aggregation_type: 'PERCENTILE', percentile_value: 95 },
      { aggregation_type: 'PERCENTILE', percentile_value: 99 },
    ],
    dimensions: ['metadata.app_version'],
  },
  {
    view_type: 'TRACES',
    metric_name: 'latency',
    aggregations: [{ aggregation_type: 'PERCENTILE', percentile_value: 90 }, { aggregation_type: 'AVG' }],
    dimensions: ['trace_status'],
    confidence_level: 0.9,
  },
  // PostgreSQL hands over only windows of each group's sorted values around the percentiles' ranks
  // (pg-metrics.ts boundsWindow): the extreme percentiles and levels, where the bounds' ranks sit at the
  // windows' and the groups' ends.
  {
    view_type: 'TRACES',
    metric_name: 'latency',
    aggregations: [0, 1, 25, 50, 99, 100].map((p) => ({ aggregation_type: 'PERCENTILE', percentile_value: p })),
    confidence_level: 0.5,
  },
  {
    view_type: 'TRACES',
    metric_name: 'latency',
    aggregations: [0, 10, 50, 90, 100].map((p) => ({ aggregation_type: 'PERCENTILE', percentile_value: p })),
    dimensions: ['tag.team'],
    time_interval_seconds: 86_400,
    start_time_ms: T0 - DAY,
    end_time_ms: T0 + 5 * DAY,
    confidence_level: 0.999,
  },
  {
    view_type: 'TRACES',
    metric_name: 'trace_count',
    aggregations: [{ aggregation_type: 'COUNT' }],
    dimensions: ['trace_name', 'tag.team'],
    time_interval_seconds: 86_400,
    start_time_ms: T0 - DAY,
    end_time_ms: T0 + 5 * DAY,
    filter: "status = 'OK'",
  },
  {
    view_type: 'SPANS',
    metric_name: 'latency',
    aggregations: [{ aggregation_type: 'AVG' }, { aggregation_type: 'PERCENTILE', percentile_value: 75 }],
    dimensions: ['span_name', 'span_status'],
  },
  {
    view_type: 'SPANS',
    metric_name: 'latency',
    aggregations: [{ aggregation_type: 'AVG' }],
    dimensions: ['span_status'],
  },
  {
    view_type: 'SPANS',
    metric_name: 'span_count',
    aggregations: [{ aggregation_type: 'COUNT' }],
    dimensions: ['span_model_name'],
  },
  {
    view_type: 'ASSESSMENTS',
    metric_name: 'assessment_value',
    aggregations: [{ aggregation_type: 'AVG' }, { aggregation_type: 'PERCENTILE', percentile_value: 50 }],
    dimensions: ['assessment_name'],
  },
  {
    view_type: 'ASSESSMENTS',
    metric_name: 'assessment_count',
    aggregations: [{ aggregation_type: 'COUNT' }],
    dimensions: ['assessment_value'],
  },
];

describe('SQLite and PostgreSQL', () => {
  it.each(METRICS.map((m) => [`${m.view_type} ${m.metric_name} by ${String(m.dimensions ?? '-')}`, m]))(
    'answer metrics alike: %s',
    async (_, body) => {
      const [sqlite, postgres] = await both('/ajax-api/3.0/mlflow/traces/metrics', (exp) => ({
        experiment_ids: [exp],
        ...body,
      }));
      expect((sqlite as { data_points?: unknown[] }).data_points?.length).toBeGreaterThan(0);
      expect(postgres).toEqual(sqlite);
    },
  );

  it.each([
    ['groups', { group_by: 'metadata.app_version' }],
    ['groups', { group_by: 'tag.team', order: 'recent', filter: "status = 'OK'" }],
    ['groups', { group_by: 'metadata.`mlflow.trace.session`', max_results: 2 }],
    ['count', { filter: "span.name = 'llm' AND feedback.thumbs = 'true'" }],
    ['keys', {}],
    ['values', { kind: 'metadata', key: 'app_version' }],
    ['values', { kind: 'tag', key: 'team', prefix: 'r' }],
  ])('answer the %s extension alike (%j)', async (path, body) => {
    const [sqlite, postgres] = await both(`/ajax-api/trace-explorer/v1/${path}`, (exp) => ({
      experiment_ids: [exp],
      ...body,
    }));
    expect(postgres).toEqual(sqlite);
  });

  it.each([
    [undefined, undefined],
    ["tag.team = 'red' AND execution_time_ms > 100", undefined],
    [undefined, ['tag.team DESC', 'execution_time_ms ASC']],
    ["span.attributes.`mlflow.llm.model` = 'gpt-x' OR status = 'ERROR'", ['timestamp_ms ASC']],
  ])('page searches alike: filter %s, order %j', async (filter, orderBy) => {
    const pages: string[][][] = [[], []];
    const tokens: (string | undefined)[] = [undefined, undefined];
    for (let page = 0; page < 4; page++) {
      const answers = await both('/api/3.0/mlflow/traces/search', (exp) => ({
        locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } }],
        ...(filter ? { filter } : {}),
        ...(orderBy ? { order_by: orderBy } : {}),
        max_results: 7,
        ...(tokens[servers.findIndex((s) => s.exp === exp)]
          ? { page_token: tokens[servers.findIndex((s) => s.exp === exp)] }
          : {}),
      }));
      answers.forEach((a, i) => {
        const body = a as { traces?: { trace_id: string }[]; next_page_token?: string };
        pages[i].push((body.traces ?? []).map((t) => t.trace_id));
        tokens[i] = body.next_page_token;
      });
    }
    expect(pages[0].flat().length).toBeGreaterThan(0);
    expect(pages[1]).toEqual(pages[0]);
  });
});
