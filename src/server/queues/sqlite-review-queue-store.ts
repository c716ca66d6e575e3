import type Database from 'better-sqlite3';
import type { QueueItemStatus } from '../../core/review-queue.ts';
import { LockRetry } from '../storage/lock-retry.ts';
import type { QueueChange, ReviewQueueStore, StoredCounts, StoredItem, StoredQueue } from './review-queue-store.ts';
import { QUEUE_COLUMNS, queueSetClause, type QueueRow, toCounts, toItem, toQueue } from './queue-rows.ts';

const IDS = '(SELECT value FROM json_each(?))';

/** The first claimable item of one status, in work order ("next" reads review_queue_items_next). */
const pick = (status: QueueItemStatus, order: string) => `(SELECT item_id FROM review_queue_items
  WHERE queue_id = ? AND status = '${status}' AND (claimed_by IS NULL OR claim_expires_ms <= ? OR claimed_by = ?)
    AND trace_id NOT IN ${IDS}
  ORDER BY ${order} LIMIT 1)`;
const CLAIM = `UPDATE review_queue_items SET claimed_by = ?, claim_expires_ms = ?
  WHERE item_id = coalesce(${pick('pending', 'item_id')}, ${pick('skipped', 'skipped_at_ms, item_id')})
  RETURNING *`;

/**
 * ReviewQueueStore on SQLite, on its own connection to the server's database file (opened by
 * openSqlite, which applies the migrations). Every statement runs to completion synchronously, so
 * the trace store's writer thread never finds the file locked by this one for long; a write that
 * finds it locked by the writer is tried again from a timer (LockRetry), never waited for here.
 */
export class SqliteReviewQueueStore implements ReviewQueueStore {
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly writes: LockRetry;

  /** `lockBudgetMs`: how long a write keeps trying while another connection holds the write lock. */
  constructor(db: Database.Database, lockBudgetMs?: number) {
    this.db = db;
    this.writes = new LockRetry(db, lockBudgetMs);
  }

  private stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  async createQueue(queue: Omit<StoredQueue, 'queueId'>): Promise<StoredQueue | undefined> {
    const row = (await this.writes.write(() =>
      this.stmt(
        `INSERT INTO review_queues (experiment_id, name, instructions, label_names, live_filter, live_state, created_by, created_at_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (experiment_id, name) DO NOTHING RETURNING ${QUEUE_COLUMNS}`,
      ).get(
        Number(queue.experimentId),
        queue.name,
        queue.instructions,
        JSON.stringify(queue.labelNames),
        queue.liveFilter,
        queue.liveState,
        queue.createdBy,
        queue.createdAtMs,
      ),
    )) as QueueRow | undefined;
    return row && toQueue(row);
  }

  async getQueue(queueId: string): Promise<StoredQueue | undefined> {
    const row = this.stmt(`SELECT ${QUEUE_COLUMNS} FROM review_queues WHERE queue_id = ?`).get(queueId) as
      QueueRow | undefined;
    return row && toQueue(row);
  }

  async listQueues(experimentId: string, limit: number): Promise<StoredQueue[]> {
    const rows = this.stmt(
      `SELECT ${QUEUE_COLUMNS} FROM review_queues WHERE experiment_id = ? ORDER BY name LIMIT ?`,
    ).all(Number(experimentId), limit) as QueueRow[];
    return rows.map(toQueue);
  }

  async updateQueue(queueId: string, change: QueueChange): Promise<'ok' | 'missing' | 'name-taken'> {
    const { sql, params } = queueSetClause(change, () => '?');
    if (sql === '') return (await this.getQueue(queueId)) ? 'ok' : 'missing';
    try {
      const result = await this.writes.write(() =>
        this.stmt(`UPDATE review_queues SET ${sql} WHERE queue_id = ?`).run(...params, queueId),
      );
      return result.changes > 0 ? 'ok' : 'missing';
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') return 'name-taken';
      throw error;
    }
  }

  async swapLiveState(queueId: string, expected: string | null, next: string): Promise<boolean> {
    const result = await this.writes.write(() =>
      this.stmt('UPDATE review_queues SET live_state = ? WHERE queue_id = ? AND live_state IS ?').run(
        next,
        queueId,
        expected,
      ),
    );
    return result.changes > 0;
  }

  async deleteQueue(queueId: string): Promise<boolean> {
    return (
      (await this.writes.write(() => this.stmt('DELETE FROM review_queues WHERE queue_id = ?').run(queueId))).changes >
      0
    );
  }

