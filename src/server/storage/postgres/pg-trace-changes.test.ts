// The live tail's change order on real PostgreSQL under concurrent transactions. Transaction ids are
// handed out at a transaction's first write and become visible at its commit, in any order: a poll
// must never move its position past a transaction that is still open, or that transaction's traces
// are lost to the watcher when it commits. Two connections make it happen on purpose.
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../open-store.ts';
import type { ChangesResult, TraceStore } from '../trace-store.ts';
import { createPostgresPool } from './postgres-pool.ts';
import { PostgresTraceStore } from './postgres-trace-store.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

let db: TestDatabase;
let store: TraceStore;
let replica: TraceStore;
let exp: number;
const T0 = Date.UTC(2026, 0, 5);

beforeAll(async () => {
  db = await createTestDatabase();
  // No settle wait: the open transactions below stay open only as long as the test needs, so the
  // cluster's other test files (transaction ids are cluster-wide) are not held back.
  store = await PostgresTraceStore.open(createPostgresPool(db.uri, { size: 4, statementTimeoutMs: 30_000 }), {
    tailSettleMs: 0,
  });
  replica = await openStore(db.url, { postgres: { poolSize: 2 } });
  exp = Number(await store.createExperiment({ name: 'tail-race' }));
});

afterAll(async () => {
  await store?.close();
  await replica?.close();
  await db?.drop();
});

async function poll(on: TraceStore, after: string | undefined, start: string, maxResults = 100) {
  return on.changesSince!({ experimentIds: [exp], after, createdAfter: start, maxResults });
}

const ids = (answer: ChangesResult) => answer.created.map((t) => t.trace_id);

const startTrace = (on: TraceStore, traceId: string, offset: number, state: 'OK' | 'IN_PROGRESS' = 'OK') =>
  on.startTrace({
    traceId,
    experimentId: String(exp),
    requestTimeMs: T0 + offset,
    state,
    metadata: {},
    tags: {},
    assessments: [],
  });

/** A second connection outside the store: its transaction stays open until the test commits it. */
async function openTransaction(): Promise<Client> {
  const client = new Client({ connectionString: db.url });
  await client.connect();
  await client.query('BEGIN');
  return client;
}

const insertTrace = (client: Client, traceId: string, offset: number, state = 'OK') =>
  client.query('INSERT INTO traces (trace_id, experiment_id, timestamp_ms, state) VALUES ($1, $2, $3, $4)', [
    traceId,
    exp,
    T0 + offset,
    state,
  ]);

describe('PostgreSQL changesSince under concurrent transactions', () => {
  it('never passes a transaction that began first and commits last', async () => {
    const start = (await poll(store, undefined, '0')).position;
    const early = await openTransaction();
    try {
      // The early transaction takes its id with its first write, then stays open.
      await insertTrace(early, 'tr-early', 1);
      await startTrace(store, 'tr-late', 2);
      // tr-late is committed, but a position past it would skip tr-early (a smaller id) once it commits:
      // the poll holds its position below the open transaction and answers neither yet.
      const during = await poll(store, start, start);
      expect(ids(during)).toEqual([]);
      await early.query('COMMIT');
      // Any replica over the database answers the next poll, in change order.
      const after = await poll(replica, during.position, start);
      expect(ids(after)).toEqual(['tr-early', 'tr-late']);
      expect(after.updated).toEqual([]);
      expect(ids(await poll(store, after.position, start))).toEqual([]);
    } finally {
      await early.end();
    }
  });

  it('reports an update committed after a later transaction', async () => {
    await startTrace(store, 'tr-running', 3, 'IN_PROGRESS');
    const start = (await poll(store, undefined, '0')).position;
    const finishing = await openTransaction();
    try {
      await finishing.query("UPDATE traces SET state = 'OK', execution_time_ms = 5 WHERE trace_id = 'tr-running'");
      await startTrace(store, 'tr-new', 4);
      const during = await poll(store, start, start);
      await finishing.query('COMMIT');
      const after = await poll(store, during.position, start);
      const seen = [...ids(during), ...ids(after)];
      expect(seen).toEqual(['tr-new']);
      expect(after.updated).toEqual([expect.objectContaining({ trace_id: 'tr-running', state: 'OK' })]);
    } finally {
      await finishing.end();
    }
  });

  it('pages through one transaction that wrote more traces than an answer holds', async () => {
    const start = (await poll(store, undefined, '0')).position;
    const bulk = await openTransaction();
    try {
      for (const n of [1, 2, 3]) await insertTrace(bulk, `tr-bulk${n}`, 10 + n);
      await bulk.query('COMMIT');
    } finally {
      await bulk.end();
    }
    // The three rows share one transaction id: the position's trace key keeps the pages apart.
    const first = await poll(store, start, start, 2);
    expect(ids(first)).toEqual(['tr-bulk1', 'tr-bulk2']);
    expect(first.more).toBe(true);
    const rest = await poll(store, first.position, start, 2);
    expect(ids(rest)).toEqual(['tr-bulk3']);
    expect(rest.more).toBe(false);
  });

  it('refuses a position it never gives', async () => {
    for (const position of ['12', '1:-1', `${2n ** 64n}:0`, `1:${2n ** 63n}`])
      await expect(poll(store, position, '0:0')).rejects.toMatchObject({ errorCode: 'INVALID_PARAMETER_VALUE' });
  });
});
