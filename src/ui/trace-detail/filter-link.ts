import { pageHref, parseRoute } from '../app-url.ts';
import { parseSharedView, sharedParams, writeSharedView } from '../shared-view-url.ts';
import { narrowFilter, type ClauseKind } from '../../core/filter-clause.ts';

/**
 * The Traces page narrowed to one more value (`narrowFilter`: a clause on the same key is
 * replaced), or null when the value cannot be written as a
 * filter. "Click a value" refines what the person is looking at, so the current filter and time
 * range are kept (read from `currentHref`). Beside the table the Traces page's own state
 * (grouping, sort, the open trace) is kept too: the open trace has the value, so it stays in
 * the narrowed set. From the trace page only the shared view carries over.
 */
export function filterHref(
  currentHref: string,
  experimentId: string,
  kind: ClauseKind,
  key: string,
  value: string,
): string | null {
  const url = new URL(currentHref, 'http://x');
  const params = parseRoute(currentHref).page === 'traces' ? url.searchParams : sharedParams(url.searchParams);
  const view = parseSharedView(params);
  const filter = narrowFilter(view.filter, { kind, key }, value);
  if (filter === null) return null;
  return pageHref('traces', experimentId, writeSharedView(params, { filter, range: view.range }));
}