  async addItems(queueId: string, experimentId: string, traceIds: string[], nowMs: number): Promise<number> {
    if (traceIds.length === 0) return 0;
    // Joining traces keeps out ids of another experiment (or none) whatever the caller checked.
    const result = await this.writes.write(() =>
      this.stmt(
        `INSERT INTO review_queue_items (queue_id, trace_id, added_at_ms)
         SELECT ?, t.trace_id, ? FROM json_each(?) j JOIN traces t ON t.trace_id = j.value
         WHERE t.experiment_id = ? ORDER BY j.key
         ON CONFLICT (queue_id, trace_id) DO NOTHING`,
      ).run(queueId, nowMs, JSON.stringify(traceIds), Number(experimentId)),
    );
    return result.changes;
  }

  async claimNext(
    queueId: string,
    reviewer: string,
    { nowMs, leaseMs, exclude }: { nowMs: number; leaseMs: number; exclude: string[] },
  ): Promise<StoredItem | undefined> {
    const excluded = JSON.stringify(exclude);
    const mine = [queueId, nowMs, reviewer, excluded];
    // One UPDATE … RETURNING in an IMMEDIATE transaction: the choice and the claim are one write,
    // so another connection (another process on the same file) cannot claim between them.
    const row = (await this.writes.write(() =>
      this.db.transaction(() => this.stmt(CLAIM).get(reviewer, nowMs + leaseMs, ...mine, ...mine)).immediate(),
    )) as Record<string, unknown> | undefined;
    return row && toItem(row);
  }

  async complete(queueId: string, traceId: string, reviewer: string, nowMs: number): Promise<StoredItem | undefined> {
    const row = (await this.writes.write(() =>
      this.stmt(
        `UPDATE review_queue_items SET status = 'done', completed_by = ?, completed_at_ms = ?, claimed_by = NULL,
           claim_expires_ms = NULL WHERE queue_id = ? AND trace_id = ? RETURNING *`,
      ).get(reviewer, nowMs, queueId, traceId),
    )) as Record<string, unknown> | undefined;
    return row && toItem(row);
  }

  async skip(queueId: string, traceId: string, nowMs: number): Promise<StoredItem | undefined> {
    await this.writes.write(() =>
      this.stmt(
        `UPDATE review_queue_items SET status = 'skipped', skipped_at_ms = ?, claimed_by = NULL, claim_expires_ms = NULL
         WHERE queue_id = ? AND trace_id = ? AND status <> 'done'`,
      ).run(nowMs, queueId, traceId),
    );
    return this.getItem(queueId, traceId);
  }

  async release(queueId: string, traceId: string, reviewer: string): Promise<boolean> {
    const result = await this.writes.write(() =>
      this.stmt(
        `UPDATE review_queue_items SET claimed_by = NULL, claim_expires_ms = NULL
         WHERE queue_id = ? AND trace_id = ? AND claimed_by = ?`,
      ).run(queueId, traceId, reviewer),
    );
    return result.changes > 0;
  }

  async getItem(queueId: string, traceId: string): Promise<StoredItem | undefined> {
    const row = this.stmt('SELECT * FROM review_queue_items WHERE queue_id = ? AND trace_id = ?').get(
      queueId,
      traceId,
    ) as Record<string, unknown> | undefined;
    return row && toItem(row);
  }

  async listItems(
    queueId: string,
    options: { status?: QueueItemStatus; afterItemId?: string; limit: number },
  ): Promise<StoredItem[]> {
    const rows = this.stmt(
      `SELECT * FROM review_queue_items WHERE queue_id = ? AND item_id > ? AND (? IS NULL OR status = ?)
       ORDER BY item_id LIMIT ?`,
    ).all(
      queueId,
      Number(options.afterItemId ?? 0),
      options.status ?? null,
      options.status ?? null,
      options.limit,
    ) as Record<string, unknown>[];
    return rows.map(toItem);
  }

  async counts(queueIds: string[]): Promise<Map<string, StoredCounts>> {
    if (queueIds.length === 0) return new Map();
    const rows = this.stmt(
      `SELECT queue_id, status, count(*) AS n FROM review_queue_items WHERE queue_id IN ${IDS} GROUP BY queue_id, status`,
    ).all(JSON.stringify(queueIds.map(Number))) as Record<string, unknown>[];
    return toCounts(rows);
  }

  async doneByReviewer(queueId: string, limit: number): Promise<{ reviewer: string; done: number }[]> {
    const rows = this.stmt(
      `SELECT completed_by AS reviewer, count(*) AS n FROM review_queue_items
       WHERE queue_id = ? AND status = 'done' GROUP BY completed_by ORDER BY n DESC, reviewer LIMIT ?`,
    ).all(queueId, limit) as { reviewer: string; n: number }[];
    return rows.map((r) => ({ reviewer: r.reviewer, done: r.n }));
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
