import {
  memo,
  useEffect,
  useEffectEvent,
  useMemo,
  useRef,
  useState,
  type CSSProperties,
  type KeyboardEvent,
  type ReactNode,
  type RefObject,
} from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useTable, type Row, type SortingState, type Updater } from '@tanstack/react-table';
import { columnsWithKeys, traceTableFeatures } from './trace-columns.tsx';
import type { TraceRow } from './trace-row.ts';
import { isSortableColumn, type SortColumn, type SortSpec } from './traces-url.ts';
import { sortFeature } from './supported-sort.ts';
import { useTableColumns } from './useTableColumns.ts';
import { useServerFeatures } from '../api/useServerFeatures.ts';
import { columnVar } from './column-state.ts';
import { RowActiveContext } from './row-active-context.ts';
import { useTraceSelection } from '../bulk/selection-store.ts';
import './traces-grid.css';

export const ROW_HEIGHT = 34;
/** Rows kept rendered beyond the viewport; small, because every row costs ~40 DOM nodes. */
const OVERSCAN = 6;
/** Start fetching the next server page when this close to the end of what is loaded. */
const PREFETCH_ROWS = 40;

export interface TracesGridProps {
  label: string;
  rows: readonly TraceRow[];
  /** Total matching rows when known (for aria-rowcount). */
  total?: number;
  sort: SortSpec;
  onSort: (sort: SortSpec) => void;
  activeIndex: number;
  onActiveIndexChange: (index: number) => void;
  openTraceId: string | null;
  onOpen: (traceId: string) => void;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => void;
  /** Why the last attempt to load the next page failed (isFetchNextPageError), or null. */
  nextPageError: string | null;
  /** Shown in place of rows when there are none (loading, empty, error). */
  emptyState?: ReactNode;
  /** Caps the grid's height (expanded groups); otherwise it fills its container. */
  maxHeight?: number;
  /** Prefix for row element ids (aria-activedescendant), unique per grid on the page. */
  idPrefix: string;
}

/** Arrow keys resize a column by this much (Shift: five times as much). */
const RESIZE_STEP = 10;

const mutableRows = (rows: readonly TraceRow[]) => rows as TraceRow[];

function resolve<T>(updater: Updater<T>, old: T): T {
  return typeof updater === 'function' ? (updater as (old: T) => T)(old) : updater;
}

