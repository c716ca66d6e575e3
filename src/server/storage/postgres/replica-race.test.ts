// Two replicas (two apps, two stores, two pools) on one PostgreSQL database, written concurrently: the same
// traces through StartTraceV3 on one and OTLP spans on the other, each call re-sent through the other replica,
// all at once. Every call must succeed, and the traces must end exactly as one sequential run of the same calls
// leaves them on a database of its own. Then what one replica acknowledges, the other answers at once.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { otlpJsonBody, startTrace, type TestTrace } from '../../test-helpers.ts';
import { openStore } from '../open-store.ts';
import type { TraceStore } from '../trace-store.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

interface Replica {
  app: FastifyInstance;
  store: TraceStore;
}

const databases: TestDatabase[] = [];
const replicas: Replica[] = [];

async function replica(db: TestDatabase): Promise<Replica> {
  const store = await openStore(db.url, { postgres: { poolSize: 4 } });
  const r = { store, app: await buildApp({ store }) };
  replicas.push(r);
  return r;
}

let shared: TestDatabase;
let reference: TestDatabase;
let a: Replica;
let b: Replica;
let solo: Replica;

beforeAll(async () => {
  shared = await createTestDatabase();
  reference = await createTestDatabase();
  databases.push(shared, reference);
  // Both replicas start together: the migration runs once under the advisory lock.
  [a, b] = await Promise.all([replica(shared), replica(shared)]);
  solo = await replica(reference);
});

afterAll(async () => {
  for (const r of replicas) {
    await r.app.close();
    await r.store.close();
  }
  for (const db of databases) await db.drop();
});

const TRACES = 12;
const T0 = Date.UTC(2026, 0, 5, 9);
const hex = (i: number) => (i + 1).toString(16).padStart(32, '0');

function info(i: number, experimentId: string): TestTrace {
  return {
    traceId: `tr-${hex(i)}`,
    experimentId,
    startMs: T0 + i * 1000,
    durationMs: 900,
    state: 'OK',
    tags: { team: i % 2 === 0 ? 'search' : 'chat' },
    metadata: { 'mlflow.trace.session': `s-${i % 3}` },
  };
}

/** The root and a child span, as an exporter sends them; the child alone is a second batch. */
function spans(i: number, only: 'all' | 'child' = 'all'): Record<string, unknown> {
  const start = BigInt(T0 + i * 1000) * 1_000_000n;
  const root = {
    traceId: hex(i),
    spanId: `${i.toString(16).padStart(4, '0')}000000000001`,
    name: 'agent',
    startNs: String(start),
    endNs: String(start + 900_000_000n),
    attributes: { 'input.value': `question ${i}`, 'output.value': `answer ${i}` },
    status: 1 as const,
  };
  const child = {
    traceId: hex(i),
    spanId: `${i.toString(16).padStart(4, '0')}000000000002`,
    parentSpanId: root.spanId,
    name: i % 2 === 0 ? 'retrieve' : 'llm',
    startNs: String(start + 100_000_000n),
    endNs: String(start + 700_000_000n),
    attributes: { 'gen_ai.request.model': 'gpt-x' },
    status: 1 as const,
  };
  return otlpJsonBody(only === 'all' ? [root, child] : [child]);
}

async function postSpans(app: FastifyInstance, experimentId: string, body: Record<string, unknown>): Promise<void> {
  const response = await app.inject({
    method: 'POST',
    url: '/v1/traces',
    payload: JSON.stringify(body),
    headers: { 'content-type': 'application/json', 'x-mlflow-experiment-id': experimentId },
  });
  // A partial success would name refused spans: there must be none.
  if (response.statusCode !== 200 || response.body !== '{}')
    throw new Error(`OTLP ${response.statusCode}: ${response.body}`);
}

/** Every call of trace i, in the order a sequential run makes them. */
function calls(i: number, experimentId: string, first: FastifyInstance, second: FastifyInstance) {
  return [
    () => startTrace(first, info(i, experimentId)),
    () => postSpans(second, experimentId, spans(i)),
    () => postSpans(first, experimentId, spans(i)),
    () => startTrace(second, info(i, experimentId)),
    () => postSpans(second, experimentId, spans(i, 'child')),
  ];
}

async function createExperiment(app: FastifyInstance, name: string) {
  return app.inject({ method: 'POST', url: '/api/2.0/mlflow/experiments/create', payload: { name } });
}

