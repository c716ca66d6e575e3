import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExperiment, createTestServer, startTrace, type TestServer } from '../test-helpers.ts';

let server: TestServer;
let exp: string;
const T0 = Date.UTC(2025, 0, 1, 10, 0, 0);

beforeAll(async () => {
  server = await createTestServer();
  exp = await createExperiment(server.app, 'metrics');
  for (let i = 0; i < 40; i++) {
    await startTrace(server.app, {
      traceId: `tr-m${i}`,
      experimentId: exp,
      startMs: T0 + i * 60_000,
      durationMs: (i + 1) * 10,
      state: i % 4 === 0 ? 'ERROR' : 'OK',
      metadata: { app_version: i % 2 ? 'v2' : 'v1', ...(i === 0 ? {} : { env: 'prod' }) },
      tags: { 'mlflow.traceName': 'chat' },
    });
    if (i % 5 === 0) {
      await server.app.inject({
        method: 'POST',
        url: `/api/3.0/mlflow/traces/tr-m${i}/assessments`,
        payload: {
          assessment: {
            assessment_name: 'thumbs',
            source: { source_type: 'HUMAN' },
            feedback: { value: i % 10 === 0 },
          },
        },
      });
    }
  }
});
afterAll(() => server.close());

/** QueryTraceMetrics on the server's app, or on `app` (the same data without the accelerator). */
const metrics = (payload: Record<string, unknown>, app: FastifyInstance = server.app) =>
  app.inject({
    method: 'POST',
    url: '/ajax-api/3.0/mlflow/traces/metrics',
    payload: { experiment_ids: [exp], ...payload },
  });

