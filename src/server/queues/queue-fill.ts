// Filling a queue from a filter, in pages of the TraceStore's keyset search (newest first), so a
// snapshot of 100,000 traces is 200 bounded queries with the event loop free between them.
// A live queue ("every new trace matching …") keeps its filter and a watermark instead of a job:
// whoever asks for the next item first walks the traces newer than the watermark and moves it with a
// compare-and-set, so any number of replicas share the work without a scheduler and without double entries.
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { CheckedFilter } from '../../core/filter/check-filter.ts';
import { parseTraceFilter } from '../routes/search-request.ts';
import type { PageCursor, TraceStore } from '../storage/trace-store.ts';
import type { ReviewQueueStore, StoredQueue } from './review-queue-store.ts';

const PAGE = 500;
/** Pages one "next" may walk for a live queue; a longer walk resumes on the following ask. */
const LIVE_PAGES_PER_ASK = 10;
/** A live queue looks for new traces at most this often (per queue, across replicas). */
const LIVE_CHECK_INTERVAL_MS = 2_000;

interface Position {
  ts: number;
  id: string;
}

/** A live queue's live_state: the newest trace taken, an unfinished walk, the last look. */
interface LiveState {
  watermark: Position;
  walk?: { after: Position; top: Position };
  checkedAtMs: number;
}

/** The state of a live queue created (or re-pointed) at `nowMs`: traces from that moment on. */
export function initialLiveState(nowMs: number): string {
  const state: LiveState = { watermark: { ts: nowMs, id: '' }, checkedAtMs: 0 };
  return JSON.stringify(state);
}

const positionOf = (trace: { trace_id: string; request_time: string }): Position => ({
  ts: Date.parse(trace.request_time),
  id: trace.trace_id,
});

/**
 * Walks `filter`'s matches newest first from `cursor`, adding each page to the queue, for at most
 * `maxPages` pages. Answers how many traces matched, the first one seen, and where to resume.
 */
async function walk(
  traces: TraceStore,
  queues: ReviewQueueStore,
  queue: StoredQueue,
  filter: CheckedFilter | undefined,
  options: { cursor: PageCursor; maxPages: number; maxTraces: number; nowMs: number },
): Promise<{ matched: number; added: number; first?: Position; resume?: PageCursor }> {
  let cursor = options.cursor;
  let matched = 0;
  let added = 0;
  let first: Position | undefined;
  for (let page = 0; page < options.maxPages && matched < options.maxTraces; page++) {
    const result = await traces.searchTraces({
      experimentIds: [Number(queue.experimentId)],
      filter,
      maxResults: Math.min(PAGE, options.maxTraces - matched),
      cursor,
    });
    if (result.traces.length > 0) first ??= positionOf(result.traces[0]);
    matched += result.traces.length;
    const ids = result.traces.map((t) => t.trace_id);
    for (let i = 0; i < ids.length; i += 1000)
      added += await queues.addItems(queue.queueId, queue.experimentId, ids.slice(i, i + 1000), options.nowMs);
    if (!result.next) return { matched, added, first };
    cursor = result.next;
    await yieldToEventLoop();
  }
  return { matched, added, first, resume: cursor };
}

/** A snapshot: the newest `maxTraces` traces matching `filter` join the queue. */
export async function addMatching(
  traces: TraceStore,
  queues: ReviewQueueStore,
  queue: StoredQueue,
  filter: CheckedFilter | undefined,
  maxTraces: number,
  nowMs: number,
): Promise<{ matched: number; added: number; truncated: boolean }> {
  const result = await walk(traces, queues, queue, filter, {
    cursor: { offset: 0 },
    maxPages: Math.ceil(maxTraces / PAGE),
    maxTraces,
    nowMs,
  });
  return { matched: result.matched, added: result.added, truncated: result.resume !== undefined };
}

/** Brings a live queue up to date with the traces that arrived since the last look (bounded per call). */
export async function refreshLiveQueue(
  traces: TraceStore,
  queues: ReviewQueueStore,
  queue: StoredQueue,
  nowMs: number,
): Promise<void> {
  if (queue.liveFilter === null || queue.liveState === null) return;
  const state = JSON.parse(queue.liveState) as LiveState;
  if (nowMs - state.checkedAtMs < LIVE_CHECK_INTERVAL_MS) return;
  // Claim this look first: a replica that loses the race leaves the walk to the winner.
  const claimed: LiveState = { ...state, checkedAtMs: nowMs };
  if (!(await queues.swapLiveState(queue.queueId, queue.liveState, JSON.stringify(claimed)))) return;
  // Ties at the watermark's millisecond are read again; the queue's (queue, trace) key drops repeats.
  const filter = parseTraceFilter(`(${queue.liveFilter}) AND timestamp_ms >= ${state.watermark.ts}`);
  const result = await walk(traces, queues, queue, filter, {
    cursor: state.walk ? { offset: 0, after: state.walk.after } : { offset: 0 },
    maxPages: LIVE_PAGES_PER_ASK,
    maxTraces: Number.MAX_SAFE_INTEGER,
    nowMs,
  });
  const top = state.walk?.top ?? result.first;
  const next: LiveState =
    result.resume?.after && top
      ? { watermark: state.watermark, walk: { after: result.resume.after, top }, checkedAtMs: nowMs }
      : { watermark: top ?? state.watermark, checkedAtMs: nowMs };
  await queues.swapLiveState(queue.queueId, JSON.stringify(claimed), JSON.stringify(next));
}
