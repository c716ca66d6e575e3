// How the live tail's answers enter the traces table: through the search query's cached pages, so
// the grid, keyboard stepping and the detail panel all see one list. Pure functions over react-query's
// infinite data (unit-tested in live-tail-merge.test.ts).
import type { InfiniteData } from '@tanstack/react-query';
import type { TraceInfo } from '../../core/model.ts';
import type { TracePage } from '../api/trace-queries.ts';

export type SearchData = InfiniteData<TracePage, string | undefined>;

/** Ids of the loaded rows. */
export function loadedIds(data: SearchData | undefined): Set<string> {
  const ids = new Set<string>();
  for (const page of data?.pages ?? []) for (const t of page.traces) ids.add(t.trace_id);
  return ids;
}

/** Replaces loaded rows by their newer versions, in place; pages without one keep their identity. */
export function replaceLoaded(data: SearchData, newer: ReadonlyMap<string, TraceInfo>): SearchData {
  if (newer.size === 0) return data;
  let changed = false;
  const pages = data.pages.map((page) => {
    if (!page.traces.some((t) => newer.has(t.trace_id))) return page;
    changed = true;
    return { ...page, traces: page.traces.map((t) => newer.get(t.trace_id) ?? t) };
  });
  return changed ? { ...data, pages } : data;
}

/** Puts traces (newest first) at the top of the first page, skipping any already loaded. */
export function prependNew(data: SearchData, newestFirst: readonly TraceInfo[]): SearchData {
  const loaded = loadedIds(data);
  const fresh = newestFirst.filter((t) => !loaded.has(t.trace_id));
  if (fresh.length === 0 || data.pages.length === 0) return data;
  const [first, ...rest] = data.pages;
  return { ...data, pages: [{ ...first, traces: [...fresh, ...first.traces] }, ...rest] };
}

/**
 * Keeps traces waiting to be shown: a later version of one replaces it in place; the map is
 * capped at `cap`, dropping the oldest arrivals (the person can reload for a full list).
 */
export function addPending(pending: Map<string, TraceInfo>, arrivals: readonly TraceInfo[], cap: number): void {
  for (const t of arrivals) pending.set(t.trace_id, t);
  for (const id of pending.keys()) {
    if (pending.size <= cap) break;
    pending.delete(id);
  }
}
