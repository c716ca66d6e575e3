// The ReviewQueueStore contract on both engines: SQLite on a temporary file, PostgreSQL on a fresh
// database of the run's throwaway server (scripts/postgres-global-setup.ts). Both must answer alike.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqlite } from '../storage/open-sqlite.ts';
import { migratePostgres } from '../storage/postgres/migrate-postgres.ts';
import { createPostgresPool } from '../storage/postgres/postgres-pool.ts';
import { createTestDatabase } from '../storage/postgres/test-database.ts';
import { PostgresReviewQueueStore } from './postgres-review-queue-store.ts';
import type { ReviewQueueStore, StoredQueue } from './review-queue-store.ts';
import { SqliteReviewQueueStore } from './sqlite-review-queue-store.ts';

interface Engine {
  store: ReviewQueueStore;
  /** Another store on the same database (a second replica). */
  other: ReviewQueueStore;
  /** Experiments 1 and 2 with these traces (raw rows: the queue tables only need them to exist). */
  seed: (experimentId: number, traceIds: string[]) => Promise<void>;
  deleteTrace: (traceId: string) => Promise<void>;
  cleanup: () => Promise<void>;
}

const engines: [string, () => Promise<Engine>][] = [
  [
    'sqlite',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'trace-explorer-queues-'));
      const path = join(dir, 'test.db');
      const raw = openSqlite(path);
      const store = new SqliteReviewQueueStore(openSqlite(path));
      const other = new SqliteReviewQueueStore(openSqlite(path));
      return {
        store,
        other,
        seed: async (experimentId, traceIds) => {
          raw
            .prepare(
              `INSERT OR IGNORE INTO experiments (experiment_id, name, artifact_location, creation_time, last_update_time)
               VALUES (?, ?, '', 0, 0)`,
            )
            .run(experimentId, `e${experimentId}`);
          const insert = raw.prepare(
            `INSERT INTO traces (trace_id, experiment_id, timestamp_ms, state) VALUES (?, ?, 1, 'OK')`,
          );
          for (const id of traceIds) insert.run(id, experimentId);
        },
        deleteTrace: async (traceId) => void raw.prepare('DELETE FROM traces WHERE trace_id = ?').run(traceId),
        cleanup: async () => {
          await other.close();
          raw.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  ],
  [
    'postgresql',
    async () => {
      const db = await createTestDatabase();
      const pools: Pool[] = [0, 1].map(() => createPostgresPool(db.uri, { size: 8, statementTimeoutMs: 30_000 }));
      await migratePostgres(pools[0]);
      const raw = pools[0];
      const store = new PostgresReviewQueueStore(pools[0]);
      const other = new PostgresReviewQueueStore(pools[1], { ownsPool: true });
      return {
        store,
        other,
        seed: async (experimentId, traceIds) => {
          await raw.query(
            `INSERT INTO experiments (experiment_id, name, artifact_location, creation_time, last_update_time)
             VALUES ($1, $2, '', 0, 0) ON CONFLICT DO NOTHING`,
            [experimentId, `e${experimentId}`],
          );
          for (const id of traceIds)
            await raw.query(
              `INSERT INTO traces (trace_id, experiment_id, timestamp_ms, state) VALUES ($1, $2, 1, 'OK')`,
              [id, experimentId],
            );
        },
        deleteTrace: async (traceId) => void (await raw.query('DELETE FROM traces WHERE trace_id = $1', [traceId])),
        cleanup: async () => {
          await other.close();
          await raw.end();
          await db.drop();
        },
      };
    },
  ],
];

const queueOf = (experimentId: string, name: string): Omit<StoredQueue, 'queueId'> => ({
  experimentId,
  name,
  instructions: 'Check the answer',
  labelNames: ['correctness'],
  liveFilter: null,
  liveState: null,
  createdBy: 'ann',
  createdAtMs: 1000,
});
const lease = (nowMs: number, exclude: string[] = []) => ({ nowMs, leaseMs: 60_000, exclude });

