// Turns a search request's filter and order_by into SQL over `traces t`. The filter language
// (src/core/filter) does the parsing and compiling; this module adds paging and the default
// order, and is the only place that knows how the two fit together.
import { invalidParameter } from '../errors.ts';

export interface SqlFragment {
  sql: string;
  params: unknown[];
}

export interface CompiledOrder {
  sql: string;
  /** True for MLflow's default order (timestamp_ms DESC, request_id ASC): keyset paging applies. */
  isDefault: boolean;
}

export const DEFAULT_ORDER_SQL = 't.timestamp_ms DESC, t.trace_id ASC';
export const MAX_FILTER_LENGTH = 8 * 1024;

/** The WHERE fragment for a filter string, or undefined when it matches everything. */
export function compileSearchFilter(filter: string | undefined): SqlFragment | undefined {
  if (filter === undefined || filter.trim() === '') return undefined;
  if (filter.length > MAX_FILTER_LENGTH) throw invalidParameter(`Filter string is too long (${filter.length} characters; the limit is ${MAX_FILTER_LENGTH}).`);
  throw invalidParameter('Search filters are not supported by this server build yet.');
}

export function compileSearchOrder(orderBy: string[] | undefined): CompiledOrder {
  if (!orderBy || orderBy.length === 0) return { sql: DEFAULT_ORDER_SQL, isDefault: true };
  throw invalidParameter('order_by is not supported by this server build yet.');
}
