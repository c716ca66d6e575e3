// RLIKE's engine: RE2 semantics (re2js, pure JavaScript), so matching is linear in the text and no
// pattern can stall the event loop the way a backtracking engine can (`^(a|a)*$` on `aaa…a!`).
// One implementation serves the SQLite `regexp()` function and the reference evaluator's tests, so
// both agree. Constructs RE2 lacks are refused earlier, by filter validation (core/filter/unsupported-regex.ts).
import { RE2JS } from 're2js';

/** Distinct patterns kept compiled. A query compiles each of its patterns once; the cap bounds memory. */
const MAX_CACHE = 256;
const cache = new Map<string, RE2JS | null>();

/**
 * Python spellings RE2 writes differently: `\Z` (end of text) is RE2's `\z`. Named groups
 * `(?P<n>…)` and inline flags (`(?i)`, `(?s)`, `(?m)`) are RE2 syntax already.
 */
function translate(pattern: string): string {
  return pattern.replace(/\\(.)/gs, (escape: string, ch: string) => (ch === 'Z' ? '\\z' : escape));
}

/** The compiled pattern, or null when RE2 cannot parse it (it then matches nothing, like an invalid pattern in MLflow). */
function compileRe2(pattern: string): RE2JS | null {
  const hit = cache.get(pattern);
  if (hit !== undefined) return hit;
  let re: RE2JS | null;
  try {
    re = RE2JS.compile(translate(pattern));
  } catch {
    re = null;
  }
  // Oldest entry out first: a Map iterates in insertion order.
  if (cache.size >= MAX_CACHE) cache.delete(cache.keys().next().value as string);
  cache.set(pattern, re);
  return re;
}

/** RLIKE: an unanchored search of `pattern` in `text` (Python's re.search); an invalid pattern matches nothing. */
export function re2Search(pattern: string, text: string): boolean {
  const re = compileRe2(pattern);
  return re !== null && re.test(text);
}
