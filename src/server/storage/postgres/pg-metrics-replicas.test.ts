// The metrics accelerator across replicas: three stores on one PostgreSQL database. A writes; B answers
// from its in-memory columns (warmed before any write, so every later answer is a catch-up); C answers from
// SQL alone. After each kind of write acknowledged by A, B's next answers (version metrics, percentiles with
// bounds, daily buckets, filtered, 👍 share, group pages) equal C's, and differ from before the write. A
// transaction held open on a fourth connection while A commits later ones must be in B's answers once it
// commits, and not before.
import type { FastifyInstance } from 'fastify';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { METADATA } from '../../../core/model.ts';
import { createExperiment, otlpJsonBody, startTrace, type TestTrace } from '../../test-helpers.ts';
import { openStore } from '../open-store.ts';
import type { TraceStore } from '../trace-store.ts';
import type { PostgresTraceStore } from './postgres-trace-store.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

let db: TestDatabase;
const stores: TraceStore[] = [];
const apps: FastifyInstance[] = [];
let a: FastifyInstance;
let b: FastifyInstance;
let bStore: PostgresTraceStore;
let sqlOnly: FastifyInstance;
let exp: string;

const T0 = Date.UTC(2026, 0, 5, 9);
const DAY = 86_400_000;
const hex = (i: number) => (i + 1).toString(16).padStart(32, '0');

async function replica(accelerator: boolean): Promise<FastifyInstance> {
  const store = await openStore(db.url, { postgres: { poolSize: 3, metricsAccelerator: accelerator ? {} : false } });
  stores.push(store);
  const app = await buildApp({ store });
  apps.push(app);
  return app;
}

function trace(i: number, version: string, extra: Partial<TestTrace> = {}): TestTrace {
  return {
    traceId: `tr-${hex(i)}`,
    experimentId: exp,
    startMs: T0 + (i % 3) * DAY + i * 1000,
    durationMs: 10 * (i + 1),
    state: i % 4 === 3 ? 'ERROR' : 'OK',
    // Some traces have a cost: group pages sum it from a column of their own.
    metadata: {
      app_version: version,
      env: i % 2 === 0 ? 'prod' : 'dev',
      ...(i % 3 === 1 ? { [METADATA.cost]: JSON.stringify({ total_cost: i / 100 }) } : {}),
    },
    tags: { team: i % 3 === 0 ? 'a' : 'b' },
    ...extra,
  };
}

beforeAll(async () => {
  db = await createTestDatabase();
  a = await replica(true);
  b = await replica(true);
  bStore = stores[1] as PostgresTraceStore;
  await bStore.acceleratorReady();
  sqlOnly = await replica(false);
  exp = await createExperiment(a, 'replicas');
  for (let i = 0; i < 12; i++) await startTrace(a, trace(i, i < 6 ? 'v1' : 'v2'));
  const spans = await a.inject({
    method: 'POST',
    url: '/v1/traces',
    headers: { 'content-type': 'application/json', 'x-mlflow-experiment-id': exp },
    payload: otlpJsonBody([
      {
        traceId: hex(0),
        spanId: '1'.repeat(16),
        name: 'retrieve',
        startNs: String(T0 * 1e6),
        endNs: String(T0 * 1e6 + 5e6),
      },
    ]),
  });
  if (spans.statusCode !== 200) throw new Error(`OTLP spans: ${spans.statusCode} ${spans.body}`);
});

afterAll(async () => {
  for (const app of apps) await app.close();
  for (const store of stores) await store.close();
  await db.drop();
});

const percentiles = [50, 95, 99].map((p) => ({ aggregation_type: 'PERCENTILE', percentile_value: p }));
const METRICS: Record<string, unknown>[] = [
  {
    view_type: 'TRACES',
    metric_name: 'trace_count',
    aggregations: [{ aggregation_type: 'COUNT' }],
    dimensions: ['metadata.app_version', 'trace_status'],
  },
  {
    view_type: 'TRACES',
    metric_name: 'latency',
    aggregations: [{ aggregation_type: 'AVG' }, ...percentiles],
    dimensions: ['metadata.app_version'],
    confidence_level: 0.95,
  },
  {
    view_type: 'TRACES',
    metric_name: 'latency',
    aggregations: percentiles,
    dimensions: ['metadata.app_version'],
    time_interval_seconds: 86_400,
    start_time_ms: T0 - DAY,
    end_time_ms: T0 + 5 * DAY,
  },
  // A filter the columns evaluate, and one only SQL can (spans).
  {
    view_type: 'TRACES',
    metric_name: 'latency',
    aggregations: percentiles,
    dimensions: ['metadata.app_version'],
    filter: "metadata.env = 'prod'",
  },
  {
    view_type: 'TRACES',
    metric_name: 'trace_count',
    aggregations: [{ aggregation_type: 'COUNT' }],
    dimensions: ['tag.team'],
    filter: "span.name = 'retrieve'",
  },
  {
    view_type: 'ASSESSMENTS',
    metric_name: 'assessment_count',
    aggregations: [{ aggregation_type: 'COUNT' }],
    dimensions: ['assessment_value', 'metadata.app_version'],
    filters: ['assessment.type = "feedback"'],
  },
];
const GROUPS: Record<string, unknown>[] = [
  { group_by: 'metadata.app_version', order: 'count' },
  { group_by: 'tag.team', order: 'recent', filter: "metadata.env = 'prod'" },
];

