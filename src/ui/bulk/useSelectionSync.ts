import { useEffect } from 'react';
import { useTraceSelection } from './selection-store.ts';

/**
 * Keeps the selection's scope (a new experiment or filter clears it), the row order for shift
 * ranges, and whether the server offers bulk actions at all.
 */
export function useSelectionSync(scope: string, rowIds: readonly string[], enabled: boolean): void {
  const setScope = useTraceSelection((s) => s.setScope);
  const setOrder = useTraceSelection((s) => s.setOrder);
  const setEnabled = useTraceSelection((s) => s.setEnabled);
  useEffect(() => setEnabled(enabled), [enabled, setEnabled]);
  useEffect(() => setScope(scope), [scope, setScope]);
  useEffect(() => setOrder(rowIds), [rowIds, setOrder]);
}
