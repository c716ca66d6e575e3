import { useLocationHref } from '../navigation.ts';
import type { ClauseKind } from '../../core/filter-clause.ts';
import { filterHref } from './filter-link.ts';

/** `filterHref` bound to the current URL, so value links follow the filter and range as they change. */
export function useFilterHref(experimentId: string): (kind: ClauseKind, key: string, value: string) => string | null {
  const currentHref = useLocationHref();
  return (kind, key, value) => filterHref(currentHref, experimentId, kind, key, value);
}
