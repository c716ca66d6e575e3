import type { Pool } from 'pg';
import type { QueueItemStatus } from '../../core/review-queue.ts';
import type { QueueChange, ReviewQueueStore, StoredCounts, StoredItem, StoredQueue } from './review-queue-store.ts';
import { QUEUE_COLUMNS, queueSetClause, toCounts, toItem, toQueue } from './queue-rows.ts';

type Row = Record<string, unknown>;

/**
 * One claim: the first free item of one status, locked with SKIP LOCKED so a concurrent claim passes
 * over it instead of waiting, then taken in the same statement. A row another claim committed first
 * is re-checked against the WHERE under READ COMMITTED, so it is never taken twice.
 */
const claim = (
  status: QueueItemStatus,
  order: string,
) => `UPDATE review_queue_items SET claimed_by = $3, claim_expires_ms = $4
  WHERE item_id = (SELECT item_id FROM review_queue_items
    WHERE queue_id = $1 AND status = '${status}' AND (claimed_by IS NULL OR claim_expires_ms <= $2 OR claimed_by = $3)
      AND NOT (trace_id = ANY($5::text[]))
    ORDER BY ${order} LIMIT 1 FOR UPDATE SKIP LOCKED)
  RETURNING *`;
const CLAIM_PENDING = claim('pending', 'item_id');
const CLAIM_SKIPPED = claim('skipped', 'skipped_at_ms, item_id');

/** ReviewQueueStore on PostgreSQL: the SQLite store's statements in PostgreSQL's dialect, on the server's pool. */
export class PostgresReviewQueueStore implements ReviewQueueStore {
  private readonly pool: Pool;
  private readonly ownsPool: boolean;

  /** Tables come from POSTGRES_MIGRATIONS (migratePostgres); `ownsPool`: close() ends the pool. */
  constructor(pool: Pool, { ownsPool = false } = {}) {
    this.pool = pool;
    this.ownsPool = ownsPool;
  }

  private async rows(sql: string, params: unknown[]): Promise<Row[]> {
    return (await this.pool.query(sql, params)).rows as Row[];
  }

  async createQueue(queue: Omit<StoredQueue, 'queueId'>): Promise<StoredQueue | undefined> {
    const [row] = await this.rows(
      `INSERT INTO review_queues (experiment_id, name, instructions, label_names, live_filter, live_state, created_by, created_at_ms)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (experiment_id, name) DO NOTHING RETURNING ${QUEUE_COLUMNS}`,
      [
        queue.experimentId,
        queue.name,
        queue.instructions,
        JSON.stringify(queue.labelNames),
        queue.liveFilter,
        queue.liveState,
        queue.createdBy,
        queue.createdAtMs,
      ],
    );
    return row && toQueue(row);
  }

  async getQueue(queueId: string): Promise<StoredQueue | undefined> {
    const [row] = await this.rows(`SELECT ${QUEUE_COLUMNS} FROM review_queues WHERE queue_id = $1`, [queueId]);
    return row && toQueue(row);
  }

  async listQueues(experimentId: string, limit: number): Promise<StoredQueue[]> {
    return (
      await this.rows(`SELECT ${QUEUE_COLUMNS} FROM review_queues WHERE experiment_id = $1 ORDER BY name LIMIT $2`, [
        experimentId,
        limit,
      ])
    ).map(toQueue);
  }

  async updateQueue(queueId: string, change: QueueChange): Promise<'ok' | 'missing' | 'name-taken'> {
    const { sql, params } = queueSetClause(change, (i) => `$${i}`);
    if (sql === '') return (await this.getQueue(queueId)) ? 'ok' : 'missing';
    try {
      const result = await this.pool.query(`UPDATE review_queues SET ${sql} WHERE queue_id = $${params.length + 1}`, [
        ...params,
        queueId,
      ]);
      return (result.rowCount ?? 0) > 0 ? 'ok' : 'missing';
    } catch (error) {
      if ((error as { code?: string }).code === '23505') return 'name-taken';
      throw error;
    }
  }

