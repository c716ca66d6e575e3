// The traces an export reads, a page at a time, only through TraceStore (so every engine can
// export): a filter is walked in MLflow's default order by keyset cursor (each page an index seek,
// so the millionth row costs what the first did); a list of trace ids is read in chunks and kept
// to the requested experiments, so an id from another experiment is never exported.
import type { CheckedFilter } from '../../core/filter/check-filter.ts';
import type { TraceInfo } from '../../core/model.ts';
import type { PageCursor, TraceStore } from '../storage/trace-store.ts';

export const EXPORT_PAGE_SIZE = 500;

export type ExportSelection =
  | { kind: 'filter'; experimentIds: number[]; filter?: CheckedFilter }
  | { kind: 'ids'; experimentIds: number[]; traceIds: string[] };

export async function* tracePages(
  store: TraceStore,
  selection: ExportSelection,
  pageSize = EXPORT_PAGE_SIZE,
): AsyncGenerator<TraceInfo[]> {
  if (selection.kind === 'ids') {
    const wanted = new Set(selection.experimentIds.map(String));
    for (let i = 0; i < selection.traceIds.length; i += pageSize) {
      const infos = await store.getTraceInfos(selection.traceIds.slice(i, i + pageSize));
      const page = infos.filter((t) => wanted.has(t.trace_location.mlflow_experiment?.experiment_id ?? ''));
      if (page.length > 0) yield page;
    }
    return;
  }
  let cursor: PageCursor | undefined = { offset: 0 };
  while (cursor) {
    const result = await store.searchTraces({
      experimentIds: selection.experimentIds,
      filter: selection.filter,
      maxResults: pageSize,
      cursor,
    });
    if (result.traces.length > 0) yield result.traces;
    cursor = result.next;
  }
}
