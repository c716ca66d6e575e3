import type { QueueItemStatus } from '../../core/review-queue.ts';

export interface StoredQueue {
  queueId: string;
  experimentId: string;
  name: string;
  instructions: string;
  labelNames: string[];
  liveFilter: string | null;
  /** A live queue's watermark (live-queue.ts owns its JSON); compared and set as a whole. */
  liveState: string | null;
  createdBy: string;
  createdAtMs: number;
}

export interface StoredItem {
  itemId: string;
  queueId: string;
  traceId: string;
  status: QueueItemStatus;
  addedAtMs: number;
  claimedBy: string | null;
  claimExpiresMs: number | null;
  completedBy: string | null;
  completedAtMs: number | null;
}

export interface StoredCounts {
  done: number;
  skipped: number;
  pending: number;
}

export interface QueueChange {
  name?: string;
  instructions?: string;
  labelNames?: string[];
  liveFilter?: string | null;
  liveState?: string | null;
}

/**
 * Review queues and their items. Only storage: the routes (review-queue-routes.ts) hold the rules,
 * so each engine adds SQL only. Both engines must answer alike (review-queue-store.test.ts).
 */
export interface ReviewQueueStore {
  /** undefined when the experiment already has a queue of this name. */
  createQueue(queue: Omit<StoredQueue, 'queueId'>): Promise<StoredQueue | undefined>;
  getQueue(queueId: string): Promise<StoredQueue | undefined>;
  /** An experiment's queues by name, at most `limit`. */
  listQueues(experimentId: string, limit: number): Promise<StoredQueue[]>;
  /** 'name-taken' when another queue of the experiment has the new name. */
  updateQueue(queueId: string, change: QueueChange): Promise<'ok' | 'missing' | 'name-taken'>;
  /** Compare-and-set of a live queue's watermark: false when another replica moved it first. */
  swapLiveState(queueId: string, expected: string | null, next: string): Promise<boolean>;
  /** Removes the queue and its items. */
  deleteQueue(queueId: string): Promise<boolean>;

  /**
   * Appends these traces in order, keeping only traces of `experimentId` that exist and are not in
   * the queue yet; answers how many joined. At most 1,000 ids per call.
   */
  addItems(queueId: string, experimentId: string, traceIds: string[], nowMs: number): Promise<number>;
  /**
   * Claims the first undone item (pending ones in the order they joined, then skipped ones, the longest
   * skipped first) that nobody else holds, for `leaseMs`. Atomic: two reviewers never get the same item.
   * An item `reviewer` already holds may be answered again; `exclude` (at most 100) are passed over.
   */
  claimNext(
    queueId: string,
    reviewer: string,
    options: { nowMs: number; leaseMs: number; exclude: string[] },
  ): Promise<StoredItem | undefined>;
  /** Marks an item done by `reviewer` (again, if it was done already); undefined when it is not in the queue. */
  complete(queueId: string, traceId: string, reviewer: string, nowMs: number): Promise<StoredItem | undefined>;
  /** Moves an undone item behind every pending one and drops its claim; a done item stays done. */
  skip(queueId: string, traceId: string, nowMs: number): Promise<StoredItem | undefined>;
  /** Drops `reviewer`'s claim on the item; false when they held none. */
  release(queueId: string, traceId: string, reviewer: string): Promise<boolean>;
  getItem(queueId: string, traceId: string): Promise<StoredItem | undefined>;
  /** Items in work order after `afterItemId`, optionally of one status, at most `limit`. */
  listItems(
    queueId: string,
    options: { status?: QueueItemStatus; afterItemId?: string; limit: number },
  ): Promise<StoredItem[]>;

  /** Items per status for each queue (queues without items are absent). */
  counts(queueIds: string[]): Promise<Map<string, StoredCounts>>;
  /** Done items per reviewer, most first, at most `limit`. */
  doneByReviewer(queueId: string, limit: number): Promise<{ reviewer: string; done: number }[]>;

  close(): Promise<void>;
}