describe('QueryTraceMetrics', () => {
  it('counts traces by version and status (extension dimension)', async () => {
    const response = await metrics({
      view_type: 'TRACES',
      metric_name: 'trace_count',
      aggregations: [{ aggregation_type: 'COUNT' }],
      dimensions: ['metadata.app_version', 'trace_status'],
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().data_points).toEqual([
      {
        metric_name: 'trace_count',
        dimensions: { 'metadata.app_version': 'v1', trace_status: 'ERROR' },
        values: { COUNT: 10 },
      },
      {
        metric_name: 'trace_count',
        dimensions: { 'metadata.app_version': 'v1', trace_status: 'OK' },
        values: { COUNT: 10 },
      },
      {
        metric_name: 'trace_count',
        dimensions: { 'metadata.app_version': 'v2', trace_status: 'OK' },
        values: { COUNT: 20 },
      },
    ]);
  });

  it('computes exact percentiles with confidence bounds, in time buckets', async () => {
    const response = await metrics({
      view_type: 'TRACES',
      metric_name: 'latency',
      aggregations: [{ aggregation_type: 'AVG' }, { aggregation_type: 'PERCENTILE', percentile_value: 50 }],
      dimensions: ['metadata.app_version'],
      confidence_level: 0.95,
      filter: "metadata.env = 'prod'",
    });
    const points = response.json().data_points;
    expect(points).toHaveLength(2);
    // v2: durations 20, 40, ..., 400 → median 210.
    expect(points[1]).toMatchObject({
      dimensions: { 'metadata.app_version': 'v2' },
      values: { AVG: 210, 'P50.0': 210 },
    });
    expect(points[1].values['P50.0_LOW']).toBeLessThan(210);
    expect(points[1].values['P50.0_HIGH']).toBeGreaterThan(210);
    const bucketed = await metrics({
      view_type: 'TRACES',
      metric_name: 'trace_count',
      aggregations: [{ aggregation_type: 'COUNT' }],
      time_interval_seconds: 3600,
      start_time_ms: T0,
      end_time_ms: T0 + 3_600_000,
    });
    expect(bucketed.json().data_points).toEqual([
      { metric_name: 'trace_count', dimensions: { time_bucket: '2025-01-01T10:00:00+00:00' }, values: { COUNT: 40 } },
    ]);
  });

  it('agrees with the SQL path when the in-memory columns are off', async () => {
    const body = {
      view_type: 'TRACES',
      metric_name: 'latency',
      aggregations: [{ aggregation_type: 'PERCENTILE', percentile_value: 95 }],
      dimensions: ['metadata.app_version', 'trace_status'],
      filters: ['trace.status = "OK"'],
    };
    const fast = (await metrics(body)).json();
    const slow = (await metrics(body, await server.sqlOnly())).json();
    expect(fast).toEqual(slow);
    // A write after the columns loaded is seen by the next query.
    await startTrace(server.app, {
      traceId: 'tr-late',
      experimentId: exp,
      startMs: T0,
      durationMs: 5,
      metadata: { app_version: 'v3' },
    });
    const after = (
      await metrics({
        view_type: 'TRACES',
        metric_name: 'trace_count',
        aggregations: [{ aggregation_type: 'COUNT' }],
        dimensions: ['metadata.app_version'],
      })
    ).json();
    expect(
      after.data_points.map((p: { dimensions: Record<string, string> }) => p.dimensions['metadata.app_version']),
    ).toEqual(['v1', 'v2', 'v3']);
  });

  it('buckets a range of millions of intervals, emitting only buckets with data (columns and SQL agree)', async () => {
    const body = {
      view_type: 'TRACES',
      metric_name: 'latency',
      aggregations: [{ aggregation_type: 'AVG' }, { aggregation_type: 'PERCENTILE', percentile_value: 50 }],
      dimensions: ['trace_status'],
      filters: ['trace.tag.mlflow.traceName = "chat"'],
      time_interval_seconds: 60,
      start_time_ms: 0,
      end_time_ms: T0 + 86_400_000 * 365 * 100,
    };
    const fast = await metrics(body);
    expect(fast.statusCode).toBe(200);
    const points = fast.json().data_points;
    // 40 traces a minute apart: 40 one-minute buckets out of ~84 million requested.
    expect(new Set(points.map((p: { dimensions: { time_bucket: string } }) => p.dimensions.time_bucket)).size).toBe(40);
    expect(points[0]).toEqual({
      metric_name: 'latency',
      dimensions: { time_bucket: '2025-01-01T10:00:00+00:00', trace_status: 'ERROR' },
      values: { AVG: 10, 'P50.0': 10 },
    });
    const slow = (await metrics(body, await server.sqlOnly())).json();
    expect(fast.json()).toEqual(slow);
    const none = await metrics({ ...body, start_time_ms: 0, end_time_ms: 1000 });
    expect(none.json()).toEqual({ data_points: [] });
  });

  it('names percentile values as MLflow\'s f"P{float}": integers get .0, others their shortest repr', async () => {
    const percentiles = [95, 99.99, 12.345, 0.00001];
    const body = {
      view_type: 'TRACES',
      metric_name: 'latency',
      aggregations: percentiles.map((p) => ({ aggregation_type: 'PERCENTILE', percentile_value: p })),
    };
    for (const app of [server.app, await server.sqlOnly()]) {
      const points = (await metrics(body, app)).json().data_points;
      expect(Object.keys(points[0].values)).toEqual(['P95.0', 'P99.99', 'P12.345', 'P1e-05']);
    }
  });

  it('averages feedback per name and version (ASSESSMENTS view)', async () => {
    const response = await metrics({
      view_type: 'ASSESSMENTS',
      metric_name: 'assessment_value',
      aggregations: [{ aggregation_type: 'AVG' }],
      dimensions: ['assessment_name', 'metadata.app_version'],
    });
    expect(response.json().data_points).toEqual([
      {
        metric_name: 'assessment_value',
        dimensions: { assessment_name: 'thumbs', 'metadata.app_version': 'v1' },
        values: { AVG: 1 },
      },
      {
        metric_name: 'assessment_value',
        dimensions: { assessment_name: 'thumbs', 'metadata.app_version': 'v2' },
        values: { AVG: 0 },
      },
    ]);
    for (const body of [
      {
        view_type: 'ASSESSMENTS',
        metric_name: 'assessment_value',
        aggregations: [{ aggregation_type: 'AVG' }],
        dimensions: ['assessment_name', 'metadata.app_version'],
      },
      {
        view_type: 'ASSESSMENTS',
        metric_name: 'assessment_count',
        aggregations: [{ aggregation_type: 'COUNT' }],
        dimensions: ['assessment_value'],
        filters: ['assessment.type = "feedback"'],
        filter: "metadata.env = 'prod'",
      },
      {
        view_type: 'ASSESSMENTS',
        metric_name: 'assessment_count',
        aggregations: [{ aggregation_type: 'COUNT' }],
        time_interval_seconds: 600,
        start_time_ms: T0,
        end_time_ms: T0 + 3_600_000,
      },
    ]) {
      const fast = (await metrics(body)).json();
      const slow = (await metrics(body, await server.sqlOnly())).json();
      expect(fast).toEqual(slow);
    }
    const count = await metrics({
      view_type: 'ASSESSMENTS',
      metric_name: 'assessment_count',
      aggregations: [{ aggregation_type: 'COUNT' }],
      dimensions: ['assessment_value'],
    });
    expect(
      count.json().data_points.map((p: { dimensions: Record<string, string> }) => p.dimensions.assessment_value),
    ).toEqual(['false', 'true']);
  });

  it('feedback averages follow every kind of assessment write (the column path keeps a list of assessments)', async () => {
    const body = {
      view_type: 'ASSESSMENTS',
      metric_name: 'assessment_value',
      aggregations: [{ aggregation_type: 'AVG' }],
      dimensions: ['assessment_name', 'metadata.app_version'],
    };
    const both = async () => {
      const fast = (await metrics(body)).json();
      const slow = (await metrics(body, await server.sqlOnly())).json();
      expect(fast).toEqual(slow);
      return fast.data_points as { dimensions: Record<string, string>; values: Record<string, number> }[];
    };
    const v1 = async () =>
      (await both()).find(
        (p) => p.dimensions.assessment_name === 'rating' && p.dimensions['metadata.app_version'] === 'v1',
      )?.values;
    const url = (trace: string) => `/api/3.0/mlflow/traces/${trace}/assessments`;
    const created = await server.app.inject({
      method: 'POST',
      url: url('tr-m2'),
      payload: { assessment: { assessment_name: 'rating', source: { source_type: 'HUMAN' }, feedback: { value: 4 } } },
    });
    const first = created.json().assessment.assessment_id as string;
    expect(await v1()).toEqual({ AVG: 4 });
    await server.app.inject({
      method: 'POST',
      url: url('tr-m4'),
      payload: { assessment: { assessment_name: 'rating', source: { source_type: 'HUMAN' }, feedback: { value: 2 } } },
    });
    expect(await v1()).toEqual({ AVG: 3 });
    const updated = await server.app.inject({
      method: 'PATCH',
      url: `${url('tr-m2')}/${first}`,
      payload: { assessment: { feedback: { value: 5 } }, update_mask: 'feedback' },
    });
    expect(updated.statusCode).toBe(200);
    expect(await v1()).toEqual({ AVG: 3.5 });
    const override = await server.app.inject({
      method: 'POST',
      url: url('tr-m2'),
      payload: {
        assessment: {
          assessment_name: 'rating',
          source: { source_type: 'HUMAN' },
          feedback: { value: 1 },
          overrides: first,
        },
      },
    });
    expect(await v1()).toEqual({ AVG: 1.5 });
    await server.app.inject({ method: 'DELETE', url: `${url('tr-m2')}/${override.json().assessment.assessment_id}` });
    // Deleting the override restores the one it replaced.
    expect(await v1()).toEqual({ AVG: 3.5 });
  });

  it.each([
    [
      { view_type: 'TRACES', metric_name: 'nope', aggregations: [{ aggregation_type: 'COUNT' }] },
      'metric_name must be one of [',
    ],
    [
      { view_type: 'TRACES', metric_name: 'trace_count', aggregations: [{ aggregation_type: 'MIN' }] },
      "Found invalid aggregation_type(s): ['MIN']",
    ],
    [
      {
        view_type: 'TRACES',
        metric_name: 'trace_count',
        aggregations: [{ aggregation_type: 'COUNT' }],
        dimensions: ['span_name'],
      },
      "Found invalid dimension(s): ['span_name']",
    ],
    [
      { view_type: 'TRACES', metric_name: 'latency', aggregations: [{ aggregation_type: 'PERCENTILE' }] },
      'percentile_value is required',
    ],
    [
      {
        view_type: 'TRACES',
        metric_name: 'trace_count',
        aggregations: [{ aggregation_type: 'COUNT' }],
        time_interval_seconds: 60,
      },
      'start_time_ms and end_time_ms are required if time_interval_seconds is set',
    ],
    [
      {
        view_type: 'TRACES',
        metric_name: 'trace_count',
        aggregations: [{ aggregation_type: 'COUNT' }],
        filters: ['trace.status != "OK"'],
      },
      "Invalid comparator: '!=', only '=' operator is supported",
    ],
    [
      {
        view_type: 'TRACES',
        metric_name: 'trace_count',
        aggregations: [{ aggregation_type: 'COUNT' }],
        filters: ['trace.name = "x"'],
      },
      "Invalid entity 'name' specified for view type 'trace'. Valid entities are ['status', 'tag', 'metadata']",
    ],
    [
      {
        view_type: 'TRACES',
        metric_name: 'trace_count',
        aggregations: [{ aggregation_type: 'COUNT' }],
        filters: ['trace.metadata = "x"'],
      },
      "Filtering by metadata requires a key, e.g. 'trace.metadata.<key> = <value>'",
    ],
    [
      {
        view_type: 'TRACES',
        metric_name: 'trace_count',
        aggregations: [{ aggregation_type: 'COUNT' }],
        filters: ['status = "x"'],
      },
      "Invalid identifier 'status'",
    ],
    [
      {
        view_type: 'TRACES',
        metric_name: 'trace_count',
        aggregations: [{ aggregation_type: 'COUNT' }],
        filters: ['trace.status = "OK" AND trace.status = "OK"'],
      },
      'Invalid clause(s) in filter string: AND',
    ],
    [
      { metric_name: 'trace_count', aggregations: [{ aggregation_type: 'COUNT' }] },
      "Missing value for required parameter 'view_type'",
    ],
  ])('validates case %#', async (payload, message) => {
    const response = await metrics(payload);
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toContain(message);
  });
});

describe('QueryTraceMetrics time buckets over a wide dimension', () => {
  it('keys groups exactly when the requested range times the dimension values exceeds 2^53', async () => {
    const wide = await createTestServer();
    try {
      const experimentId = await createExperiment(wide.app, 'wide');
      // 2,000 distinct users, one trace each, 10 s apart.
      const traces = Array.from({ length: 2000 }, (_, i) => ({
        traceId: `tr-w${i}`,
        experimentId,
        timestampMs: T0 + i * 10_000,
        executionTimeMs: i,
        state: 'OK',
        tags: {},
        metadata: { user: `u${i}` },
        spans: [],
      }));
      // Through StartTraceV3, a hundred at a time (one group commit each).
      for (let i = 0; i < traces.length; i += 100)
        await Promise.all(
          traces.slice(i, i + 100).map((t) =>
            startTrace(wide.app, {
              traceId: t.traceId,
              experimentId,
              startMs: t.timestampMs,
              durationMs: t.executionTimeMs ?? 0,
              metadata: t.metadata,
            }),
          ),
        );
      // One-second buckets from the earliest to the latest representable start: sized from the
      // requested range, bucket × users would pass 2^53 and neighbouring keys would collide.
      const body = {
        experiment_ids: [experimentId],
        view_type: 'TRACES',
        metric_name: 'trace_count',
        aggregations: [{ aggregation_type: 'COUNT' }],
        dimensions: ['metadata.user'],
        time_interval_seconds: 1,
        start_time_ms: -9e15,
        end_time_ms: 9e15,
        max_results: 10_000,
      };
      const response = await wide.app.inject({ method: 'POST', url: '/api/3.0/mlflow/traces/metrics', payload: body });
      expect(response.statusCode).toBe(200);
      const points = response.json().data_points as { dimensions: Record<string, string>; values: { COUNT: number } }[];
      expect(points).toHaveLength(2000);
      expect(points.every((p) => p.values.COUNT === 1)).toBe(true);
      expect(points.find((p) => p.dimensions['metadata.user'] === 'u1999')?.dimensions.time_bucket).toBe(
        bucket(T0 + 1999 * 10_000),
      );
    } finally {
      await wide.close();
    }
  });
});

function bucket(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}+00:00`;
}
