import { useMemo } from 'react';
import { useInfiniteQuery } from '@tanstack/react-query';
import type { TraceInfo } from '../../core/model.ts';
import { traceQueries, type TraceSearchParams } from '../api/trace-queries.ts';
import { toTraceRow, type TraceRow } from './trace-row.ts';

// One TraceRow per TraceInfo object: when a new page arrives the rows already loaded keep their
// identity, so memoised grid rows do not re-render.
const rowCache = new WeakMap<TraceInfo, TraceRow>();

function rowOf(info: TraceInfo): TraceRow {
  let row = rowCache.get(info);
  if (!row) {
    row = toTraceRow(info);
    rowCache.set(info, row);
  }
  return row;
}

const NO_ROWS: readonly TraceRow[] = [];

/** The loaded rows of a trace search, paged in by the grid as it scrolls. */
export function useTraceRows(params: TraceSearchParams, enabled = true) {
  const query = useInfiniteQuery({ ...traceQueries.search(params), enabled });
  // Ids are unique: the live tail puts new traces above page 1, and a later offset page may repeat one.
  const rows = useMemo(() => {
    if (!query.data) return NO_ROWS;
    const seen = new Set<string>();
    return query.data.pages.flatMap((page) =>
      page.traces.filter((t) => !seen.has(t.trace_id) && seen.add(t.trace_id) !== undefined).map(rowOf),
    );
  }, [query.data]);
  return { query, rows };
}
