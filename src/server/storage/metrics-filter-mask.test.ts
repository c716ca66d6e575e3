// The metrics `filter` mask: evaluated on the in-memory columns when it can be (must match SQL
// exactly), and cached per (experiments, filter) until the next write.
// SQLite-only: it watches the accelerator's own mask cache.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExperiment, createTestServer, startTrace, type TestServer } from '../test-helpers.ts';
import { MetricsColumns } from './metrics-columns.ts';

let server: TestServer;
let columns: MetricsColumns;
let exp: string;
const T0 = Date.UTC(2025, 0, 1, 10, 0, 0);

beforeAll(async () => {
  server = await createTestServer({
    backend: 'sqlite',
    sqlite: { metricsAccelerator: (db) => (columns = new MetricsColumns(db)) },
  });
  exp = await createExperiment(server.app, 'mask');
  const other = await createExperiment(server.app, 'other');
  for (let i = 0; i < 30; i++) {
    await startTrace(server.app, {
      traceId: `tr-k${i}`,
      experimentId: i === 29 ? other : exp,
      startMs: T0 + i * 60_000,
      // Every seventh trace has no duration (NULL): NOT must not match it.
      ...(i % 7 === 3 ? {} : { durationMs: (i + 1) * 10 }),
      state: i % 4 === 0 ? 'ERROR' : i % 9 === 0 ? 'IN_PROGRESS' : 'OK',
      metadata: { app_version: `v${i % 3}`, ...(i % 5 === 0 ? {} : { env: i % 2 ? 'prod' : 'staging' }) },
      tags: { 'mlflow.traceName': i % 2 ? 'chat' : 'search', ...(i % 6 === 0 ? { team: 'a' } : {}) },
    });
    if (i % 4 === 1) {
      await server.app.inject({
        method: 'POST',
        url: `/api/3.0/mlflow/traces/tr-k${i}/assessments`,
        payload: {
          assessment: { assessment_name: 'thumbs', source: { source_type: 'HUMAN' }, feedback: { value: i % 8 === 1 } },
        },
      });
    }
  }
});
afterAll(() => server.close());

const counts = async (filter: string, extra: Record<string, unknown> = {}, app: FastifyInstance = server.app) => {
  const response = await app.inject({
    method: 'POST',
    url: '/ajax-api/3.0/mlflow/traces/metrics',
    payload: {
      experiment_ids: [exp],
      view_type: 'TRACES',
      metric_name: 'trace_count',
      aggregations: [{ aggregation_type: 'COUNT' }],
      dimensions: ['metadata.app_version', 'trace_status'],
      ...(filter ? { filter } : {}),
      ...extra,
    },
  });
  expect(response.statusCode).toBe(200);
  return response.json();
};

const COLUMN_FILTERS = [
  "metadata.env = 'prod'",
  "metadata.env != 'prod'",
  'metadata.env IS NULL',
  'metadata.env IS NOT NULL',
  "metadata.app_version IN ('v1', 'nope')",
  "metadata.app_version NOT IN ('v1')",
  "metadata.missing_key = 'x'",
  "tag.`mlflow.traceName` = 'chat'",
  "tag.team = 'a' OR status = 'ERROR'",
  "status = 'ERROR'",
  "status != 'ERROR'",
  "status IN ('ERROR', 'IN_PROGRESS')",
  "status NOT IN ('OK')",
  'execution_time_ms > 100',
  'execution_time_ms <= 100.5',
  'execution_time_ms = 100.5',
  'execution_time_ms != 100.5',
  'execution_time_ms != 100',
  'execution_time_ms >= 99.5',
  `timestamp_ms >= ${T0 + 10 * 60_000} AND timestamp_ms < ${T0 + 20 * 60_000}`,
  'NOT execution_time_ms > 100',
  "NOT (metadata.env = 'prod' OR execution_time_ms > 200)",
  "(metadata.env = 'prod' OR metadata.env = 'staging') AND execution_time_ms > 100 AND NOT status = 'ERROR'",
  // The shared comparison rules (compare-rules.ts) let the columns answer these too.
  "metadata.env LIKE 'pr%'",
  "metadata.env ILIKE 'PR%'",
  "tag.team RLIKE '^a$'",
  "status ILIKE 'error'",
  "execution_time_ms < 'abc'",
  `end_time_ms > ${T0 + 15 * 60_000}`,
];
const SQL_FILTERS = [
  "feedback.thumbs = 'true'",
  "trace.text LIKE '%x%'",
  "run_id = 'r1'",
  "request_id = 'tr-k1'",
  "span.name = 'x'",
];

