// What Enter does with the text in the bar: apply a filter (canonical text), open a pasted
// trace id, search free text, or refuse with the diagnostic that explains why.
import {
  ATTRIBUTE_KEYS,
  checkFilter,
  KEYWORDS,
  lexFilter,
  parseFilter,
  PREFIXES,
  printFilter,
  quoteValue,
  requiresExtended,
  type Diagnostic,
  type FilterDialect,
  type Token,
} from '../../core/filter/index.ts';

export type Interpretation =
  | { kind: 'filter'; text: string }
  /** Free text: `text` is the content-search filter; the flags say where it matches loosely. */
  | { kind: 'text'; text: string; wildcards: boolean; looseQuotes: boolean }
  | { kind: 'trace'; traceId: string }
  | { kind: 'invalid'; diagnostic: Diagnostic; needsExtended: boolean };

const TRACE_ID = /^tr-[0-9a-f]{8,64}$/i;
/** An OpenTelemetry trace id as other tools print it; MLflow's id is the same hex behind `tr-`. */
const OTEL_TRACE_ID = /^[0-9a-f]{32}$/i;

const PREFIX_WORDS = new Set(Object.keys(PREFIXES));
const ATTRIBUTE_WORDS = new Set<string>(ATTRIBUTE_KEYS);
const PATTERN_WORDS = new Set(['LIKE', 'ILIKE', 'RLIKE']);
const CLAUSE_STARTERS = new Set(['AND', 'OR', 'NOT']);
const KEYWORD_WORDS = new Set<string>(KEYWORDS);

// Field names are recognised case-insensitively: `Status = 'OK'` is a filter attempt whose
// diagnostic (invalid attribute key) is more useful than a content search for it.
const isPrefixed = (t: Token) =>
  t.kind === 'ident' && t.text.includes('.') && PREFIX_WORDS.has(t.text.slice(0, t.text.indexOf('.')).toLowerCase());
const isAttribute = (t: Token) => t.kind === 'ident' && ATTRIBUTE_WORDS.has(t.text.toLowerCase());
/** Any identifier that is not a keyword: `state`, `latency`, `env.x`, a backticked key. */
const isFieldLike = (t: Token) => t.kind === 'ident' && !(t.word !== undefined && KEYWORD_WORDS.has(t.word));

/** `IS [NOT] NULL` or `[NOT] IN (` starting at a, b, c. */
function fullShape(a: Token, b: Token | undefined, c: Token | undefined): boolean {
  if (a.word === 'IS') return b?.word === 'NULL' || (b?.word === 'NOT' && c?.word === 'NULL');
  if (a.word === 'IN') return b?.kind === 'lparen';
  return a.word === 'NOT' && b?.word === 'IN' && c?.kind === 'lparen';
}

/**
 * A comparison starts at `i`: anything shaped like one is a filter, known field or not, so that
 * `state = 'ERROR'` or `latency > 2000` gets the validator's diagnostic and a fix rather than a
 * text search that finds nothing. A word followed by a symbol comparator is one, or by LIKE /
 * ILIKE / RLIKE when the word is a known field or a quoted pattern follows, and so is IS / IN in their full shapes (`IS [NOT] NULL`, `[NOT] IN (`): "my name is
 * Bob" and "name in the logs" stay free text. After a known prefix (`tag.x`) any comparator
 * keyword counts, so a half-typed `tag.env is` is reported as the filter it is becoming.
 */
function comparisonAt(tokens: readonly Token[], i: number): boolean {
  const field = tokens[i];
  const [a, b, c] = [tokens[i + 1], tokens[i + 2], tokens[i + 3]];
  if (!a || !isFieldLike(field)) return false;
  if (a.kind === 'op') return true;
  const known = isPrefixed(field) || isAttribute(field);
  // "looks like a bug" is prose: after an unknown word, LIKE counts only before a quoted pattern.
  if (a.word !== undefined && PATTERN_WORDS.has(a.word)) return known || b?.kind === 'string';
  if (isPrefixed(field) && a.word !== undefined && ['IS', 'IN', 'NOT'].includes(a.word)) return true;
  return fullShape(a, b, c);
}

/** True when some clause (at the start, or after AND / OR / NOT / `(`) is a field and a comparator. */
function triesToBeFilter(tokens: readonly Token[]): boolean {
  return tokens.some((_, i) => {
    const previous = tokens[i - 1];
    const clauseStart =
      !previous || previous.kind === 'lparen' || (previous.word !== undefined && CLAUSE_STARTERS.has(previous.word));
    return clauseStart && comparisonAt(tokens, i);
  });
}

/**
 * The content search for free text. MLflow's filter strings have no escapes, so:
 * - span content is JSON, where a payload's `"` and `\` are stored escaped (once per encoding
 *   level), so a literal one would never match what the person sees: they become `%`. That also
 *   leaves no `"` in the value, so it always fits in double quotes when it holds a `'`;
 * - `%` and `_` cannot be escaped in LIKE here and stay wildcards (`wildcards` lets the bar say so).
 */
function textSearch(query: string, dialect: FilterDialect): Interpretation {
  const collapsed = query.trim().replace(/\s+/g, ' ');
  const pattern = `%${collapsed.replace(/["\\]+/g, '%')}%`.replace(/%{2,}/g, '%');
  const text = `trace.text ILIKE ${quoteValue(pattern)}`;
  // The one way this can still fail is length (8 KiB): say so rather than send it.
  const check = checkFilter(text, dialect);
  if (!check.ok)
    return { kind: 'invalid', diagnostic: { ...check.diagnostic, from: 0, to: query.length }, needsExtended: false };
  return { kind: 'text', text, wildcards: /[%_]/.test(collapsed), looseQuotes: /["\\]/.test(collapsed) };
}

export const EXTENDED_NEEDED =
  'This server accepts MLflow filters only (clauses joined by AND): OR, NOT and parentheses need a trace-explorer server.';

export function interpretInput(raw: string, dialect: FilterDialect): Interpretation {
  const text = raw.trim();
  if (text === '') return { kind: 'filter', text: '' };
  if (TRACE_ID.test(text)) return { kind: 'trace', traceId: text.toLowerCase() };
  if (OTEL_TRACE_ID.test(text)) return { kind: 'trace', traceId: `tr-${text.toLowerCase()}` };
  const check = checkFilter(text, dialect);
  if (check.ok) return { kind: 'filter', text: printFilter(check.expr) };
  const tokens = lexFilter(text);
  if (!triesToBeFilter(tokens)) {
    // A whole quoted phrase searches for the phrase, not for its quotes.
    const only = tokens.length === 1 ? tokens[0] : undefined;
    return textSearch(
      only?.kind === 'string' && only.terminated !== false && only.value !== undefined ? only.value : text,
      dialect,
    );
  }
  const needsExtended =
    dialect === 'mlflow' &&
    checkFilter(text, 'extended').ok &&
    requiresExtended(parseFilter(text, { dialect: 'extended' }).ast);
  return { kind: 'invalid', diagnostic: check.diagnostic, needsExtended };
}
