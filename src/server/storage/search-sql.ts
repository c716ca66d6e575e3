// Turns a search's checked filter and order-by terms into SQL over `traces t`, through the
// storage's compiler (sql/compile-filter.ts, sql/compile-order-by.ts): this module adds the
// NULLS-LAST ordering and the default order, and is the only place that knows how they fit together.
import type { FilterExpr } from '../../core/filter/ast.ts';
import { checkFilter } from '../../core/filter/check-filter.ts';
import type { OrderTerm } from '../../core/filter/parse-order-by.ts';
import { parseOrderBy } from '../../core/filter/parse-order-by.ts';
import { invalidParameter } from '../errors.ts';
import { compileFilter } from './sql/compile-filter.ts';
import { compileOrderBy } from './sql/compile-order-by.ts';
import { sqliteDialect } from './sql/sql-dialect.ts';

export interface SqlFragment {
  sql: string;
  params: unknown[];
}

export interface CompiledOrder {
  sql: string;
  params: unknown[];
  /** True for MLflow's default order (timestamp_ms DESC, request_id ASC): keyset paging applies. */
  isDefault: boolean;
}

export const DEFAULT_ORDER_SQL = 't.timestamp_ms DESC, t.trace_id ASC';
export const MAX_FILTER_LENGTH = 8 * 1024;

/** Parses and checks a filter string (extended dialect); undefined when it matches everything. */
export function parseSearchFilter(filter: string | undefined): FilterExpr | undefined {
  if (filter === undefined || filter.trim() === '') return undefined;
  if (filter.length > MAX_FILTER_LENGTH) {
    throw invalidParameter(
      `Filter string is too long (${filter.length} characters; the limit is ${MAX_FILTER_LENGTH}).`,
    );
  }
  const checked = checkFilter(filter, 'extended');
  if (!checked.ok) throw invalidParameter(checked.diagnostic.message);
  return checked.expr ?? undefined;
}

/** The WHERE fragment for a filter string (extended dialect), or undefined when it matches everything. */
export function compileSearchFilter(
  filter: string | undefined,
  mode: 'membership' | 'correlated' = 'membership',
): SqlFragment | undefined {
  const expr = parseSearchFilter(filter);
  return expr === undefined ? undefined : compileFilter(expr, { dialect: sqliteDialect, mode });
}

function isDefaultOrder(terms: readonly OrderTerm[]): boolean {
  return (
    terms.length === 2 &&
    terms[0].field.kind === 'attribute' &&
    terms[0].field.key === 'timestamp_ms' &&
    !terms[0].ascending &&
    terms[1].field.kind === 'attribute' &&
    terms[1].field.key === 'request_id' &&
    terms[1].ascending
  );
}

export function compileSearchOrder(orderBy: string[] | undefined): CompiledOrder {
  if (!orderBy || orderBy.length === 0) return { sql: DEFAULT_ORDER_SQL, params: [], isDefault: true };
  const parsed = parseOrderBy(orderBy);
  if (!parsed.ok) throw invalidParameter(parsed.message);
  const terms = parsed.terms;
  if (isDefaultOrder(terms)) return { sql: DEFAULT_ORDER_SQL, params: [], isDefault: true };
  const compiled = compileOrderBy(terms, sqliteDialect);
  const params: unknown[] = [];
  const parts: string[] = [];
  for (const term of compiled) {
    // MLflow sorts NULL (missing tag, unknown duration) last in both directions.
    parts.push(`(${term.sql}) IS NULL`);
    params.push(...term.params);
    parts.push(`${term.sql} ${term.ascending ? 'ASC' : 'DESC'}`);
    params.push(...term.params);
  }
  return { sql: parts.join(', '), params, isDefault: false };
}
