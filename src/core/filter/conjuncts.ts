// How an AND-chain reads: nested groups and ANDs flattened into one conjunction, and which of its
// clauses are span clauses. Span clauses of one AND-chain must hold for the same span (MLflow's
// semantics), so every evaluator of a filter gathers them the same way.
import type { ComparisonNode, FilterExpr } from './ast.ts';

/** Children of an AND-chain with nested groups and ANDs flattened: they form one conjunction. */
export function conjuncts(e: FilterExpr, out: FilterExpr[] = []): FilterExpr[] {
  if (e.type === 'group') conjuncts(e.expr, out);
  else if (e.type === 'and') for (const c of e.children) conjuncts(c, out);
  else out.push(e);
  return out;
}

export function isSpanClause(e: FilterExpr): e is ComparisonNode {
  return e.type === 'comparison' && (e.field.ref?.kind === 'span' || e.field.ref?.kind === 'span-attribute');
}
