// SQL LIKE as the SQLite store runs it: `%` any run, `_` one character (code point), no escape
// character, case-sensitive (PRAGMA case_sensitive_like = ON). ILIKE lowers ASCII letters on
// both sides, exactly like SQLite's LOWER().

const MAX_CACHE = 512;
const cache = new Map<string, RegExp>();

function likeRegex(pattern: string): RegExp {
  const hit = cache.get(pattern);
  if (hit) return hit;
  let src = '^';
  for (const ch of pattern) {
    if (ch === '%') src += '.*';
    else if (ch === '_') src += '.';
    else src += ch.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
  }
  const re = new RegExp(`${src}$`, 'su');
  if (cache.size >= MAX_CACHE) cache.clear();
  cache.set(pattern, re);
  return re;
}

export function asciiLower(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

export function sqlLike(text: string, pattern: string, caseInsensitive = false): boolean {
  return caseInsensitive ? likeRegex(asciiLower(pattern)).test(asciiLower(text)) : likeRegex(pattern).test(text);
}
