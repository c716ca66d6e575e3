import { useEffect } from 'react';
import { DEFAULT_COLUMNS, sameColumns, type ColumnState } from './column-state.ts';
import { useColumnPrefs } from './useColumnPrefs.ts';

/** Resizing changes widths every frame; the URL follows once the hand rests. */
const URL_DELAY_MS = 300;

/**
 * Keeps the table's columns (useColumnPrefs, what the grids render) and the URL in step: a link
 * naming columns sets them; a link naming none gets the person's last columns written into it
 * (replace), so the address bar always reproduces the table; a change in the table is written
 * to the URL shortly after.
 */
export function useColumnsInUrl(
  urlColumns: ColumnState | null,
  readUrlColumns: () => ColumnState | null,
  writeUrlColumns: (columns: ColumnState) => void,
): void {
  const urlKey = urlColumns === null ? '' : JSON.stringify(urlColumns);
  useEffect(() => {
    const { columns, setColumns } = useColumnPrefs.getState();
    const fromUrl = urlKey === '' ? null : (JSON.parse(urlKey) as ColumnState);
    if (fromUrl !== null) {
      if (!sameColumns(fromUrl, columns)) setColumns(fromUrl);
    } else if (!sameColumns(columns, DEFAULT_COLUMNS)) {
      writeUrlColumns(columns);
    }
  }, [urlKey, writeUrlColumns]);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const unsubscribe = useColumnPrefs.subscribe((state, previous) => {
      if (state.columns === previous.columns) return;
      clearTimeout(timer);
      timer = setTimeout(() => {
        const current = useColumnPrefs.getState().columns;
        const inUrl = readUrlColumns();
        if (inUrl === null ? !sameColumns(current, DEFAULT_COLUMNS) : !sameColumns(inUrl, current))
          writeUrlColumns(current);
      }, URL_DELAY_MS);
    });
    return () => {
      clearTimeout(timer);
      unsubscribe();
    };
  }, [readUrlColumns, writeUrlColumns]);
}
