// The Traces page's part of the URL: grouping, sort, group order, columns and the open trace. The filter
// and time range are shared with the Compare page (shared-view-url.ts); the experiment is the
// app's (app-url.ts). Defaults are dropped so that the plain page has a plain link.
import { METADATA, CONTEXT_KEYS } from '../../core/model.ts';
import { quoteKey } from '../../core/filter/index.ts';
import { TOTAL_TOKENS_ORDER_KEY } from '../../core/filter/parse-order-by.ts';
import { parseSharedView, writeSharedView, type SharedView } from '../shared-view-url.ts';
import { keyColumnOf, parseColumns, writeColumns, type ColumnState, type KeyColumnId } from './column-state.ts';
import {
  DEFAULT_TRACE_DETAIL_VIEW,
  parseTraceDetailView,
  writeTraceDetailView,
  type TraceDetailView,
} from '../trace-detail/trace-detail-url.ts';

export type GroupBy =
  | { kind: 'none' }
  | { kind: 'session' }
  | { kind: 'user' }
  | { kind: 'version' }
  | { kind: 'tag' | 'metadata'; key: string };

/** Built-in columns the server can order by (§6.7); the value is the column id in the table. */
type BuiltinSortColumn =
  | 'start'
  | 'latency'
  | 'status'
  | 'id'
  | 'name'
  | 'user'
  | 'session'
  | 'version'
  | 'environment'
  | 'tokens'
  | 'cost'
  | 'feedback';
/** A sortable column: a built-in one, or a tag/metadata key column (ordered by the server, §6.7). */
export type SortColumn = BuiltinSortColumn | KeyColumnId;
const SORT_COLUMNS: readonly BuiltinSortColumn[] = [
  'start',
  'latency',
  'status',
  'id',
  'name',
  'user',
  'session',
  'version',
  'environment',
  'tokens',
  'cost',
  'feedback',
];

export interface SortSpec {
  column: SortColumn;
  desc: boolean;
}

export type GroupOrder = 'count' | 'recent';

export interface TracesView extends SharedView {
  experimentId: string;
  group: GroupBy;
  groupOrder: GroupOrder;
  sort: SortSpec;
  /** The table's columns and widths; null when the link names none (the person's last columns apply). */
  columns: ColumnState | null;
  /** The open trace, or null. */
  trace: string | null;
  /** The open trace's selected span and session view (only with a trace). */
  detail: TraceDetailView;
}

export const DEFAULT_SORT: SortSpec = { column: 'start', desc: true };

const ORDER_BY: Record<Exclude<BuiltinSortColumn, 'feedback'>, string> = {
  start: 'timestamp_ms',
  latency: 'execution_time_ms',
  status: 'status',
  id: 'request_id',
  name: 'name',
  user: `metadata.${quoteKey(METADATA.user)}`,
  session: `metadata.${quoteKey(METADATA.session)}`,
  version: `metadata.${quoteKey(CONTEXT_KEYS.appVersion)}`,
  environment: `metadata.${quoteKey(CONTEXT_KEYS.environment)}`,
  // The server's extension key (capability `order_by.total_tokens`); MLflow has no such order.
  tokens: TOTAL_TOKENS_ORDER_KEY,
  // A trace-explorer extension of order_by (a plain MLflow server answers 400).
  cost: 'cost',
};

/**
 * The MLflow order_by list for a sort; start time then id break ties so pages never overlap. The feedback
 * column sorts by the value of the person's feedback name (the one their thumbs write), through the server's
 * extension key `feedback.<name>` (capability `order_by.feedback`; MLflow has no such order).
 */
export function orderByFor(sort: SortSpec, feedbackName: string): string[] {
  const keyColumn = keyColumnOf(sort.column);
  const identifier = keyColumn
    ? `${keyColumn.kind}.${quoteKey(keyColumn.key)}`
    : sort.column === 'feedback'
      ? `feedback.${quoteKey(feedbackName)}`
      : ORDER_BY[sort.column as Exclude<BuiltinSortColumn, 'feedback'>];
  const first = `${identifier} ${sort.desc ? 'DESC' : 'ASC'}`;
  if (sort.column === 'start') return [first, 'request_id ASC'];
  return [first, 'timestamp_ms DESC', 'request_id ASC'];
}

/** The filter identifier the groups endpoint takes for a grouping (null for none). */
export function groupIdentifier(group: GroupBy): string | null {
  switch (group.kind) {
    case 'none':
      return null;
    case 'session':
      return `metadata.${quoteKey(METADATA.session)}`;
    case 'user':
      return `metadata.${quoteKey(METADATA.user)}`;
    case 'version':
      return `metadata.${quoteKey(CONTEXT_KEYS.appVersion)}`;
    case 'tag':
      return `tag.${quoteKey(group.key)}`;
    case 'metadata':
      return `metadata.${quoteKey(group.key)}`;
  }
}

function parseGroup(raw: string | null): GroupBy {
  if (!raw) return { kind: 'none' };
  if (raw === 'session' || raw === 'user' || raw === 'version') return { kind: raw };
  const match = /^(tag|metadata):(.+)$/.exec(raw);
  if (match) return { kind: match[1] as 'tag' | 'metadata', key: match[2] };
  return { kind: 'none' };
}

export function groupParam(group: GroupBy): string | null {
  if (group.kind === 'none') return null;
  if (group.kind === 'tag' || group.kind === 'metadata') return `${group.kind}:${group.key}`;
  return group.kind;
}

/** Whether the server can order by this column id (built-in sortable columns and every key column). */
export const isSortableColumn = (id: string): id is SortColumn =>
  (SORT_COLUMNS as readonly string[]).includes(id) || keyColumnOf(id) !== null;

function parseSort(raw: string | null): SortSpec {
  const match = /^(.+):(asc|desc)$/s.exec(raw ?? '');
  if (match && isSortableColumn(match[1])) return { column: match[1], desc: match[2] === 'desc' };
  return DEFAULT_SORT;
}

export function parseTracesView(href: string): TracesView {
  const url = new URL(href, 'http://x');
  const search = url.searchParams;
  return {
    ...parseSharedView(search),
    experimentId: search.get('experiment') || '0',
    group: parseGroup(search.get('group')),
    groupOrder: search.get('gorder') === 'recent' ? 'recent' : 'count',
    sort: parseSort(search.get('sort')),
    columns: parseColumns(search),
    trace: search.get('trace') || null,
    detail: search.get('trace') ? parseTraceDetailView(search) : DEFAULT_TRACE_DETAIL_VIEW,
  };
}

/** The link for a view; parameters are written in a fixed order so equal views have equal links. */
export function tracesHref(view: TracesView): string {
  const search = new URLSearchParams();
  search.set('experiment', view.experimentId);
  writeSharedView(search, view);
  const group = groupParam(view.group);
  if (group) search.set('group', group);
  if (group && view.groupOrder !== 'count') search.set('gorder', view.groupOrder);
  if (view.sort.column !== DEFAULT_SORT.column || view.sort.desc !== DEFAULT_SORT.desc) {
    search.set('sort', `${view.sort.column}:${view.sort.desc ? 'desc' : 'asc'}`);
  }
  writeColumns(search, view.columns);
  if (view.trace) {
    search.set('trace', view.trace);
    writeTraceDetailView(search, view.detail);
  }
  return `/traces?${search.toString()}`;
}
