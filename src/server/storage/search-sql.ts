// Turns a search's checked filter and order-by terms (parsed by the route) into SQL over `traces t`, through the
// storage's compiler (sql/compile-filter.ts, sql/compile-order-by.ts): this module adds the
// NULLS-LAST ordering and the default order, and is the only place that knows how they fit together.
import type { CheckedFilter } from '../../core/filter/check-filter.ts';
import type { OrderTerm } from '../../core/filter/parse-order-by.ts';
import { compileFilter } from './sql/compile-filter.ts';
import { compileOrderBy, keysetAfter, type CompiledOrderTerm } from './sql/compile-order-by.ts';
import { sqliteDialect } from './sql/sql-dialect.ts';

export interface SqlFragment {
  sql: string;
  params: unknown[];
}

export interface CompiledOrder {
  sql: string;
  params: unknown[];
  /** True for MLflow's default order (timestamp_ms DESC, request_id ASC): keyset paging on (ts, id) applies. */
  isDefault: boolean;
  /** Any other order: its terms, whose values on a page's last row are the next page's keyset cursor. */
  terms: CompiledOrderTerm[];
}

const DEFAULT_ORDER_SQL = 't.timestamp_ms DESC, t.trace_id ASC';

/** The WHERE fragment for a checked filter, or undefined when there is none (every trace matches). */
export function compileSearchFilter(
  filter: CheckedFilter | undefined,
  mode: 'membership' | 'correlated' = 'membership',
): SqlFragment | undefined {
  return filter === undefined ? undefined : compileFilter(filter, { dialect: sqliteDialect, mode });
}

/** MLflow's default order (timestamp_ms DESC, request_id ASC), spelled out: keyset paging applies (every engine). */
export function isDefaultOrder(terms: readonly OrderTerm[]): boolean {
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

export function compileSearchOrder(terms: readonly OrderTerm[] | undefined): CompiledOrder {
  if (!terms || isDefaultOrder(terms)) return { sql: DEFAULT_ORDER_SQL, params: [], isDefault: true, terms: [] };
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
  return { sql: parts.join(', '), params, isDefault: false, terms: compiled };
}

/** The order terms' values as extra result columns `k0, k1, …` (the next page's cursor is the last row's). */
export function orderKeyColumns(order: CompiledOrder): SqlFragment {
  return {
    sql: order.terms.map((term, i) => `, (${term.sql}) AS k${i}`).join(''),
    params: order.terms.flatMap((term) => term.params),
  };
}

/** Keyset paging for any order (sql/compile-order-by.ts `keysetAfter`) with SQLite's positional parameters. */
export function orderKeyset(order: CompiledOrder, keys: readonly unknown[]): SqlFragment | undefined {
  if (order.isDefault) return undefined;
  const params: unknown[] = [];
  const sql = keysetAfter(
    order.terms,
    keys,
    (i) => {
      params.push(...order.terms[i].params);
      return order.terms[i].sql;
    },
    (value) => {
      params.push(value);
      return '?';
    },
  );
  return sql === undefined ? undefined : { sql, params };
}