export function TracesGrid(props: TracesGridProps) {
  const { rows, sort, onSort, activeIndex, onActiveIndexChange, openTraceId, onOpen, idPrefix } = props;
  const { visibility, sizing, keyIds, setVisibility, setSizing } = useTableColumns();
  const columns = useMemo(() => columnsWithKeys(keyIds), [keyIds]);
  // Token totals, cost and feedback sort on a trace-explorer server only (extension order keys).
  const features = useServerFeatures();
  const serverSorts = (column: SortColumn) => {
    const feature = sortFeature(column);
    return feature === null || features.has(feature);
  };
  const sorting = useMemo<SortingState>(() => [{ id: sort.column, desc: sort.desc }], [sort.column, sort.desc]);
  const table = useTable({
    features: traceTableFeatures,
    columns,
    data: mutableRows(rows),
    getRowId: (row) => row.id,
    state: { sorting, columnVisibility: visibility, columnSizing: sizing },
    // The server sorts (§6.7); the table only shows which column is sorted.
    manualSorting: true,
    enableSortingRemoval: false,
    enableColumnResizing: true,
    columnResizeMode: 'onChange',
    onSortingChange: (updater) => {
      const next = resolve(updater, sorting)[0];
      if (next && isSortableColumn(next.id)) onSort({ column: next.id, desc: next.desc });
    },
    onColumnVisibilityChange: (updater) => setVisibility(resolve(updater, visibility)),
    onColumnSizingChange: (updater) => setSizing(resolve(updater, sizing)),
  });

  const scrollRef = useRef<HTMLDivElement>(null);
  const tableRows = table.getRowModel().rows;
  // useVirtualizer returns a mutable instance the React Compiler cannot memoise; this component
  // is not compiled, so the warning does not apply.
  // oxlint-disable-next-line react/incompatible-library
  const virtualizer = useVirtualizer({
    count: tableRows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: OVERSCAN,
    // Before the first measurement assume a typical viewport, so the first paint already has rows.
    initialRect: { width: 1200, height: 600 },
    getItemKey: (index) => tableRows[index]?.id ?? index,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.length > 0 ? items[items.length - 1].index : -1;
  const firstIndex = items.length > 0 ? items[0].index : -1;
  // While the scrollbar thumb is dragged, each frame shows mostly rows that were not on screen in
  // the frame before (more than half the window moved); building full rows (chips, buttons, icons) for all of them cost Chromium
  // 50–80 ms a frame. Such jumps get plain rows (trace id, name, status, latency as text) until
  // scrolling settles, when the rows on screen render in full once.
  const shown = useRef({ first: -1, last: -1 });
  const jumping =
    virtualizer.isScrolling &&
    shown.current.first >= 0 &&
    Math.abs(firstIndex - shown.current.first) * 2 > items.length;
  useEffect(() => {
    shown.current = { first: firstIndex, last: lastIndex };
  });

  const { hasNextPage, isFetchingNextPage, fetchNextPage, nextPageError } = props;
  // After a failed page, wait for the person's Retry: fetching again on every settle would retry
  // forever without saying so.
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && nextPageError === null && lastIndex >= tableRows.length - PREFETCH_ROWS)
      fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, nextPageError, lastIndex, tableRows.length, fetchNextPage]);

  // Keep the keyboard cursor on screen when it moves (j/k may move it past the viewport), but
  // not when pages arrive: that would yank the scroll back while the person scrolls.
  // The virtualizer does not know about the sticky header above the rows, so its own
  // scrollToIndex judged a row hidden under the bottom edge as visible (a deep link's row sat
  // just below the fold). The row's real box is measured against the viewport instead; a row far
  // away is centred.
  const revealActive = useEffectEvent(() => {
    const element = scrollRef.current;
    if (!element || activeIndex < 0 || activeIndex >= tableRows.length) return;
    const head = element.querySelector<HTMLElement>('.grid-head')?.offsetHeight ?? 0;
    const top = head + activeIndex * ROW_HEIGHT;
    const bottom = top + ROW_HEIGHT;
    const viewTop = element.scrollTop + head;
    const viewBottom = element.scrollTop + element.clientHeight;
    if (top >= viewTop && bottom <= viewBottom) return;
    const far = top < viewTop - element.clientHeight || bottom > viewBottom + element.clientHeight;
    element.scrollTop = far
      ? top - head - (element.clientHeight - head - ROW_HEIGHT) / 2
      : top < viewTop
        ? top - head
        : bottom - element.clientHeight;
  });
  // Again when the viewport changes size: the detail panel opening beside a deep-linked row
  // narrows the grid, and the horizontal scrollbar that may bring covers the bottom row.
  const viewport = useClientSize(scrollRef);
  useEffect(() => revealActive(), [activeIndex, viewport.height]);

  const headers = table.getHeaderGroups()[0]?.headers ?? [];
  // The default widths fit all default columns into 1280 px; on a wider screen the spare width
  // goes to the text columns (request, response) the person has not sized themselves.
  const gridWidth = viewport.width;
  const flexible = headers.filter((h) => FLEX_COLUMNS.includes(h.column.id) && sizing[h.column.id] === undefined);
  const spare = Math.max(0, gridWidth - table.getTotalSize());
  const extra = (id: string) => (flexible.some((h) => h.column.id === id) ? Math.floor(spare / flexible.length) : 0);
  // Widths as CSS variables on the grid: resizing re-renders the header, not every row.
  const columnVars: Record<string, string> = {};
  for (const header of headers)
    columnVars[columnVar(header.column.id)] = `${header.getSize() + extra(header.column.id)}px`;
  const totalWidth =
    table.getTotalSize() + (flexible.length > 0 ? Math.floor(spare / flexible.length) * flexible.length : 0);
  const visibleIds = table
    .getVisibleLeafColumns()
    .map((column) => column.id)
    .join(',');

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.target !== event.currentTarget) return;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const next = Math.max(0, Math.min(tableRows.length - 1, activeIndex + (event.key === 'ArrowDown' ? 1 : -1)));
      onActiveIndexChange(next);
    } else if (event.key === 'Enter' && tableRows[activeIndex]) {
      event.preventDefault();
      onOpen(tableRows[activeIndex].id);
    } else if (
      (event.key === 'x' || event.key === 'X') &&
      tableRows[activeIndex] &&
      useTraceSelection.getState().enabled
    ) {
      // `x` ticks the cursor's row here, so that each grid of a grouped view selects its own rows
      // (the page's `x` knows only the flat list); Shift+x extends a range from the last one ticked.
      event.preventDefault();
      useTraceSelection.getState().toggle(tableRows[activeIndex].id, event.shiftKey);
    }
  };

  const resizeByKey = (
    event: KeyboardEvent<HTMLSpanElement>,
    columnId: string,
    size: number,
    minSize: number,
    maxSize: number,
  ) => {
    if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
    event.preventDefault();
    const step = (event.shiftKey ? 5 : 1) * RESIZE_STEP * (event.key === 'ArrowLeft' ? -1 : 1);
    table.setColumnSizing((old) => ({ ...old, [columnId]: Math.max(minSize, Math.min(maxSize, size + step)) }));
  };

  const activeRow = tableRows[activeIndex];
  return (
    <div
      ref={scrollRef}
      role="grid"
      aria-label={props.label}
      aria-rowcount={(props.total ?? tableRows.length) + 1}
      aria-colcount={headers.length}
      // Only a rendered row can be referenced (scrolled far, the active row is virtualized away).
      aria-activedescendant={
        activeRow && items.some((item) => item.index === activeIndex) ? `${idPrefix}-${activeRow.id}` : undefined
      }
      tabIndex={0}
      className={props.maxHeight ? 'traces-grid nested' : 'traces-grid'}
      style={{ ...columnVars, maxHeight: props.maxHeight } as CSSProperties}
      onKeyDown={onKeyDown}
    >
      <div role="rowgroup" className="grid-head" style={{ width: totalWidth }}>
        <div role="row" aria-rowindex={1} className="grid-row grid-header-row">
          {headers.map((header, i) => {
            const sorted = header.column.getIsSorted();
            const canSort =
              header.column.getCanSort() && isSortableColumn(header.column.id) && serverSorts(header.column.id);
            return (
              <div
                key={header.id}
                role="columnheader"
                aria-colindex={i + 1}
                aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : undefined}
                className="grid-cell grid-header-cell"
                style={{ width: `var(${columnVar(header.column.id)})` }}
              >
                {canSort ? (
                  <button
                    type="button"
                    className="sort-button"
                    title={`Sort by ${String(header.column.columnDef.header)}`}
                    onClick={() =>
                      onSort({
                        column: header.column.id as SortSpec['column'],
                        desc: sorted === 'desc' ? false : sorted === 'asc' ? true : defaultDesc(header.column.id),
                      })
                    }
                  >
                    <table.FlexRender header={header} />
                    <span aria-hidden="true" className="sort-mark">
                      {sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : ''}
                    </span>
                  </button>
                ) : (
                  <span className="header-label">
                    <table.FlexRender header={header} />
                  </span>
                )}
                {header.column.getCanResize() && (
                  // A focusable separator is a widget (WAI-ARIA "window splitter"): arrows resize.
                  <span
                    role="separator"
                    aria-orientation="vertical"
                    aria-label={`Resize ${String(header.column.columnDef.header)}`}
                    aria-valuenow={header.getSize()}
                    aria-valuemin={minSizeOf(header.column.columnDef.minSize)}
                    tabIndex={0}
                    className={`resizer${header.column.getIsResizing() ? ' resizing' : ''}`}
                    onMouseDown={header.getResizeHandler()}
                    onTouchStart={header.getResizeHandler()}
                    onDoubleClick={() => header.column.resetSize()}
                    onKeyDown={(event) =>
                      resizeByKey(
                        event,
                        header.column.id,
                        header.getSize(),
                        minSizeOf(header.column.columnDef.minSize),
                        header.column.columnDef.maxSize ?? Number.MAX_SAFE_INTEGER,
                      )
                    }
                  />
                )}
              </div>
            );
          })}
        </div>
      </div>
      {tableRows.length === 0 ? (
        <div role="rowgroup">
          <div role="row" className="grid-empty-row">
            <div role="gridcell" className="grid-empty">
              {props.emptyState}
            </div>
          </div>
        </div>
      ) : (
        <div role="rowgroup" className="grid-body" style={{ height: virtualizer.getTotalSize(), width: totalWidth }}>
          {items.map((item) => {
            const row = tableRows[item.index];
            return (
              <TraceGridRow
                key={row.id}
                row={row}
                index={item.index}
                start={item.start}
                active={item.index === activeIndex}
                open={row.id === openTraceId}
                visibleIds={visibleIds}
                idPrefix={idPrefix}
                onActivate={onActiveIndexChange}
                onOpen={onOpen}
                light={jumping}
              >
                {jumping ? (
                  <div
                    role="gridcell"
                    aria-colindex={1}
                    aria-colspan={headers.length}
                    className="grid-cell grid-cell-light"
                  >
                    {plainRow(row.original)}
                  </div>
                ) : (
                  row.getVisibleCells().map((cell, i) => (
                    <div
                      key={cell.id}
                      role="gridcell"
                      aria-colindex={i + 1}
                      className="grid-cell"
                      style={{ width: `var(${columnVar(cell.column.id)})` }}
                    >
                      <table.FlexRender cell={cell} />
                    </div>
                  ))
                )}
              </TraceGridRow>
            );
          })}
        </div>
      )}
      {tableRows.length > 0 && nextPageError !== null && !isFetchingNextPage && (
        <div role="rowgroup" className="grid-foot" style={{ width: totalWidth }}>
          <div role="row" aria-rowindex={tableRows.length + 2} className="grid-row grid-foot-row">
            <div role="gridcell" aria-colspan={headers.length} className="grid-load-error">
              <span role="alert">Could not load more traces: {nextPageError}</span>
              <button type="button" onClick={fetchNextPage}>
                Retry
              </button>
            </div>
          </div>
        </div>
      )}
    </div>
  );
}