describe.each(engines)('ReviewQueueStore on %s', (_name, open) => {
  let engine: Engine;
  let store: ReviewQueueStore;
  beforeAll(async () => {
    engine = await open();
    store = engine.store;
    await engine.seed(1, ['tr-a', 'tr-b', 'tr-c', 'tr-d', 'tr-e']);
    await engine.seed(2, ['tr-x']);
  });
  afterAll(async () => {
    await store.close();
    await engine.cleanup();
  });

  it('queues: one name per experiment, updates, list by name, delete', async () => {
    const q = (await store.createQueue(queueOf('1', 'errors')))!;
    expect(q).toMatchObject({ experimentId: '1', name: 'errors', labelNames: ['correctness'], liveFilter: null });
    expect(await store.createQueue(queueOf('1', 'errors'))).toBeUndefined();
    const elsewhere = (await store.createQueue(queueOf('2', 'errors')))!;
    const second = (await store.createQueue(queueOf('1', 'another')))!;
    expect((await store.listQueues('1', 10)).map((x) => x.name)).toEqual(['another', 'errors']);
    expect(await store.updateQueue(second.queueId, { name: 'errors' })).toBe('name-taken');
    expect(await store.updateQueue(second.queueId, { name: 'b', instructions: 'x', labelNames: [] })).toBe('ok');
    expect(await store.getQueue(second.queueId)).toMatchObject({ name: 'b', instructions: 'x', labelNames: [] });
    expect(await store.updateQueue('999999', { name: 'z' })).toBe('missing');
    expect(await store.deleteQueue(second.queueId)).toBe(true);
    expect(await store.deleteQueue(second.queueId)).toBe(false);
    expect(await store.getQueue(second.queueId)).toBeUndefined();
    expect(await store.deleteQueue(elsewhere.queueId)).toBe(true);
    expect(await store.deleteQueue(q.queueId)).toBe(true);
  });

  it('items: in the order given, once each, only traces of the queue experiment', async () => {
    const q = (await store.createQueue(queueOf('1', 'order')))!;
    expect(await store.addItems(q.queueId, '1', ['tr-c', 'tr-a', 'tr-x', 'tr-missing', 'tr-c'], 5)).toBe(2);
    expect(await store.addItems(q.queueId, '1', ['tr-a', 'tr-b'], 6)).toBe(1);
    const items = await store.listItems(q.queueId, { limit: 10 });
    expect(items.map((i) => [i.traceId, i.status, i.addedAtMs])).toEqual([
      ['tr-c', 'pending', 5],
      ['tr-a', 'pending', 5],
      ['tr-b', 'pending', 6],
    ]);
    expect((await store.listItems(q.queueId, { limit: 10, afterItemId: items[0].itemId })).length).toBe(2);
    expect(await store.deleteQueue(q.queueId)).toBe(true);
  });

  it('claims: two reviewers never hold the same item; leases expire; skip and come back; progress', async () => {
    const q = (await store.createQueue(queueOf('1', 'work')))!;
    await store.addItems(q.queueId, '1', ['tr-a', 'tr-b', 'tr-c'], 1);
    const ann = await store.claimNext(q.queueId, 'ann', lease(100));
    const bob = await store.claimNext(q.queueId, 'bob', lease(100));
    expect(ann).toMatchObject({ traceId: 'tr-a', claimedBy: 'ann', claimExpiresMs: 60_100 });
    expect(bob?.traceId).toBe('tr-b');
    // Asking again answers the item one already holds; passing over it claims the next one.
    expect((await store.claimNext(q.queueId, 'ann', lease(200)))?.traceId).toBe('tr-a');
    expect((await store.claimNext(q.queueId, 'ann', lease(200, ['tr-a'])))?.traceId).toBe('tr-c');
    expect(await store.claimNext(q.queueId, 'cat', lease(300))).toBeUndefined();
    // After bob's lease ran out, cat may take his item.
    expect((await store.claimNext(q.queueId, 'cat', lease(60_101)))?.traceId).toBe('tr-b');

    expect(await store.complete(q.queueId, 'tr-a', 'ann', 500)).toMatchObject({
      status: 'done',
      completedBy: 'ann',
      completedAtMs: 500,
      claimedBy: null,
    });
    // Skipped: behind every pending item, and back once those are done.
    expect(await store.skip(q.queueId, 'tr-b', 600)).toMatchObject({ status: 'skipped', claimedBy: null });
    expect(await store.release(q.queueId, 'tr-c', 'bob')).toBe(false);
    expect(await store.release(q.queueId, 'tr-c', 'ann')).toBe(true);
    expect((await store.claimNext(q.queueId, 'dan', lease(700)))?.traceId).toBe('tr-c');
    expect(await store.claimNext(q.queueId, 'eve', lease(700))).toMatchObject({ traceId: 'tr-b', status: 'skipped' });
    await store.complete(q.queueId, 'tr-c', 'dan', 800);
    await store.complete(q.queueId, 'tr-b', 'ann', 900);
    // A done item stays done when skipped, and is not offered again.
    expect((await store.skip(q.queueId, 'tr-b', 950))?.status).toBe('done');
    expect(await store.claimNext(q.queueId, 'eve', lease(1000))).toBeUndefined();
    expect(await store.complete(q.queueId, 'tr-x', 'ann', 1000)).toBeUndefined();

    expect((await store.counts([q.queueId])).get(q.queueId)).toEqual({ done: 3, skipped: 0, pending: 0 });
    expect(await store.doneByReviewer(q.queueId, 10)).toEqual([
      { reviewer: 'ann', done: 2 },
      { reviewer: 'dan', done: 1 },
    ]);
    expect(await store.deleteQueue(q.queueId)).toBe(true);
  });

  it('concurrent claims from two replicas hand out every item exactly once', async () => {
    const ids = Array.from({ length: 30 }, (_, i) => `tr-many-${String(i).padStart(2, '0')}`);
    await engine.seed(1, ids);
    const q = (await store.createQueue(queueOf('1', 'race')))!;
    await store.addItems(q.queueId, '1', ids, 1);
    const claims = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (i % 2 === 0 ? store : engine.other).claimNext(q.queueId, `reviewer-${i}`, lease(10)),
      ),
    );
    const got = claims.filter((c) => c !== undefined).map((c) => c.traceId);
    expect(got.length).toBe(30);
    expect(new Set(got).size).toBe(30);
    expect(claims.filter((c) => c === undefined)).toHaveLength(10);
  });

  it('an item leaves with its trace; the watermark is compare-and-set', async () => {
    const q = (await store.createQueue({ ...queueOf('1', 'live'), liveFilter: "status = 'ERROR'" }))!;
    await store.addItems(q.queueId, '1', ['tr-d', 'tr-e'], 1);
    await engine.deleteTrace('tr-d');
    expect((await store.listItems(q.queueId, { limit: 10 })).map((i) => i.traceId)).toEqual(['tr-e']);
    expect(await store.swapLiveState(q.queueId, null, 'w1')).toBe(true);
    expect(await engine.other.swapLiveState(q.queueId, null, 'w2')).toBe(false);
    expect(await engine.other.swapLiveState(q.queueId, 'w1', 'w2')).toBe(true);
    expect((await store.getQueue(q.queueId))?.liveState).toBe('w2');
  });
});