async function answers(app: FastifyInstance): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const body of METRICS) {
    const response = await app.inject({
      method: 'POST',
      url: '/api/3.0/mlflow/traces/metrics',
      payload: { experiment_ids: [exp], ...body },
    });
    expect(response.statusCode).toBe(200);
    out.push(response.json());
  }
  for (const body of GROUPS) {
    const response = await app.inject({
      method: 'POST',
      url: '/ajax-api/trace-explorer/v1/groups',
      payload: { experiment_ids: [exp], ...body },
    });
    expect(response.statusCode).toBe(200);
    out.push(response.json());
  }
  return out;
}

/** B's answers, checked against SQL's; returns them. */
async function agreed(): Promise<unknown[]> {
  const fast = await answers(b);
  expect(fast).toEqual(await answers(sqlOnly));
  return fast;
}

/** Runs a write through A and checks B's next answers equal SQL's and changed. */
async function afterWrite(write: () => Promise<{ statusCode: number }>): Promise<void> {
  const before = await agreed();
  const response = await write();
  expect(response.statusCode).toBe(200);
  expect(await agreed()).not.toEqual(before);
}

describe('metrics accelerator across replicas', () => {
  it('answers from its columns, and each kind of write through another replica is in its next answer', async () => {
    await agreed();
    // The dimensions B was asked for load in the background (SQL answered meanwhile); from here on B
    // answers from memory, not from SQL.
    await bStore.acceleratorReady();
    await agreed();
    expect(bStore.acceleratorMemory()?.baseBytes).toBeGreaterThan(0);
    expect(bStore.acceleratorMemory()?.dimensions).toBeGreaterThan(0);

    // A new trace.
    await afterWrite(async () => ({ statusCode: 200, ...(await startTrace(a, trace(12, 'v3'))) }));
    // A new trace with a cost, in a group B has summarised: its cost column follows too.
    await afterWrite(async () => {
      const cost = { [METADATA.cost]: JSON.stringify({ total_cost: 2.5 }) };
      return {
        statusCode: 200,
        ...(await startTrace(a, trace(15, 'v1', { metadata: { app_version: 'v1', ...cost } }))),
      };
    });
    // A tag changed (a group-by dimension).
    await afterWrite(() =>
      a.inject({
        method: 'PATCH',
        url: `/api/3.0/mlflow/traces/tr-${hex(2)}/tags`,
        payload: { key: 'team', value: 'a' },
      }),
    );
    // Spans (only a SQL filter reads them).
    await afterWrite(() =>
      a.inject({
        method: 'POST',
        url: '/v1/traces',
        headers: { 'content-type': 'application/json', 'x-mlflow-experiment-id': exp },
        payload: otlpJsonBody([
          { traceId: hex(4), spanId: '2'.repeat(16), name: 'retrieve', startNs: '1000', endNs: '2000' },
        ]),
      }),
    );
    // Feedback (👍 share), then its deletion.
    const url = `/api/3.0/mlflow/traces/tr-${hex(2)}/assessments`;
    let assessmentId = '';
    await afterWrite(async () => {
      const created = await a.inject({
        method: 'POST',
        url,
        payload: {
          assessment: { assessment_name: 'thumbs', source: { source_type: 'HUMAN' }, feedback: { value: true } },
        },
      });
      assessmentId = created.json().assessment.assessment_id;
      return created;
    });
    await afterWrite(() => a.inject({ method: 'DELETE', url: `${url}/${assessmentId}` }));
    // A deleted trace.
    await afterWrite(() =>
      a.inject({
        method: 'POST',
        url: '/api/3.0/mlflow/traces/delete-traces',
        payload: { experiment_id: exp, request_ids: [`tr-${hex(6)}`] },
      }),
    );
    // A deleted experiment answers nothing, a restored one everything again.
    await afterWrite(() =>
      a.inject({ method: 'POST', url: '/api/2.0/mlflow/experiments/delete', payload: { experiment_id: exp } }),
    );
    await afterWrite(() =>
      a.inject({ method: 'POST', url: '/api/2.0/mlflow/experiments/restore', payload: { experiment_id: exp } }),
    );
  });

  it('picks up a transaction that was open while younger ones committed, once it commits', async () => {
    await agreed();
    const other = new Client({ connectionString: db.url });
    await other.connect();
    try {
      // An older transaction id: it writes first, and stays open.
      await other.query('BEGIN');
      const moved = await other.query(
        `UPDATE trace_metadata m SET value = 'v9' FROM traces t
          WHERE t.trace_key = m.trace_key AND t.trace_id = $1 AND m.key = 'app_version'`,
        [`tr-${hex(3)}`],
      );
      expect(moved.rowCount).toBe(1);
      // Younger transactions commit through A; B catches up past them.
      await startTrace(a, trace(13, 'v1'));
      const whileOpen = await agreed();
      expect(JSON.stringify(whileOpen)).not.toContain('v9');
      await startTrace(a, trace(14, 'v2'));
      expect(JSON.stringify(await agreed())).not.toContain('v9');
      await other.query('COMMIT');
    } finally {
      await other.end();
    }
    // Committed now: in B's very next answer.
    expect(JSON.stringify(await agreed())).toContain('v9');
  });
});
