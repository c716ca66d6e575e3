// RLIKE patterns run on an RE2-class engine (linear time in the text, no backtracking), injected by
// the server. Python's `re`, which MLflow uses, also has constructs only a backtracking engine can
// run. This names the first such construct in a pattern, so validation refuses it with a clear
// message instead of the pattern silently matching nothing. Pure scanning: no regex engine here.

export interface UnsupportedRegex {
  /** What the construct is, for a person: "a backreference", "a lookahead", … */
  construct: string;
  /** The construct as written, e.g. `\1` or `(?=`. */
  text: string;
}

const GROUP_CONSTRUCTS: [prefix: string, construct: string][] = [
  ['(?=', 'a lookahead'],
  ['(?!', 'a negative lookahead'],
  ['(?<=', 'a lookbehind'],
  ['(?<!', 'a negative lookbehind'],
  ['(?P=', 'a backreference'],
  ['(?(', 'a conditional group'],
  ['(?>', 'an atomic group'],
];

/** Whether the quantifier ending at `end` (exclusive) is `{m}`, `{m,}`, `{,n}` or `{m,n}`. */
function endsWithCountedRepeat(pattern: string, end: number): boolean {
  return /\{(?:\d+|\d*,\d*)\}$/.test(pattern.slice(Math.max(0, end - 24), end));
}

/** The first construct of `pattern` that needs a backtracking engine (or RE2 otherwise lacks), or null. */
export function unsupportedRegex(pattern: string): UnsupportedRegex | null {
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const next = pattern[i + 1] ?? '';
      // Python reads `\1`–`\99` as group references outside a class; three octal digits are a character.
      if (!inClass && next >= '1' && next <= '9' && !/^[0-7]{3}/.test(pattern.slice(i + 1, i + 4))) {
        return { construct: 'a backreference', text: `\\${/^\d\d?/.exec(pattern.slice(i + 1))?.[0]}` };
      }
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      // A `]` first in the class (after an optional `^`) is a literal.
      if (pattern[i + 1] === '^') i++;
      if (pattern[i + 1] === ']') i++;
      continue;
    }
    if (c === '(' && pattern[i + 1] === '?') {
      for (const [prefix, construct] of GROUP_CONSTRUCTS) {
        if (pattern.startsWith(prefix, i)) return { construct, text: prefix };
      }
      const flags = /^\(\?([a-zA-Z]*)(?:-[a-zA-Z]*)?[:)]/.exec(pattern.slice(i, i + 16));
      if (flags && flags[0].includes('x')) return { construct: 'verbose mode', text: flags[0] };
      continue;
    }
    // `(?` was handled above, so a `?` here is a quantifier.
    const quantifier = c === '*' || c === '+' || c === '?' || (c === '}' && endsWithCountedRepeat(pattern, i + 1));
    if (quantifier && pattern[i + 1] === '+') return { construct: 'a possessive quantifier', text: `${c}+` };
  }
  return null;
}
