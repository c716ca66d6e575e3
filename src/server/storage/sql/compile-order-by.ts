// order_by terms → scalar SQL expressions over the trace alias. The search wraps them with its
// NULLS LAST handling (missing tags sort last in both directions) and its paging (../search-sql.ts).
import type { OrderTerm } from '../../../core/filter/parse-order-by.ts';
import type { SqlDialect } from './sql-dialect.ts';
import { attributeExpr, TRACE_SCHEMA, traceCostExpr, type TraceSchema } from './trace-schema.ts';

export interface CompiledOrderTerm {
  sql: string;
  params: unknown[];
  ascending: boolean;
}

/** `startIndex` numbers PostgreSQL placeholders; terms are numbered consecutively from it. */
export function compileOrderBy(
  terms: readonly OrderTerm[],
  dialect: SqlDialect,
  startIndex = 1,
  schema: TraceSchema = TRACE_SCHEMA,
): CompiledOrderTerm[] {
  let next = startIndex;
  const t = schema.traces;
  return terms.map((term) => {
    const f = term.field;
    if (f.kind === 'cost')
      return { sql: traceCostExpr(dialect, 'total_cost', schema), params: [], ascending: term.ascending };
    if (f.kind === 'attribute') return { sql: attributeExpr(f.key, schema), params: [], ascending: term.ascending };
    const kv = schema[f.kind];
    const sql = `(SELECT o.${kv.value} FROM ${kv.table} o WHERE o.${kv.traceId} = ${t.alias}.${t.traceId} AND o.${kv.key} = ${dialect.placeholder(next++)})`;
    return { sql, params: [f.key], ascending: term.ascending };
  });
}
