// Review queues on the wire (issue 17): the extension endpoints under EXTENSION_PREFIX/review-queues
// (src/server/README.md) answer these shapes; the explorer's queue screens read them.

export type QueueItemStatus = 'pending' | 'done' | 'skipped';

export interface ReviewerProgress {
  reviewer: string;
  done: number;
}

/** Done / remaining of one queue; `remaining` counts pending and skipped items. */
export interface QueueProgress {
  total: number;
  done: number;
  skipped: number;
  remaining: number;
  /** Who completed how many, most first (at most 50 reviewers). */
  by_reviewer: ReviewerProgress[];
}

export interface ReviewQueue {
  queue_id: string;
  experiment_id: string;
  name: string;
  instructions: string;
  /** The label schema names a reviewer sets in this queue (empty: every label). */
  label_names: string[];
  /** A live queue's filter: every new trace matching it joins the queue; null for a fixed queue. */
  live_filter: string | null;
  created_by: string;
  created_at_ms: number;
  progress: QueueProgress;
}

export interface QueueItem {
  queue_id: string;
  trace_id: string;
  status: QueueItemStatus;
  added_at_ms: number;
  claimed_by: string | null;
  /** Until when the claim holds; another reviewer may take the item afterwards. */
  claim_expires_ms: number | null;
  completed_by: string | null;
  completed_at_ms: number | null;
}

/** POST …/review-queues/next → the claimed item (absent when nothing is left) and the progress. */
export interface NextItemResponse {
  item?: QueueItem;
  progress: QueueProgress;
}

/** POST …/review-queues/add-items → how many traces joined (traces already in the queue are not counted). */
export interface AddItemsResponse {
  added: number;
  /** Traces the filter matched (a snapshot from a filter). */
  matched?: number;
  /** true when the filter matched more than max_traces: only the newest max_traces were added. */
  truncated?: boolean;
}