/** Columns that take the grid's spare width while the person has not sized them. */
const FLEX_COLUMNS = ['request', 'response'];

/** The element's client size (without its scrollbars), following resizes. */
function useClientSize(ref: RefObject<HTMLElement | null>): { width: number; height: number } {
  const [size, setSize] = useState({ width: 0, height: 0 });
  useEffect(() => {
    const element = ref.current;
    // jsdom (unit tests) has no ResizeObserver; the base widths apply there.
    if (!element || typeof ResizeObserver === 'undefined') return;
    const measure = () =>
      setSize((old) =>
        old.width === element.clientWidth && old.height === element.clientHeight
          ? old
          : { width: element.clientWidth, height: element.clientHeight },
      );
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    measure();
    return () => observer.disconnect();
  }, [ref]);
  return size;
}

/** TanStack Table's default minimum column width when a column sets none. */
const minSizeOf = (minSize: number | undefined) => minSize ?? 20;

/** Time, latency, tokens and cost read best newest/largest first, feedback most positive first; text columns A→Z. */
const defaultDesc = (column: string) =>
  column === 'start' || column === 'latency' || column === 'tokens' || column === 'cost' || column === 'feedback';

interface TraceGridRowProps {
  row: Row<typeof traceTableFeatures, TraceRow>;
  index: number;
  start: number;
  active: boolean;
  open: boolean;
  /** Changes when the column set changes, so memoised rows re-render their cells. */
  visibleIds: string;
  idPrefix: string;
  onActivate: (index: number) => void;
  onOpen: (traceId: string) => void;
  /** A plain stand-in while the scrollbar is dragged (see `jumping`). */
  light: boolean;
  children: ReactNode;
}

