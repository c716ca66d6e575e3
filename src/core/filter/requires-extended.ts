import type { FilterExpr } from './ast.ts';

/**
 * True when the filter uses something a plain MLflow server rejects: OR, NOT, parentheses,
 * IN / NOT IN on tags or metadata, or a bare `text` key. The UI warns before sending such a
 * filter to a server whose capabilities lack the extended dialect.
 */
export function requiresExtended(ast: FilterExpr | null): boolean {
  if (ast === null) return false;
  const stack: FilterExpr[] = [ast];
  while (stack.length > 0) {
    const e = stack.pop() as FilterExpr;
    switch (e.type) {
      case 'or':
      case 'not':
      case 'group':
        return true;
      case 'and':
        stack.push(...e.children);
        break;
      case 'comparison': {
        const ref = e.field.ref;
        if (ref === null) break;
        if ((e.op?.op === 'IN' || e.op?.op === 'NOT IN') && (ref.kind === 'tag' || ref.kind === 'metadata'))
          return true;
        if (e.field.prefix === null && e.field.text.toUpperCase() === 'TEXT') return true;
        break;
      }
      case 'error':
        break;
    }
  }
  return false;
}
