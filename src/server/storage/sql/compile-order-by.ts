// order_by terms → scalar SQL expressions over the trace alias. The search wraps them with its
// NULLS LAST handling (missing tags sort last in both directions) and its paging (../search-sql.ts).
import type { OrderTerm } from '../../../core/filter/parse-order-by.ts';
import { METADATA } from '../../../core/model.ts';
import type { SqlDialect } from './sql-dialect.ts';
import { attributeExpr, TRACE_SCHEMA, type TraceSchema } from './trace-schema.ts';

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
    if (f.kind === 'attribute') return { sql: attributeExpr(f.key, schema), params: [], ascending: term.ascending };
    if (f.kind === 'usage') {
      // The number in the token-usage metadata JSON (NULL when absent or not JSON: sorted last).
      const kv = schema.metadata;
      const member = dialect.jsonMember(`o.${kv.value}`, dialect.placeholder(next++));
      const sql = `(SELECT CAST(${member} AS DOUBLE PRECISION) FROM ${kv.table} o WHERE o.${kv.traceId} = ${t.alias}.${t.traceId} AND o.${kv.key} = ${dialect.placeholder(next++)})`;
      return { sql, params: [dialect.jsonMemberArgument(f.key), METADATA.tokenUsage], ascending: term.ascending };
    }
    const kv = schema[f.kind];
    const sql = `(SELECT o.${kv.value} FROM ${kv.table} o WHERE o.${kv.traceId} = ${t.alias}.${t.traceId} AND o.${kv.key} = ${dialect.placeholder(next++)})`;
    return { sql, params: [f.key], ascending: term.ascending };
  });
}
