// Quoting for insertion and printing. MLflow processes no escapes, so a quote character can only
// appear inside a string as part of a doubled pair (kept verbatim). Keys get backticks unless
// they are plain identifiers; values prefer single quotes and switch to double quotes when the
// value holds a single quote.
import { KEYWORDS } from './vocabulary.ts';

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** True when every run of `q` in `s` has even length, so `q + s + q` lexes back to exactly `s`. */
function fitsIn(s: string, q: string): boolean {
  let run = 0;
  for (const c of s) {
    if (c === q) run++;
    else {
      if (run % 2 === 1) return false;
      run = 0;
    }
  }
  return run % 2 === 0;
}

/** False for the rare value MLflow's syntax cannot express: it holds a lone ' and a lone ". */
export function canQuoteValue(value: string): boolean {
  return fitsIn(value, "'") || fitsIn(value, '"');
}

/** Quotes a value for the filter text: 'v', or "v" when v contains a lone single quote. */
export function quoteValue(value: string): string {
  if (fitsIn(value, "'")) return `'${value}'`;
  if (fitsIn(value, '"')) return `"${value}"`;
  // Unrepresentable in MLflow's syntax (no escapes); best effort.
  return `'${value}'`;
}

/** True when a key can be written bare after a prefix (never a keyword, so `tag.and` stays unambiguous). */
export function isPlainKey(key: string): boolean {
  return PLAIN_KEY.test(key) && !(KEYWORDS as readonly string[]).includes(key.toUpperCase());
}

/** Quotes a key for use after `tag.` / `metadata.` / `span.attributes.` etc.: bare when plain, else backticks. */
export function quoteKey(key: string): string {
  if (isPlainKey(key)) return key;
  if (fitsIn(key, '`')) return `\`${key}\``;
  if (fitsIn(key, '"')) return `"${key}"`;
  return `'${key}'`;
}
