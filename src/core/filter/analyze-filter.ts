import type { ParseOptions, ParseResult } from './parse-filter.ts';
import { parseFilter } from './parse-filter.ts';
import { validateFilter } from './validate-filter.ts';

/** Parse and validate in one go: every diagnostic, syntax first, for squiggles in the search bar. */
export function analyzeFilter(text: string, options: ParseOptions = {}): ParseResult {
  const parsed = parseFilter(text, options);
  if (parsed.ast === null) return parsed;
  return { ast: parsed.ast, diagnostics: [...parsed.diagnostics, ...validateFilter(parsed.ast, options)] };
}
