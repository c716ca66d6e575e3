// order_by terms → scalar SQL expressions over `traces t`. The server wraps them with its
// NULLS LAST handling (missing tags sort last in both directions) and its paging.
import { ATTRIBUTE_COLUMNS } from './compile-filter.ts';
import type { OrderTerm } from './parse-order-by.ts';
import type { SqlDialect } from './sql-dialect.ts';

export interface CompiledOrderTerm {
  sql: string;
  params: unknown[];
  ascending: boolean;
}

/** `startIndex` numbers PostgreSQL placeholders; terms are numbered consecutively from it. */
export function compileOrderBy(terms: readonly OrderTerm[], dialect: SqlDialect, startIndex = 1): CompiledOrderTerm[] {
  let next = startIndex;
  return terms.map((term) => {
    const f = term.field;
    if (f.kind === 'attribute') return { sql: ATTRIBUTE_COLUMNS[f.key], params: [], ascending: term.ascending };
    const table = f.kind === 'tag' ? 'trace_tags' : 'trace_metadata';
    const sql = `(SELECT o.value FROM ${table} o WHERE o.trace_id = t.trace_id AND o.key = ${dialect.placeholder(next++)})`;
    return { sql, params: [f.key], ascending: term.ascending };
  });
}
