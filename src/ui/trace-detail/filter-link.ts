import { pageHref, parseRoute } from '../app-url.ts';
import { parseSharedView, sharedParams, writeSharedView } from '../shared-view-url.ts';
import { parseFilter, printFilter } from '../../core/filter/index.ts';
import type { ClausePrefix } from '../../core/filter-clause.ts';
import { andFilters, equalityClause } from '../../core/filter-clause.ts';

/** The clause ANDed onto `filter`, unless the filter already has that very clause at its top level. */
function narrowedFilter(filter: string, clause: string): string {
  const { ast, diagnostics } = parseFilter(filter);
  if (ast && !diagnostics.some((d) => d.severity === 'error')) {
    const top = ast.type === 'and' ? ast.children : [ast];
    const wanted = printFilter(parseFilter(clause).ast);
    if (top.some((node) => printFilter(node) === wanted)) return filter;
  }
  return andFilters(filter, clause);
}

/**
 * The Traces page narrowed by one more clause, or null when the value cannot be written as a
 * filter. "Click a value" refines what the person is looking at, so the current filter and time
 * range are kept (read from `currentHref`). Beside the table the Traces page's own state
 * (grouping, sort, the open trace) is kept too: the open trace has the value, so it stays in
 * the narrowed set. From the trace page only the shared view carries over.
 */
export function filterHref(
  currentHref: string,
  experimentId: string,
  prefix: ClausePrefix,
  key: string,
  value: string,
): string | null {
  const clause = equalityClause(prefix, key, value);
  if (clause === null) return null;
  const url = new URL(currentHref, 'http://x');
  const params = parseRoute(currentHref).page === 'traces' ? url.searchParams : sharedParams(url.searchParams);
  const view = parseSharedView(params);
  return pageHref(
    'traces',
    experimentId,
    writeSharedView(params, { filter: narrowedFilter(view.filter, clause), range: view.range }),
  );
}
