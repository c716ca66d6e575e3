// Rows of the review queue tables as both engines return them (PostgreSQL's BIGINT arrives as a string).
import type { QueueItemStatus } from '../../core/review-queue.ts';
import type { QueueChange, StoredCounts, StoredItem, StoredQueue } from './review-queue-store.ts';

export const QUEUE_COLUMNS =
  'queue_id, experiment_id, name, instructions, label_names, live_filter, live_state, created_by, created_at_ms';

export type QueueRow = Record<string, unknown>;

const text = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export const toQueue = (r: QueueRow): StoredQueue => ({
  queueId: String(r.queue_id),
  experimentId: String(r.experiment_id),
  name: String(r.name),
  instructions: String(r.instructions),
  labelNames: JSON.parse(String(r.label_names)) as string[],
  liveFilter: text(r.live_filter),
  liveState: text(r.live_state),
  createdBy: String(r.created_by),
  createdAtMs: Number(r.created_at_ms),
});

export const toItem = (r: Record<string, unknown>): StoredItem => ({
  itemId: String(r.item_id),
  queueId: String(r.queue_id),
  traceId: String(r.trace_id),
  status: r.status as QueueItemStatus,
  addedAtMs: Number(r.added_at_ms),
  claimedBy: text(r.claimed_by),
  claimExpiresMs: num(r.claim_expires_ms),
  completedBy: text(r.completed_by),
  completedAtMs: num(r.completed_at_ms),
});

export function toCounts(rows: Record<string, unknown>[]): Map<string, StoredCounts> {
  const counts = new Map<string, StoredCounts>();
  for (const r of rows) {
    const id = String(r.queue_id);
    const c = counts.get(id) ?? { done: 0, skipped: 0, pending: 0 };
    const status = r.status as QueueItemStatus;
    c[status] = Number(r.n);
    counts.set(id, c);
  }
  return counts;
}

/** The SET list of an update, columns from this fixed list only; `param(i)` writes the i-th placeholder. */
export function queueSetClause(change: QueueChange, param: (i: number) => string): { sql: string; params: unknown[] } {
  const sets: string[] = [];
  const params: unknown[] = [];
  const set = (column: string, value: unknown) => {
    params.push(value);
    sets.push(`${column} = ${param(params.length)}`);
  };
  if (change.name !== undefined) set('name', change.name);
  if (change.instructions !== undefined) set('instructions', change.instructions);
  if (change.labelNames !== undefined) set('label_names', JSON.stringify(change.labelNames));
  if (change.liveFilter !== undefined) set('live_filter', change.liveFilter);
  if (change.liveState !== undefined) set('live_state', change.liveState);
  return { sql: sets.join(', '), params };
}
