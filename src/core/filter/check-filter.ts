// The server's one call: parse + validate and return the first error as MLflow would report it.
import type { FilterDialect, FilterExpr } from './ast.ts';
import type { Diagnostic } from './diagnostic.ts';
import { invalidClauseMessage } from './invalid-clause-message.ts';
import { parseFilter } from './parse-filter.ts';
import { validateFilter } from './validate-filter.ts';

declare const checked: unique symbol;

/**
 * A filter tree checkFilter accepted (no errors left): what storage takes, so a store never parses
 * or re-checks a filter and compilers may assume every node is complete.
 */
export type CheckedFilter = FilterExpr & { readonly [checked]: true };

export type CheckResult = { ok: true; expr: CheckedFilter | null } | { ok: false; diagnostic: Diagnostic };

const CLAUSE_PREFIX = 'Invalid clause(s) in filter string: ';

/** MLflow lists every invalid clause in one message; fold our per-token diagnostics the same way. */
function firstSyntaxError(errors: Diagnostic[], text: string): Diagnostic {
  const first = errors[0];
  if (!first.message.startsWith(CLAUSE_PREFIX)) return first;
  const clauses = errors.filter((d) => d.message.startsWith(CLAUSE_PREFIX)).sort((a, b) => a.from - b.from);
  const seen = new Set<string>();
  const texts: string[] = [];
  for (const d of clauses) {
    const key = `${d.from}:${d.to}`;
    if (seen.has(key)) continue;
    seen.add(key);
    texts.push(d.from === d.to ? d.message.slice(CLAUSE_PREFIX.length + 1, -1) : text.slice(d.from, d.to));
  }
  return { ...clauses[0], message: invalidClauseMessage(texts) };
}

export function checkFilter(text: string, dialect: FilterDialect): CheckResult {
  const parsed = parseFilter(text, { dialect });
  const syntax = parsed.diagnostics.filter((d) => d.severity === 'error');
  if (syntax.length > 0) return { ok: false, diagnostic: firstSyntaxError(syntax, text) };
  const semantic = validateFilter(parsed.ast, { dialect }).filter((d) => d.severity === 'error');
  if (semantic.length > 0) return { ok: false, diagnostic: semantic[0] };
  return { ok: true, expr: parsed.ast as CheckedFilter | null };
}
