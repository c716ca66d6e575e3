// The one clause builder: "narrow by this value" for every place that filters by a clicked value
// (table cells, the detail panel's tags and metadata, Compare's versions, the quick filters and
// the group rows). Clauses are spelled the way the canonical printer spells them, so a link
// shares a URL and a cache entry with a typed filter.
//
// One rule: narrowing by a key replaces any top-level `key = …` / `key IN (…)` / `key IS NULL`
// clause on that same key, because ANDing a second value (`metadata.env = 'a' AND
// metadata.env = 'b'`) matches nothing. Other clauses are kept as they are.
import type { ComparisonNode, FilterExpr } from './filter/ast.ts';
import { parseFilter } from './filter/parse-filter.ts';
import { printFilter } from './filter/print-filter.ts';
import { quoteKey, quoteValue } from './filter/quote.ts';

export type ClauseKind = 'metadata' | 'tag' | 'feedback';

export interface ClauseField {
  kind: ClauseKind;
  key: string;
}

/**
 * ``metadata.`mlflow.trace.user` = 'u1'``, `tag.env = 'prod'`, or `… IS NULL` for an absent value.
 * MLflow strings have no escapes: a value holding both quote characters, or a key holding a
 * backtick, cannot be written, and the answer is null (the value is then not clickable).
 */
export function equalityClause(field: ClauseField, value: string | null): string | null {
  if (field.key === '' || field.key.includes('`')) return null;
  const identifier = `${field.kind}.${quoteKey(field.key)}`;
  if (value === null) return `${identifier} IS NULL`;
  if (value.includes("'") && value.includes('"')) return null;
  return `${identifier} = ${quoteValue(value)}`;
}

/**
 * Joins filters with AND. A part whose top level is an OR is parenthesised so the AND applies
 * to all of it; the parser decides, so a quoted 'or' inside a value does not count.
 */
export function andFilters(...parts: string[]): string {
  const kept = parts.map((p) => p.trim()).filter(Boolean);
  if (kept.length <= 1) return kept[0] ?? '';
  return kept.map((p) => (parseFilter(p).ast?.type === 'or' ? `(${p})` : p)).join(' AND ');
}

function topLevelClauses(ast: FilterExpr | null): FilterExpr[] {
  if (!ast) return [];
  return ast.type === 'and' ? ast.children : [ast];
}

/** A top-level clause that pins `field` to values: `=`, `IN` or `IS NULL`. */
function pinsField(node: FilterExpr, field: ClauseField): node is ComparisonNode {
  const op = node.type === 'comparison' ? node.op?.op : undefined;
  return (
    node.type === 'comparison' &&
    node.field.ref?.kind === field.kind &&
    node.field.ref.key === field.key &&
    (op === '=' || op === 'IN' || op === 'IS NULL')
  );
}

/** The value of a top-level `field = 'v'` clause, if the filter has exactly that. */
export function clauseValue(filter: string, field: ClauseField): string | null {
  const { ast } = parseFilter(filter);
  for (const node of topLevelClauses(ast)) {
    if (pinsField(node, field) && node.op?.op === '=' && node.value?.type === 'string') return node.value.value;
  }
  return null;
}

/**
 * The filter narrowed to `field = value` (value null: the key is absent), replacing the clause
 * that pinned the same key; with value undefined, that clause is removed. Null when the value
 * cannot be written. A filter that does not parse is kept as typed and the clause appended, so
 * nothing the person wrote is lost.
 */
export function narrowFilter(filter: string, field: ClauseField, value: string | null | undefined): string | null {
  const clause = value === undefined ? '' : equalityClause(field, value);
  if (clause === null) return null;
  const parsed = parseFilter(filter);
  if (parsed.diagnostics.some((d) => d.severity === 'error')) return andFilters(filter, clause);
  const kept = topLevelClauses(parsed.ast).filter((node) => !pinsField(node, field));
  return andFilters(...kept.map((node) => printFilter(node)), clause);
}
