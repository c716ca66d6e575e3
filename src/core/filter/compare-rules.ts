// The comparison rules of the filter language, in one place. Three evaluators run a checked filter:
// the SQL compiler (src/server/storage/sql/compile-filter.ts), the reference evaluator
// (evaluate-filter.ts) and the metrics accelerator's column masks
// (src/server/storage/metrics-filter-mask.ts). The two in-memory ones call these functions; the
// SQL compiler builds its numeric comparisons from numericTest and relies on the dialect for the
// text rules documented here, and the differential test (filter-differential.test.ts) checks that
// all three select the same traces.
//
// The rules are SQLite's as MLflow's SQLite store runs them:
// - text compares by code point; NULL (a missing tag, an unknown duration) never matches;
// - LIKE: `%` any run, `_` one character, no escape character, case-sensitive; ILIKE folds ASCII
//   letters only (like-match.ts); RLIKE is an unanchored regular-expression search run by a caller-supplied
//   linear-time engine (RegexSearch; the server's is src/server/re2-search.ts);
// - a numeric attribute (integer milliseconds) compared with a quoted value uses the number the text
//   reads as (numericValue), or, for text that is not a number, sorts the text after every number;
// - a fractional bound on an integer column is rounded so the comparison keeps an integer parameter
//   (PostgreSQL would reject 2.5 as bigint): `= 2.5` matches nothing, `!= 2.5` every non-NULL value.
import type { Comparator, ValueNode } from './ast.ts';
import { sqlLike } from './like-match.ts';

/**
 * RLIKE's search: true when `pattern` occurs in `text` (unanchored, like Python's re.search). Core
 * holds no regex engine: the caller supplies a linear-time one (the server's is src/server/re2-search.ts),
 * because a backtracking engine lets one pattern stall the process.
 */
export type RegexSearch = (pattern: string, text: string) => boolean;

// SQLite's test for text that NUMERIC affinity turns into a number (what MLflow's SQLite store does
// to a quoted value compared with an integer column): ASCII white space around a decimal literal,
// no hex, no `Infinity`, no digit separators. `1e400` is a number (infinity), as in SQLite.
const SQLITE_NUMERIC_TEXT = /^[ \t\n\v\f\r]*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)[ \t\n\v\f\r]*$/;

/**
 * The number a numeric attribute's quoted value compares as, or null when SQLite would keep it as
 * text (`'abc'`, `'0x64'`, `''`): text sorts after every number, so such a value matches `!=`, `<`
 * and `<=` (on a non-NULL attribute) and never `=`, `>` or `>=`.
 */
export function numericValue(s: string): number | null {
  const m = SQLITE_NUMERIC_TEXT.exec(s);
  return m === null ? null : Number(m[1]);
}

/** Whether a non-NULL number compares `op` against a value SQLite keeps as text (text is above every number). */
function numberHoldsAgainstText(op: string): boolean {
  return op === '!=' || op === '<' || op === '<=';
}

export type OrderComparator = '=' | '!=' | '<' | '<=' | '>' | '>=';

/**
 * A comparison of an integer-millisecond attribute after the rules above: nothing matches, every
 * non-NULL value matches, or `value <op> bound` with an integer (or infinite) bound.
 */
export type NumericTest =
  { kind: 'none' } | { kind: 'present' } | { kind: 'compare'; op: OrderComparator; bound: number };

export function isOrderComparator(op: Comparator): op is OrderComparator {
  return op === '=' || op === '!=' || op === '<' || op === '<=' || op === '>' || op === '>=';
}

/** `<integer column> <op> <raw>` reduced to one NumericTest (raw is the written number or quoted text). */
export function numericTest(op: OrderComparator, raw: string | number): NumericTest {
  const n = typeof raw === 'number' ? raw : numericValue(raw);
  if (n === null) return numberHoldsAgainstText(op) ? { kind: 'present' } : { kind: 'none' };
  if (Number.isInteger(n) || !Number.isFinite(n)) return { kind: 'compare', op, bound: n };
  if (op === '=') return { kind: 'none' };
  if (op === '!=') return { kind: 'present' };
  return { kind: 'compare', op, bound: op === '>' || op === '<=' ? Math.floor(n) : Math.ceil(n) };
}

/** Whether a non-NULL number passes a NumericTest. */
export function numberPasses(x: number, t: NumericTest): boolean {
  if (t.kind !== 'compare') return t.kind === 'present';
  return orderHolds(x, t.op, t.bound);
}

function orderHolds<T extends string | number>(x: T, op: OrderComparator, v: T): boolean {
  switch (op) {
    case '=':
      return x === v;
    case '!=':
      return x !== v;
    case '<':
      return x < v;
    case '<=':
      return x <= v;
    case '>':
      return x > v;
    case '>=':
      return x >= v;
  }
}

function invalid(): never {
  throw new Error('compare-rules: the filter has errors; call checkFilter first');
}

/** The scalar of a checked comparison (a written number or quoted text). */
export function scalarOf(v: ValueNode | null): string | number {
  if (v === null || v.type === 'list' || v.type === 'word') return invalid();
  return v.value;
}

/** The items of a checked IN list (quoted text only). */
export function listOf(v: ValueNode | null): string[] {
  if (v === null || v.type !== 'list') return invalid();
  return v.items.map((i) => (i.type === 'string' ? i.value : invalid()));
}

/**
 * `<text> <op> <value>` for a text field (status, ids, tag and metadata values, span columns,
 * span attributes, assessment values): NULL never matches. IS NULL / IS NOT NULL are the caller's,
 * because what "absent" means depends on the field.
 */
export function textHolds(x: string | null, op: Comparator, value: ValueNode | null, regex: RegexSearch): boolean {
  if (x === null) return false;
  switch (op) {
    case 'IN':
      return listOf(value).includes(x);
    case 'NOT IN':
      return !listOf(value).includes(x);
    case 'LIKE':
      return sqlLike(x, String(scalarOf(value)));
    case 'ILIKE':
      return sqlLike(x, String(scalarOf(value)), true);
    case 'RLIKE':
      return regex(String(scalarOf(value)), x);
    default:
      if (!isOrderComparator(op)) return invalid();
      return orderHolds(x, op, String(scalarOf(value)));
  }
}

/**
 * The stored forms an assessment's `=` / `!=` value matches: the value column holds JSON text, so
 * 'true' matches true, '5' matches 5 and 'high' matches "high".
 */
export function assessmentValueForms(raw: string | number): [string, string] {
  const text = String(raw);
  return [text, JSON.stringify(text)];
}
