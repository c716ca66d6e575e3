// RLIKE is an unanchored regular-expression search (Python's re.search in MLflow's SQLite store).
// One implementation serves the SQLite function and the in-memory evaluator, so both agree.
// Python-only syntax that JavaScript spells differently is translated: named groups
// `(?P<n>...)` / `(?P=n)` and leading inline flags such as `(?i)`. A pattern that still does not
// compile matches nothing, as in MLflow.

const MAX_CACHE = 512;
const cache = new Map<string, RegExp | null>();

function translate(pattern: string): { source: string; flags: string } {
  let source = pattern;
  let flags = '';
  const lead = /^\(\?([imsx]+)\)/.exec(source);
  if (lead && !lead[1].includes('x')) {
    flags = [...new Set(lead[1])].join('');
    source = source.slice(lead[0].length);
  }
  source = source.replace(/\(\?P</g, '(?<').replace(/\(\?P=(\w+)\)/g, '\\k<$1>');
  return { source, flags };
}

export function compileSearchRegex(pattern: string): RegExp | null {
  const hit = cache.get(pattern);
  if (hit !== undefined) return hit;
  const { source, flags } = translate(pattern);
  let re: RegExp | null = null;
  try {
    // Unicode mode matches Python's code-point semantics; fall back for patterns it rejects (e.g. `\-`).
    re = new RegExp(source, `${flags}u`);
  } catch {
    try {
      re = new RegExp(source, flags);
    } catch {
      re = null;
    }
  }
  if (cache.size >= MAX_CACHE) cache.clear();
  cache.set(pattern, re);
  return re;
}

export function regexSearch(pattern: string, text: string): boolean {
  const re = compileSearchRegex(pattern);
  return re !== null && re.test(text);
}
