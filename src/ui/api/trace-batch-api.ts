import { EXTENSION_PREFIX } from '../../core/model.ts';
import {
  MAX_BATCH_TRACES,
  type BatchItem,
  type BatchOperation,
  type TraceBatchDeleteResponse,
  type TraceBatchFailure,
  type TraceBatchResponse,
} from '../../core/trace-batch.ts';
import { api, apiRequest } from './http-client.ts';

// Bulk actions (src/server/README.md, "Bulk actions"): the browser drives the chunks, one request
// per ≤ 1000 traces, so progress is exact and no request runs long. Undo is the inverse items the
// server answered, sent back the same way.
const ext = (path: string) => api(`${EXTENSION_PREFIX.slice(1)}/${path}`);

export type BulkSelection =
  | { kind: 'ids'; traceIds: readonly string[] }
  /** Every trace matching `filter` (resolved on the server page by page); `count` is for progress. */
  | { kind: 'filter'; experimentId: string; filter: string; count: number };

export interface BulkProgress {
  done: number;
  total: number;
}

export interface BulkResult {
  processed: number;
  failures: TraceBatchFailure[];
  undo: BatchItem[];
}

type Progress = (progress: BulkProgress) => void;

const selectionTotal = (selection: BulkSelection) =>
  selection.kind === 'ids' ? selection.traceIds.length : selection.count;

/** Applies `operations` to every selected trace; resolves with what Undo needs. */
export async function runBulk(
  selection: BulkSelection,
  operations: BatchOperation[],
  onProgress: Progress,
): Promise<BulkResult> {
  const result: BulkResult = { processed: 0, failures: [], undo: [] };
  const total = selectionTotal(selection);
  const take = (page: TraceBatchResponse) => {
    result.processed += page.processed;
    result.failures.push(...page.failures);
    result.undo.push(...page.undo);
    onProgress({ done: result.processed, total: Math.max(total, result.processed) });
  };
  if (selection.kind === 'ids') {
    for (let start = 0; start < selection.traceIds.length; start += MAX_BATCH_TRACES) {
      const traceIds = selection.traceIds.slice(start, start + MAX_BATCH_TRACES);
      take(await apiRequest<TraceBatchResponse>('POST', ext('traces/batch'), { trace_ids: traceIds, operations }));
    }
    return result;
  }
  let token: string | undefined;
  do {
    const page = await apiRequest<TraceBatchResponse>('POST', ext('traces/batch'), {
      experiment_ids: [selection.experimentId],
      filter: selection.filter || undefined,
      max_traces: MAX_BATCH_TRACES,
      page_token: token,
      operations,
    });
    take(page);
    token = page.next_page_token;
  } while (token);
  return result;
}

/** Sends the inverse operations back (newest change undone first is not needed: each trace's list is already ordered). */
export async function runUndo(items: readonly BatchItem[], onProgress: Progress): Promise<BulkResult> {
  const result: BulkResult = { processed: 0, failures: [], undo: [] };
  for (let start = 0; start < items.length; start += MAX_BATCH_TRACES) {
    const page = await apiRequest<TraceBatchResponse>('POST', ext('traces/batch'), {
      items: items.slice(start, start + MAX_BATCH_TRACES),
    });
    result.processed += page.processed;
    result.failures.push(...page.failures);
    onProgress({ done: result.processed, total: items.length });
  }
  return result;
}

/** Deletes every selected trace (no undo). */
export async function runBulkDelete(selection: BulkSelection, onProgress: Progress): Promise<number> {
  let deleted = 0;
  const total = selectionTotal(selection);
  if (selection.kind === 'ids') {
    for (let start = 0; start < selection.traceIds.length; start += MAX_BATCH_TRACES) {
      const page = await apiRequest<TraceBatchDeleteResponse>('POST', ext('traces/batch-delete'), {
        trace_ids: selection.traceIds.slice(start, start + MAX_BATCH_TRACES),
      });
      deleted += page.deleted;
      onProgress({ done: Math.min(total, start + MAX_BATCH_TRACES), total });
    }
    return deleted;
  }
  let token: string | undefined;
  do {
    const page: TraceBatchDeleteResponse = await apiRequest<TraceBatchDeleteResponse>(
      'POST',
      ext('traces/batch-delete'),
      {
        experiment_ids: [selection.experimentId],
        filter: selection.filter || undefined,
        max_traces: MAX_BATCH_TRACES,
        page_token: token,
      },
    );
    deleted += page.deleted;
    onProgress({ done: deleted, total: Math.max(total, deleted) });
    token = page.next_page_token;
  } while (token);
  return deleted;
}
