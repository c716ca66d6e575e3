// The traces table's feature set and columns. Both live at module scope: TanStack Table v9
// recomputes its models when these identities change.
import {
  columnResizingFeature,
  columnSizingFeature,
  columnVisibilityFeature,
  createColumnHelper,
  rowSortingFeature,
  tableFeatures,
} from '@tanstack/react-table';
import { CONTEXT_KEYS, METADATA } from '../../core/model.ts';
import { CellText } from './CellText.tsx';
import { CopyTraceId } from './CopyTraceId.tsx';
import { FilterValue } from './FilterValue.tsx';
import { MoreTags } from './MoreTags.tsx';
import { formatLatency, formatTime, type TraceRow } from './trace-row.ts';
import { keyColumnOf } from './column-state.ts';
import { ThumbIcon } from '../components/ThumbIcon.tsx';
import { RowCheckbox, SelectLoadedCheckbox } from '../bulk/RowCheckbox.tsx';
import { formatCost } from '../components/format-cost.ts';

export const traceTableFeatures = tableFeatures({
  columnVisibilityFeature,
  columnSizingFeature,
  columnResizingFeature,
  rowSortingFeature,
});

const helper = createColumnHelper<typeof traceTableFeatures, TraceRow>();

const STATUS_LABEL: Record<TraceRow['state'], string> = {
  OK: 'OK',
  ERROR: 'Error',
  IN_PROGRESS: 'Running',
  STATE_UNSPECIFIED: '—',
};

export const traceColumns = helper.columns([
  // Selection for bulk actions (src/ui/bulk): not hideable, sortable or resizable.
  helper.display({
    id: 'select',
    // Each grid's own rows: grouped, the box of one group's table ticks that group's traces.
    header: (h) => <SelectLoadedCheckbox rowIds={h.table.getRowModel().rows.map((row) => row.id)} />,
    size: 28,
    enableHiding: false,
    enableResizing: false,
    cell: (c) => <RowCheckbox id={c.row.original.id} />,
  }),
  helper.accessor('id', {
    header: 'Trace ID',
    size: 124,
    enableHiding: false,
    cell: (c) => <CopyTraceId id={c.getValue()} />,
  }),
  helper.accessor('name', {
    header: 'Name',
    size: 110,
    cell: (c) => <CellText text={c.getValue() || '—'} />,
  }),
  helper.accessor('request', {
    header: 'Request',
    // 28 px less than before the selection column, so the default columns still fit 1280 px.
    size: 106,
    enableSorting: false,
    cell: (c) => <CellText className="mono preview" text={c.getValue()} />,
  }),
  helper.accessor('response', {
    header: 'Response',
    size: 200,
    enableSorting: false,
    cell: (c) => <CellText className="mono preview" text={c.getValue()} />,
  }),
  helper.accessor('state', {
    id: 'status',
    header: 'Status',
    size: 64,
    cell: (c) => <span className={`status status-${c.getValue()}`}>{STATUS_LABEL[c.getValue()]}</span>,
  }),
  helper.accessor('latencyMs', {
    id: 'latency',
    header: 'Latency',
    size: 78,
    cell: (c) => <span className="num">{formatLatency(c.getValue())}</span>,
  }),
  helper.accessor('startMs', {
    id: 'start',
    header: 'Start time',
    size: 162,
    cell: (c) => <CellText text={formatTime(c.getValue())} />,
  }),
  helper.accessor('user', {
    header: 'User',
    size: 96,
    cell: (c) => <FilterValue kind="metadata" fieldKey={METADATA.user} value={c.getValue()} />,
  }),
  helper.accessor('session', {
    header: 'Session',
    size: 120,
    cell: (c) => <FilterValue kind="metadata" fieldKey={METADATA.session} value={c.getValue()} />,
  }),
  helper.accessor('version', {
    header: 'Version',
    size: 84,
    cell: (c) => <FilterValue kind="metadata" fieldKey={CONTEXT_KEYS.appVersion} value={c.getValue()} />,
  }),
  helper.accessor('environment', {
    header: 'Environment',
    size: 116,
    cell: (c) => <FilterValue kind="metadata" fieldKey={CONTEXT_KEYS.environment} value={c.getValue()} />,
  }),
  helper.accessor('tokens', {
    header: 'Tokens',
    size: 80,
    cell: (c) => <span className="num">{c.getValue() ?? '—'}</span>,
  }),
  helper.accessor('cost', {
    header: 'Cost',
    size: 84,
    cell: (c) => <span className="num">{formatCost(c.getValue())}</span>,
  }),
  helper.accessor('tags', {
    header: 'Tags',
    size: 200,
    enableSorting: false,
    // One chip per row keeps the DOM bounded and the chip readable; "+N" opens the rest on demand.
    cell: (c) => {
      const tags = c.getValue();
      return (
        <span className="chips">
          {tags.slice(0, 1).map(([key, value]) => (
            <FilterValue key={key} kind="tag" fieldKey={key} value={value} showKey />
          ))}
          {tags.length > 1 && <MoreTags tags={tags.slice(1)} />}
        </span>
      );
    },
  }),
  // An accessor so the header can sort (the server orders by the person's feedback name: traces-url.ts).
  helper.accessor((row) => row.feedbackUp - row.feedbackDown, {
    id: 'feedback',
    header: 'Feedback',
    // Wide enough for the label and the sort mark.
    size: 108,
    cell: (c) => {
      const { feedbackUp: up, feedbackDown: down } = c.row.original;
      if (up === 0 && down === 0) return <span className="muted">—</span>;
      return (
        <span aria-label={`${up} thumbs up, ${down} thumbs down`}>
          <ThumbIcon /> {up} <ThumbIcon down /> {down}
        </span>
      );
    },
  }),
]);

/** Column ids and header labels, for the column chooser. */
export const COLUMN_LABELS: readonly { id: string; label: string }[] = traceColumns
  .map((column) => ({
    id: column.id ?? ('accessorKey' in column ? String(column.accessorKey) : ''),
    label: typeof column.header === 'string' ? column.header : '',
  }))
  .filter((column) => column.id !== 'select');

/** The header of a key column: the key, marked when it is metadata. */
export function keyColumnLabel(id: string): string {
  const column = keyColumnOf(id);
  if (!column) return id;
  return column.kind === 'tag' ? column.key : `${column.key} (metadata)`;
}

/** A column showing one tag or metadata key (`tag:<key>` / `metadata:<key>`); its value narrows the filter. */
function keyColumn(id: string) {
  const column = keyColumnOf(id)!;
  return helper.accessor((row) => (column.kind === 'tag' ? row.tagMap[column.key] : row.metadataMap[column.key]), {
    id,
    header: keyColumnLabel(id),
    size: 120,
    cell: (c) => <FilterValue kind={column.kind} fieldKey={column.key} value={c.getValue() ?? ''} />,
  });
}

// Column definitions are cached by id: the table recomputes its models when a definition changes.
const keyColumnCache = new Map<string, ReturnType<typeof keyColumn>>();
const KEY_COLUMN_CACHE_CAP = 200;

/** The built-in columns followed by one column per key column id. */
export function columnsWithKeys(keyIds: readonly string[]): typeof traceColumns {
  if (keyIds.length === 0) return traceColumns;
  const extra = keyIds.map((id) => {
    let def = keyColumnCache.get(id);
    if (!def) {
      if (keyColumnCache.size >= KEY_COLUMN_CACHE_CAP) keyColumnCache.clear();
      def = keyColumn(id);
      keyColumnCache.set(id, def);
    }
    return def;
  });
  return [...traceColumns, ...extra] as typeof traceColumns;
}