  async swapLiveState(queueId: string, expected: string | null, next: string): Promise<boolean> {
    const result = await this.pool.query(
      'UPDATE review_queues SET live_state = $1 WHERE queue_id = $2 AND live_state IS NOT DISTINCT FROM $3',
      [next, queueId, expected],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async deleteQueue(queueId: string): Promise<boolean> {
    return ((await this.pool.query('DELETE FROM review_queues WHERE queue_id = $1', [queueId])).rowCount ?? 0) > 0;
  }

  async addItems(queueId: string, experimentId: string, traceIds: string[], nowMs: number): Promise<number> {
    if (traceIds.length === 0) return 0;
    const result = await this.pool.query(
      `INSERT INTO review_queue_items (queue_id, trace_id, added_at_ms)
       SELECT $1, t.trace_id, $2 FROM unnest($3::text[]) WITH ORDINALITY AS u(id, n) JOIN traces t ON t.trace_id = u.id
       WHERE t.experiment_id = $4 ORDER BY u.n
       ON CONFLICT (queue_id, trace_id) DO NOTHING`,
      [queueId, nowMs, traceIds, experimentId],
    );
    return result.rowCount ?? 0;
  }

  async claimNext(
    queueId: string,
    reviewer: string,
    { nowMs, leaseMs, exclude }: { nowMs: number; leaseMs: number; exclude: string[] },
  ): Promise<StoredItem | undefined> {
    const params = [queueId, nowMs, reviewer, nowMs + leaseMs, exclude];
    const [pending] = await this.rows(CLAIM_PENDING, params);
    if (pending) return toItem(pending);
    const [skipped] = await this.rows(CLAIM_SKIPPED, params);
    return skipped && toItem(skipped);
  }

  async complete(queueId: string, traceId: string, reviewer: string, nowMs: number): Promise<StoredItem | undefined> {
    const [row] = await this.rows(
      `UPDATE review_queue_items SET status = 'done', completed_by = $1, completed_at_ms = $2, claimed_by = NULL,
         claim_expires_ms = NULL WHERE queue_id = $3 AND trace_id = $4 RETURNING *`,
      [reviewer, nowMs, queueId, traceId],
    );
    return row && toItem(row);
  }

  async skip(queueId: string, traceId: string, nowMs: number): Promise<StoredItem | undefined> {
    await this.pool.query(
      `UPDATE review_queue_items SET status = 'skipped', skipped_at_ms = $1, claimed_by = NULL, claim_expires_ms = NULL
       WHERE queue_id = $2 AND trace_id = $3 AND status <> 'done'`,
      [nowMs, queueId, traceId],
    );
    return this.getItem(queueId, traceId);
  }

  async release(queueId: string, traceId: string, reviewer: string): Promise<boolean> {
    const result = await this.pool.query(
      `UPDATE review_queue_items SET claimed_by = NULL, claim_expires_ms = NULL
       WHERE queue_id = $1 AND trace_id = $2 AND claimed_by = $3`,
      [queueId, traceId, reviewer],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async getItem(queueId: string, traceId: string): Promise<StoredItem | undefined> {
    const [row] = await this.rows('SELECT * FROM review_queue_items WHERE queue_id = $1 AND trace_id = $2', [
      queueId,
      traceId,
    ]);
    return row && toItem(row);
  }

  async listItems(
    queueId: string,
    options: { status?: QueueItemStatus; afterItemId?: string; limit: number },
  ): Promise<StoredItem[]> {
    return (
      await this.rows(
        `SELECT * FROM review_queue_items WHERE queue_id = $1 AND item_id > $2 AND ($3::text IS NULL OR status = $3)
         ORDER BY item_id LIMIT $4`,
        [queueId, options.afterItemId ?? '0', options.status ?? null, options.limit],
      )
    ).map(toItem);
  }

  async counts(queueIds: string[]): Promise<Map<string, StoredCounts>> {
    if (queueIds.length === 0) return new Map();
    return toCounts(
      await this.rows(
        `SELECT queue_id, status, count(*) AS n FROM review_queue_items WHERE queue_id = ANY($1::bigint[])
         GROUP BY queue_id, status`,
        [queueIds],
      ),
    );
  }

  async doneByReviewer(queueId: string, limit: number): Promise<{ reviewer: string; done: number }[]> {
    const rows = await this.rows(
      `SELECT completed_by AS reviewer, count(*) AS n FROM review_queue_items
       WHERE queue_id = $1 AND status = 'done' GROUP BY completed_by ORDER BY n DESC, reviewer LIMIT $2`,
      [queueId, limit],
    );
    return rows.map((r) => ({ reviewer: String(r.reviewer), done: Number(r.n) }));
  }

  async close(): Promise<void> {
    if (this.ownsPool) await this.pool.end();
  }
}
