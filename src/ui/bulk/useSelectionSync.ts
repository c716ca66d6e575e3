import { useEffect } from 'react';
import { useTraceSelection } from './selection-store.ts';

/** Keeps the selection's scope (a new experiment or filter clears it) and the row order for shift ranges. */
export function useSelectionSync(scope: string, rowIds: readonly string[]): void {
  const setScope = useTraceSelection((s) => s.setScope);
  const setOrder = useTraceSelection((s) => s.setOrder);
  useEffect(() => setScope(scope), [scope, setScope]);
  useEffect(() => setOrder(rowIds), [rowIds, setOrder]);
}