/** One text line for a row shown while scrolling fast. */
function plainRow(row: TraceRow): string {
  const latency =
    row.latencyMs === null
      ? ''
      : row.latencyMs < 1000
        ? `${row.latencyMs} ms`
        : `${(row.latencyMs / 1000).toFixed(2)} s`;
  return [row.id, row.name, row.state, latency].filter(Boolean).join('   ');
}

const TraceGridRow = memo(
  function TraceGridRow({
    row,
    index,
    start,
    active,
    open,
    idPrefix,
    onActivate,
    onOpen,
    children,
  }: TraceGridRowProps) {
    return (
      <RowActiveContext.Provider value={active}>
        <div
          id={`${idPrefix}-${row.id}`}
          role="row"
          aria-rowindex={index + 2}
          aria-selected={open}
          className={`grid-row${active ? ' active' : ''}${open ? ' open' : ''}`}
          style={{ transform: `translateY(${start}px)` }}
          onClick={() => {
            onActivate(index);
            onOpen(row.id);
          }}
        >
          {children}
        </div>
      </RowActiveContext.Provider>
    );
  },
  // Cells are derived from the row's data; skip re-rendering when nothing that shows changed.
  (a, b) =>
    a.row.original === b.row.original &&
    a.index === b.index &&
    a.start === b.start &&
    a.active === b.active &&
    a.open === b.open &&
    a.light === b.light &&
    a.visibleIds === b.visibleIds &&
    a.onActivate === b.onActivate &&
    a.onOpen === b.onOpen,
);
