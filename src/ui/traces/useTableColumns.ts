import { useMemo } from 'react';
import { BUILTIN_COLUMN_IDS, keyColumnOf, normalizeVisible } from './column-state.ts';
import { useColumnPrefs } from './useColumnPrefs.ts';

/** The column state in TanStack Table's shapes (visibility and sizing records), with setters back. */
export function useTableColumns() {
  const columns = useColumnPrefs((s) => s.columns);
  const setColumns = useColumnPrefs((s) => s.setColumns);
  return useMemo(() => {
    const shown = new Set(columns.visible);
    const visibility: Record<string, boolean> = {};
    for (const id of BUILTIN_COLUMN_IDS) visibility[id] = shown.has(id);
    const keyIds = columns.visible.filter((id) => keyColumnOf(id) !== null);
    return {
      visibility,
      sizing: columns.widths as Record<string, number>,
      keyIds,
      setVisibility: (next: Record<string, boolean>) =>
        setColumns({
          ...columns,
          visible: normalizeVisible([
            ...columns.visible.filter((id) => next[id] !== false),
            ...Object.keys(next).filter((id) => next[id]),
          ]),
        }),
      setSizing: (widths: Record<string, number>) => setColumns({ ...columns, widths }),
    };
  }, [columns, setColumns]);
}
