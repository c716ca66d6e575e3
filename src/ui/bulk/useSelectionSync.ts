import { useEffect } from 'react';
import { useTraceSelection } from './selection-store.ts';

/**
 * Keeps the selection's scope (a new experiment or filter clears it), the row order for shift
 * ranges, and whether the server offers bulk actions at all. A null order leaves the order to the
 * view that shows the rows (grouped, `useSelectionOrder` in the group list).
 */
export function useSelectionSync(scope: string, rowIds: readonly string[] | null, enabled: boolean): void {
  const setScope = useTraceSelection((s) => s.setScope);
  const setEnabled = useTraceSelection((s) => s.setEnabled);
  useEffect(() => setEnabled(enabled), [enabled, setEnabled]);
  useEffect(() => setScope(scope), [scope, setScope]);
  useSelectionOrder(rowIds);
}

/** The trace rows on screen in display order, for shift ranges (null: another view owns the order). */
export function useSelectionOrder(rowIds: readonly string[] | null): void {
  const setOrder = useTraceSelection((s) => s.setOrder);
  useEffect(() => {
    if (rowIds !== null) setOrder(rowIds);
  }, [rowIds, setOrder]);
}