describe('metrics filter masks', () => {
  it('evaluates supported filters on the columns with the same result as SQL', async () => {
    // The same data with masks always computed by SQL, and with no accelerator at all.
    const sqlMasks = await server.sibling({
      metricsAccelerator: (db) => new MetricsColumns(db, { columnFilters: false }),
    });
    const sqlOnlyApp = await server.sqlOnly();
    for (const filter of [...COLUMN_FILTERS, ...SQL_FILTERS]) {
      const before = { ...columns.maskSources };
      // A first request asks for the columns the filter names (SQL answers it unless they are loaded);
      // they load in the background. The mask is computed by one of the two requests.
      await counts(filter);
      await columns.ready();
      const fast = await counts(filter);
      const viaColumns = columns.maskSources.columns > before.columns;
      expect({ filter, viaColumns }).toEqual({ filter, viaColumns: COLUMN_FILTERS.includes(filter) });
      const sqlMask = await counts(filter, {}, sqlMasks);
      const sqlOnly = await counts(filter, {}, sqlOnlyApp);
      expect({ filter, result: fast }).toEqual({ filter, result: sqlMask });
      expect({ filter, result: fast }).toEqual({ filter, result: sqlOnly });
    }
    // Sanity: the filters are not all trivially empty.
    expect((await counts("metadata.env = 'prod'")).data_points.length).toBeGreaterThan(0);
  });

  it('reuses a mask across the requests of one filter change and drops it after a write', async () => {
    const filter = "metadata.env = 'prod' AND execution_time_ms > 50";
    await counts(filter);
    await columns.ready();
    const first = await counts(filter);
    const hits = columns.masks.stats.hits;
    const again = await counts(filter, { time_interval_seconds: 3600, start_time_ms: T0, end_time_ms: T0 + 3_600_000 });
    expect(columns.masks.stats.hits).toBe(hits + 1);
    expect(again.data_points.reduce((sum: number, p: { values: { COUNT: number } }) => sum + p.values.COUNT, 0)).toBe(
      first.data_points.reduce((sum: number, p: { values: { COUNT: number } }) => sum + p.values.COUNT, 0),
    );
    // A metadata write: the next request recomputes and sees it.
    await startTrace(server.app, {
      traceId: 'tr-k-late',
      experimentId: exp,
      startMs: T0,
      durationMs: 500,
      metadata: { app_version: 'v9', env: 'prod' },
    });
    const misses = columns.masks.stats.misses;
    const after = await counts(filter);
    expect(columns.masks.stats.misses).toBe(misses + 1);
    expect(
      after.data_points.map((p: { dimensions: Record<string, string> }) => p.dimensions['metadata.app_version']),
    ).toContain('v9');
  });

  it('drops a cached mask after an assessment write (which does not touch the trace columns)', async () => {
    const filter = "feedback.thumbs = 'true'";
    const before = await counts(filter);
    const response = await server.app.inject({
      method: 'POST',
      url: '/api/3.0/mlflow/traces/tr-k2/assessments',
      payload: {
        assessment: { assessment_name: 'thumbs', source: { source_type: 'HUMAN' }, feedback: { value: true } },
      },
    });
    expect(response.statusCode).toBe(200);
    const after = await counts(filter);
    const total = (r: { data_points: { values: { COUNT: number } }[] }) =>
      r.data_points.reduce((sum, p) => sum + p.values.COUNT, 0);
    expect(total(after)).toBe(total(before) + 1);
  });
});
