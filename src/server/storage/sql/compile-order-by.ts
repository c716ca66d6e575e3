// order_by terms → scalar SQL expressions over the trace alias. The search wraps them with its
// NULLS LAST handling (missing tags sort last in both directions) and its paging (../search-sql.ts).
import type { OrderTerm } from '../../../core/filter/parse-order-by.ts';
import { METADATA } from '../../../core/model.ts';
import type { PageCursor } from '../trace-store.ts';
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
  return terms.flatMap((term): CompiledOrderTerm | CompiledOrderTerm[] => {
    const f = term.field;
    if (f.kind === 'feedback') {
      // Two terms over the latest valid feedback of that name: its number (true 1, false 0), then its
      // JSON text, so numbers sort as numbers and other values after them by text; none sorts last.
      const a = schema.assessments;
      const latest = (value: string, name: string) =>
        `(SELECT ${value} FROM ${a.table} a WHERE a.${a.traceId} = ${t.alias}.${t.traceId} AND a.${a.name} = ${name} AND a.${a.type} = 'feedback' AND ${dialect.isTrue(`a.${a.valid}`)} ORDER BY a.${a.createTime} DESC, a.${a.id} DESC LIMIT 1)`;
      return [
        {
          sql: latest(dialect.jsonScalarNumber(`a.${a.value}`), dialect.placeholder(next++)),
          params: [f.key],
          ascending: term.ascending,
        },
        { sql: latest(`a.${a.value}`, dialect.placeholder(next++)), params: [f.key], ascending: term.ascending },
      ];
    }
    if (f.kind === 'cost')
      return { sql: traceCostExpr(dialect, 'total_cost', schema), params: [], ascending: term.ascending };
    if (f.kind === 'attribute') return { sql: attributeExpr(f.key, schema), params: [], ascending: term.ascending };
    if (f.kind === 'usage') {
      // The number in the token-usage metadata JSON (NULL when absent, not JSON or not a number: sorted last).
      // The member name is the parser's fixed key, never client text.
      const kv = schema.metadata;
      const sql = `(SELECT ${dialect.jsonNumberMember(`o.${kv.value}`, f.key)} FROM ${kv.table} o WHERE o.${kv.traceId} = ${t.alias}.${t.traceId} AND o.${kv.key} = ${dialect.placeholder(next++)})`;
      return { sql, params: [METADATA.tokenUsage], ascending: term.ascending };
    }
    const kv = schema[f.kind];
    const sql = `(SELECT o.${kv.value} FROM ${kv.table} o WHERE o.${kv.traceId} = ${t.alias}.${t.traceId} AND o.${kv.key} = ${dialect.placeholder(next++)})`;
    return { sql, params: [f.key], ascending: term.ascending };
  });
}

/**
 * Keyset paging for any order, the same on every engine: the rows strictly after the previous page's last
 * row in the order the search sorts by (each term NULLS LAST, in its direction; the request_id tie-breaker
 * makes it total), so a page never repeats or skips a row when traces arrive or change between pages, as
 * OFFSET would. `keys` holds that row's value of each term. For terms e₀…eₙ it is OR over i of
 * (e₀ = k₀ AND … AND eᵢ₋₁ = kᵢ₋₁ AND eᵢ after kᵢ), where "after" a NULL is nothing and after a value is
 * the next values then NULL. `term(i)` writes term i's SQL and `bind(v)` a placeholder for v, each called
 * in the order their text appears (SQLite's positional `?` parameters follow that order).
 */
export function keysetAfter(
  terms: readonly CompiledOrderTerm[],
  keys: readonly unknown[],
  term: (i: number) => string,
  bind: (value: unknown) => string,
): string | undefined {
  if (keys.length !== terms.length) return undefined;
  const alternatives: string[] = [];
  for (let i = 0; i < terms.length; i++) {
    if (keys[i] === null) continue;
    const parts: string[] = [];
    for (let j = 0; j < i; j++)
      parts.push(keys[j] === null ? `(${term(j)}) IS NULL` : `(${term(j)}) = ${bind(keys[j])}`);
    const e = term(i);
    parts.push(`((${e}) ${terms[i].ascending ? '>' : '<'} ${bind(keys[i])} OR (${term(i)}) IS NULL)`);
    alternatives.push(`(${parts.join(' AND ')})`);
  }
  return alternatives.length === 0 ? '0 = 1' : `(${alternatives.join(' OR ')})`;
}

/** A page's last row's value of an order term as the page token carries it: text, a number or NULL (an engine's BIGINT may arrive as text; it binds back as one). */
function pageKey(value: unknown): string | number | null {
  return typeof value === 'string' || typeof value === 'number' ? value : null;
}

/**
 * The cursor of the page after `rows` (undefined when the page is not full): MLflow's offset, and the last
 * row's (timestamp, id) for the default order or its order-term values `k0, k1, …` for any other.
 */
export function nextPageCursor(
  rows: readonly { trace_id: string; timestamp_ms: number | string }[],
  maxResults: number,
  offset: number,
  order: { isDefault: boolean; terms: readonly unknown[] },
): PageCursor | undefined {
  const last = rows[rows.length - 1] as (typeof rows)[number] & Record<string, unknown>;
  if (rows.length !== maxResults || !last) return undefined;
  return {
    offset: offset + rows.length,
    ...(order.isDefault
      ? { after: { ts: Number(last.timestamp_ms), id: last.trace_id } }
      : { keys: order.terms.map((_, i) => pageKey(last[`k${i}`])) }),
  };
}
