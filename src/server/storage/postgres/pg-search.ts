// SearchTraces, match counts and the filter/order compilation for PostgreSQL. One statement per page: the
// filter compiles in the correlated mode (EXISTS / NOT EXISTS), which PostgreSQL flattens into semi- and
// anti-joins and then drives from whichever side its statistics favour: the time index for a common
// value (walk newest first, probe the child table's primary key, stop after a page), the child table's
// (key, left(value), trace_key) or (experiment_id, left(name), trace_key) index for a rare one.
import type { CheckedFilter } from '../../../core/filter/check-filter.ts';
import type { OrderTerm } from '../../../core/filter/parse-order-by.ts';
import type { CountResponse } from '../../../core/model.ts';
import { invalidParameter } from '../../errors.ts';
import { isDefaultOrder } from '../search-sql.ts';
import { compileFilter } from '../sql/compile-filter.ts';
import { compileOrderBy, keysetAfter, nextPageCursor, type CompiledOrderTerm } from '../sql/compile-order-by.ts';
import { postgresDialect } from '../sql/sql-dialect.ts';
import { POSTGRES_TRACE_SCHEMA } from '../sql/trace-schema.ts';
import type { SearchTracesQuery, SearchTracesResult } from '../trace-store.ts';
import { num, type Sql } from './pg-context.ts';
import { PG_TRACE_COLUMNS, type PgTraceRow, type PgTraceReads } from './pg-trace-reads.ts';

/** Bound parameters of one statement, numbered $1, $2, … in the order they are added. */
export class Binds {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
  /** A compiled fragment's parameters, appended; its placeholders were numbered from `next()`. */
  append(params: unknown[]): void {
    this.values.push(...params);
  }
  next(): number {
    return this.values.length + 1;
  }
}

/**
 * `t.experiment_id = ANY(…)` and the compiled filter over `traces t`, with their parameters in `binds`.
 * Ids are the active experiments (the caller checked them).
 */
export function traceScope(binds: Binds, experimentIds: readonly number[], filter?: CheckedFilter): string {
  const parts = [
    experimentIds.length === 1
      ? `t.experiment_id = ${binds.add(experimentIds[0])}`
      : `t.experiment_id = ANY(${binds.add(experimentIds)}::bigint[])`,
  ];
  if (filter !== undefined) {
    const compiled = compileFilter(filter, {
      dialect: postgresDialect,
      schema: POSTGRES_TRACE_SCHEMA,
      mode: 'correlated',
      startIndex: binds.next(),
      experimentIds,
    });
    binds.append(compiled.params);
    parts.push(`(${compiled.sql})`);
  }
  return parts.join(' AND ');
}

/** ORDER BY for a search; MLflow sorts NULL (missing tag, unknown duration) last in both directions. */
function orderSql(
  binds: Binds,
  terms: readonly OrderTerm[] | undefined,
): { sql: string; isDefault: boolean; terms: CompiledOrderTerm[] } {
  if (!terms || isDefaultOrder(terms))
    return { sql: 't.timestamp_ms DESC, t.trace_id ASC', isDefault: true, terms: [] };
  const compiled = compileOrderBy(terms, postgresDialect, binds.next(), POSTGRES_TRACE_SCHEMA);
  for (const term of compiled) binds.append(term.params);
  return {
    sql: compiled.map((term) => `${term.sql} ${term.ascending ? 'ASC' : 'DESC'} NULLS LAST`).join(', '),
    isDefault: false,
    terms: compiled,
  };
}

export async function searchTracesSql(
  sql: Sql,
  reads: PgTraceReads,
  experimentIds: number[],
  query: SearchTracesQuery,
): Promise<SearchTracesResult> {
  const binds = new Binds();
  const where = [traceScope(binds, experimentIds, query.filter)];
  const order = orderSql(binds, query.orderBy);
  let offset = query.cursor.offset;
  let keyed = false;
  const after = query.cursor.after;
  if (order.isDefault && after) {
    // Keyset: the rows after the previous page's last (timestamp DESC, trace_id ASC).
    const ts = binds.add(after.ts);
    where.push(`t.timestamp_ms <= ${ts} AND (t.timestamp_ms < ${ts} OR t.trace_id > ${binds.add(after.id)})`);
    offset = 0;
  } else if (!order.isDefault && query.cursor.keys) {
    // Any other order: the rows after the previous page's last row (its value of each term). A term's
    // placeholders are already bound, so its text may repeat.
    const keyset = keysetAfter(
      order.terms,
      query.cursor.keys,
      (i) => order.terms[i].sql,
      (v) => binds.add(v),
    );
    if (keyset) {
      where.push(keyset);
      offset = 0;
      keyed = true;
    }
  }
  const keyColumns = order.terms.map((term, i) => `, (${term.sql}) AS k${i}`).join('');
  const rows = await sql
    .rows<PgTraceRow & Record<`k${number}`, unknown>>(
      `SELECT ${PG_TRACE_COLUMNS}${keyColumns} FROM traces t WHERE ${where.join(' AND ')} ORDER BY ${order.sql}
     LIMIT ${binds.add(query.maxResults)} OFFSET ${binds.add(offset)}`,
      binds.values,
    )
    .catch((error: unknown) => {
      // A page token is client text: a key PostgreSQL cannot read as its term's type (text or a fraction
      // for a BIGINT time) is a bad token, where SQLite just compares across types.
      if (keyed && (error as { code?: string }).code === '22P02')
        throw invalidParameter('Invalid page token: its sort keys do not fit this order_by.');
      throw error;
    });
  const traces = await reads.assemble(sql, rows);
  return { traces, next: nextPageCursor(rows, query.maxResults, query.cursor.offset, order) };
}

/** How many traces match, counting at most `cap` + 1 of them. */
export async function countTracesSql(
  sql: Sql,
  experimentIds: number[],
  filter: CheckedFilter | undefined,
  cap: number,
): Promise<CountResponse> {
  const binds = new Binds();
  const scope = traceScope(binds, experimentIds, filter);
  const row = await sql.one<{ n: string }>(
    `SELECT COUNT(*) AS n FROM (SELECT 1 FROM traces t WHERE ${scope} LIMIT ${binds.add(cap + 1)}) x`,
    binds.values,
  );
  const n = num(row?.n ?? 0);
  return n > cap ? { count: cap, exact: false } : { count: n, exact: true };
}
