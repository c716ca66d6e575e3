import { pageHref } from '../app-url.ts';
import { writeSharedView } from '../shared-view-url.ts';
import type { ClausePrefix } from '../../core/filter-clause.ts';
import { equalityClause } from '../../core/filter-clause.ts';

/**
 * The Traces page filtered to one clause, or null when the value cannot be written as a filter.
 * The time range is dropped on purpose: "show me every trace with this value".
 */
export function filterHref(experimentId: string, prefix: ClausePrefix, key: string, value: string): string | null {
  const clause = equalityClause(prefix, key, value);
  if (clause === null) return null;
  return pageHref('traces', experimentId, writeSharedView(new URLSearchParams(), { filter: clause, range: { kind: 'all' } }));
}
