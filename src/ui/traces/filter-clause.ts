// Building and editing clauses of the filter text for one-click filtering (cell values, quick
// filters). Edits go through the parser so that an existing clause on the same key is replaced
// rather than duplicated, and the result is the canonical printed text.
import {
  parseFilter,
  printFilter,
  quoteKey,
  quoteValue,
  type ComparisonNode,
  type FilterExpr,
} from '../../core/filter/index.ts';
import { andFilters } from '../../core/filter-clause.ts';

export interface ClauseField {
  kind: 'tag' | 'metadata';
  key: string;
}

/** `metadata.environment = 'prod'`, or `… IS NULL` when the value is absent. */
export function equalsClause(field: ClauseField, value: string | null): string {
  const identifier = `${field.kind}.${quoteKey(field.key)}`;
  return value === null ? `${identifier} IS NULL` : `${identifier} = ${quoteValue(value)}`;
}

function topLevelClauses(ast: FilterExpr | null): FilterExpr[] {
  if (!ast) return [];
  return ast.type === 'and' ? ast.children : [ast];
}

function isEqualityOn(node: FilterExpr, field: ClauseField): node is ComparisonNode {
  return (
    node.type === 'comparison' &&
    node.field.ref?.kind === field.kind &&
    node.field.ref.key === field.key &&
    (node.op?.op === '=' || node.op?.op === 'IN')
  );
}

/** The value of a top-level `field = 'v'` clause, if the filter has exactly that. */
export function clauseValue(filter: string, field: ClauseField): string | null {
  const { ast } = parseFilter(filter);
  for (const node of topLevelClauses(ast)) {
    if (isEqualityOn(node, field) && node.value?.type === 'string') return node.value.value;
  }
  return null;
}

/**
 * Sets (or with value undefined, removes) the equality clause for a key. A filter that does not
 * parse cleanly is left as typed and the clause is appended, so nothing the person wrote is lost.
 */
export function setClause(filter: string, field: ClauseField, value: string | null | undefined): string {
  const parsed = parseFilter(filter);
  const clause = value === undefined ? '' : equalsClause(field, value);
  if (parsed.diagnostics.some((d) => d.severity === 'error')) return andFilters(filter, clause);
  const kept = topLevelClauses(parsed.ast).filter((node) => !isEqualityOn(node, field));
  const rest = kept.map((node) => printFilter(node));
  return andFilters(...rest, clause);
}

/** Adds a clause (from clicking a value) unless the very same clause is already there. */
export function addClause(filter: string, field: ClauseField, value: string | null): string {
  return setClause(filter, field, value);
}