/** What a trace is, as the store answers: its info and its spans (bigint times as text). */
async function snapshot(store: TraceStore): Promise<string> {
  const ids = Array.from({ length: TRACES }, (_, i) => `tr-${hex(i)}`);
  const infos = await store.getTraceInfos(ids);
  const stored = await store.getSpansOfTraces(ids);
  // Tags and metadata are maps on the wire: their key order is whatever order the rows came back in (the
  // state is the same either way), so they are compared with their keys sorted.
  return JSON.stringify({ infos, spans: ids.map((id) => stored.get(id) ?? []) }, (key, v: unknown) =>
    typeof v === 'bigint'
      ? v.toString()
      : (key === 'tags' || key === 'trace_metadata') && typeof v === 'object' && v !== null
        ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
        : v,
  );
}

describe('two replicas on one PostgreSQL database', () => {
  it('answer a create-experiment name race with one experiment and RESOURCE_ALREADY_EXISTS', async () => {
    for (let round = 0; round < 5; round++) {
      const responses = await Promise.all([a, b, a, b].map((r) => createExperiment(r.app, `race-${round}`)));
      const codes = responses.map((r) => r.statusCode).sort();
      expect(codes).toEqual([200, 400, 400, 400]);
      for (const r of responses.filter((x) => x.statusCode === 400))
        expect(r.json()).toEqual({
          error_code: 'RESOURCE_ALREADY_EXISTS',
          message: `Experiment(name=race-${round}) already exists.`,
        });
    }
  });

  it('end concurrent StartTraceV3, OTLP spans and re-sends in the state of a sequential run', async () => {
    const racing = (await createExperiment(a.app, 'traces')).json().experiment_id as string;
    const sequential = (await createExperiment(solo.app, 'traces')).json().experiment_id as string;
    // Every call of every trace at once, half of each trace's calls through each replica.
    const results = await Promise.allSettled(
      Array.from({ length: TRACES }, (_, i) =>
        calls(i, racing, i % 2 === 0 ? a.app : b.app, i % 2 === 0 ? b.app : a.app),
      )
        .flat()
        .map((call) => call()),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    for (let i = 0; i < TRACES; i++) for (const call of calls(i, sequential, solo.app, solo.app)) await call();

    // The experiments have different ids in the two databases: compare with the id written as X.
    const neutral = (text: string, id: string) =>
      text
        .replaceAll(`"experiment_id":"${id}"`, '"experiment_id":"X"')
        .replaceAll(`mlflow-artifacts:/${id}/`, 'mlflow-artifacts:/X/');
    const expected = neutral(await snapshot(solo.store), sequential);
    expect(expected).toContain('"state":"OK"');
    for (const r of [a, b]) expect(neutral(await snapshot(r.store), racing)).toBe(expected);
    // No duplicate rows: two spans per trace, one info each.
    const counts = await a.store.spanCounts(Array.from({ length: TRACES }, (_, i) => `tr-${hex(i)}`));
    expect([...counts.values()]).toEqual(Array(TRACES).fill(2));
  });

  it('answers a write acknowledged by one replica in the other’s search, counts, groups and metrics at once', async () => {
    const experimentId = (await createExperiment(a.app, 'read-your-writes')).json().experiment_id as string;
    const ask = (app: FastifyInstance) =>
      Promise.all([
        app
          .inject({
            method: 'POST',
            url: '/api/3.0/mlflow/traces/search',
            payload: {
              locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } }],
              filter: "tag.team = 'search'",
            },
          })
          .then((r) => (r.json().traces ?? []).length as number),
        app
          .inject({
            method: 'POST',
            url: '/ajax-api/3.0/mlflow/traces/metrics',
            payload: {
              experiment_ids: [experimentId],
              view_type: 'TRACES',
              metric_name: 'latency',
              aggregations: [{ aggregation_type: 'AVG' }, { aggregation_type: 'PERCENTILE', percentile_value: 95 }],
            },
          })
          .then((r) => {
            if (r.statusCode !== 200) throw new Error(`metrics ${r.statusCode}: ${r.body}`);
            return r.json().data_points ?? [];
          }),
      ]);
    for (let i = 100; i < 106; i++) {
      const writer = i % 2 === 0 ? a : b;
      const reader = i % 2 === 0 ? b : a;
      await startTrace(writer.app, { ...info(i, experimentId), tags: { team: 'search' }, durationMs: i });
      const [found, points] = await ask(reader.app);
      expect(found).toBe(i - 99);
      expect(points).toEqual(await ask(writer.app).then(([, p]) => p));
      expect(points[0].values.AVG).toBe((100 + i) / 2);
    }
  });
});
