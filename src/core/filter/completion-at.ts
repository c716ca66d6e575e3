// What is at the cursor, for the search bar's autocomplete. Pure: it fetches nothing; the UI maps
// each context to suggestions (prefixes and attribute keys from vocabulary.ts, tag / metadata keys
// and values from the server) and replaces [from, to) with the chosen text (see quote.ts).
// It runs a small state machine over the tokens before the cursor, so it works on text the
// parser would reject.
import type { Comparator, FieldRef, FilterDialect } from './ast.ts';
import { comparatorsFor } from './comparators-for.ts';
import { lexFilter, type Token } from './lexer.ts';
import { resolveField } from './resolve-field.ts';

interface Replace {
  /** Range to replace with the suggestion. */
  from: number;
  to: number;
  /** What has been typed of the thing at the cursor (quotes and backticks removed), for prefix matching. */
  partial: string;
}

export type CompletionContext =
  /** Start of a condition: suggest prefixes (`tag.`, `metadata.` …), bare attribute keys, and NOT / ( in extended. */
  | ({ kind: 'prefix' } & Replace)
  /** After a prefix: the key. `prefix` is as written (`tags`, `request_metadata`, …). */
  | ({
      kind: 'attribute-key' | 'tag-key' | 'metadata-key' | 'span-key' | 'span-attribute-key' | 'issue-key';
      prefix: string;
    } & Replace)
  | ({ kind: 'assessment-name'; prefix: string; assessment: 'feedback' | 'expectation' } & Replace)
  /** After a field: its comparators (all of them when the field is invalid). */
  | ({ kind: 'operator'; field: FieldRef | null; comparators: readonly Comparator[] } & Replace)
  /** A value for `field`; `quote` is the quote already typed, `inList` inside IN ( … ). */
  | ({ kind: 'value'; field: FieldRef; comparator: Comparator; quote: "'" | '"' | null; inList: boolean } & Replace)
  /** Keywords that may follow, e.g. AND / OR / ) after a condition, NULL after IS. */
  | ({ kind: 'keyword'; keywords: readonly string[] } & Replace)
  /** Nothing useful to suggest (inside an invalid field, after junk). */
  | ({ kind: 'none' } & Replace);

export interface CompletionOptions {
  dialect?: FilterDialect;
}

type State =
  | { s: 'start' }
  | { s: 'field'; field: Token }
  | { s: 'op'; field: Token; op: Comparator }
  | { s: 'in'; field: Token; op: Comparator }
  | { s: 'list'; field: Token; op: Comparator; afterItem: boolean }
  | { s: 'not' | 'is' | 'is-not'; field: Token }
  | { s: 'value' }
  | { s: 'junk' };

const word = (t: Token): string | undefined => (t.kind === 'ident' ? t.word : undefined);
const OP_WORDS = new Set(['LIKE', 'ILIKE', 'RLIKE']);
const NON_FIELD = new Set(['AND', 'OR', 'NOT', 'IS', 'NULL', 'LIKE', 'ILIKE', 'RLIKE', 'IN']);

function step(state: State, t: Token): State {
  const w = word(t);
  if (w === 'AND' || w === 'OR') return state.s === 'list' ? { s: 'junk' } : { s: 'start' };
  switch (state.s) {
    case 'start':
      if (w === 'NOT' || t.kind === 'lparen') return state;
      if ((t.kind === 'ident' && !(w !== undefined && NON_FIELD.has(w))) || (t.kind === 'string' && t.quote === '"'))
        return { s: 'field', field: t };
      return { s: 'junk' };
    case 'field':
      if (t.kind === 'op') return { s: 'op', field: state.field, op: t.text as Comparator };
      if (w !== undefined && OP_WORDS.has(w)) return { s: 'op', field: state.field, op: w as Comparator };
      if (w === 'IN') return { s: 'in', field: state.field, op: 'IN' };
      if (w === 'NOT') return { s: 'not', field: state.field };
      if (w === 'IS') return { s: 'is', field: state.field };
      return { s: 'junk' };
    case 'not':
      return w === 'IN' ? { s: 'in', field: state.field, op: 'NOT IN' } : { s: 'junk' };
    case 'is':
      return w === 'NOT' ? { s: 'is-not', field: state.field } : w === 'NULL' ? { s: 'value' } : { s: 'junk' };
    case 'is-not':
      return w === 'NULL' ? { s: 'value' } : { s: 'junk' };
    case 'op':
      if (t.kind === 'lparen') return { s: 'list', field: state.field, op: state.op, afterItem: false };
      return t.kind === 'string' || t.kind === 'number' || t.kind === 'ident' ? { s: 'value' } : { s: 'junk' };
    case 'in':
      return t.kind === 'lparen' ? { s: 'list', field: state.field, op: state.op, afterItem: false } : { s: 'junk' };
    case 'list':
      if (t.kind === 'rparen') return { s: 'value' };
      if (!state.afterItem && (t.kind === 'string' || t.kind === 'number')) return { ...state, afterItem: true };
      if (state.afterItem && t.kind === 'comma') return { ...state, afterItem: false };
      return { s: 'junk' };
    case 'value':
      if (t.kind === 'rparen') return state;
      if (t.kind === 'ident' && !(w !== undefined && NON_FIELD.has(w))) return { s: 'field', field: t };
      return { s: 'junk' };
    case 'junk':
      return state;
  }
}

/** The token the cursor is typing into, if any. A closed string or a complete operator is not "being typed". */
function partialToken(tokens: Token[], cursor: number): Token | undefined {
  return tokens.find((t) => {
    if (!(t.from < cursor && cursor <= t.to)) return false;
    if (cursor < t.to) return true;
    if (t.kind === 'string') return t.terminated === false;
    return t.kind === 'ident' || t.kind === 'number' || t.kind === 'unknown';
  });
}

const KEY_KIND: Readonly<
  Record<string, 'attribute-key' | 'tag-key' | 'metadata-key' | 'span-key' | 'issue-key' | 'feedback' | 'expectation'>
> = {
  attribute: 'attribute-key',
  attributes: 'attribute-key',
  trace: 'attribute-key',
  tag: 'tag-key',
  tags: 'tag-key',
  metadata: 'metadata-key',
  request_metadata: 'metadata-key',
  span: 'span-key',
  issue: 'issue-key',
  feedback: 'feedback',
  expectation: 'expectation',
};

const unquote = (s: string): string => s.replace(/^[`'"]/, '');

function identifierContext(text: string, cursor: number, t: Token | undefined): CompletionContext {
  if (t === undefined) return { kind: 'prefix', from: cursor, to: cursor, partial: '' };
  const raw = text.slice(t.from, t.to);
  const dot = raw.indexOf('.');
  if (dot < 0 || t.from + dot >= cursor)
    return { kind: 'prefix', from: t.from, to: t.to, partial: unquote(text.slice(t.from, cursor)) };
  const prefix = raw.slice(0, dot);
  const kind = Object.hasOwn(KEY_KIND, prefix) ? KEY_KIND[prefix] : undefined;
  let from = t.from + dot + 1;
  if (kind === undefined) return { kind: 'none', from: t.from, to: t.to, partial: text.slice(t.from, cursor) };
  if (kind === 'feedback' || kind === 'expectation') {
    return {
      kind: 'assessment-name',
      assessment: kind,
      prefix,
      from,
      to: t.to,
      partial: unquote(text.slice(from, cursor)),
    };
  }
  if (kind === 'span-key' && text.startsWith('attributes.', from) && cursor >= from + 'attributes.'.length) {
    from += 'attributes.'.length;
    return { kind: 'span-attribute-key', prefix, from, to: t.to, partial: unquote(text.slice(from, cursor)) };
  }
  return { kind, prefix, from, to: t.to, partial: unquote(text.slice(from, cursor)) };
}

function fieldOf(t: Token): FieldRef | null {
  const r = resolveField(t.text);
  return r.ok ? r.ref : null;
}

/** The completion context at `cursor` (a character offset into `text`). */
export function completionAt(text: string, cursor: number, options: CompletionOptions = {}): CompletionContext {
  const dialect = options.dialect ?? 'extended';
  const at = Math.max(0, Math.min(cursor, text.length));
  const tokens = lexFilter(text);
  const partial = partialToken(tokens, at);
  const start = partial?.from ?? at;
  let state: State = { s: 'start' };
  let open = 0;
  for (const t of tokens) {
    if (t.to > start) break;
    if (t.kind === 'lparen' && state.s !== 'op' && state.s !== 'in') open++;
    if (t.kind === 'rparen' && state.s !== 'list') open = Math.max(0, open - 1);
    state = step(state, t);
  }
  const range = partial ? { from: partial.from, to: partial.to } : { from: at, to: at };
  const typed = partial ? text.slice(partial.from, at) : '';
  switch (state.s) {
    case 'start':
      return identifierContext(text, at, partial?.kind === 'ident' || partial?.kind === 'string' ? partial : undefined);
    case 'field': {
      const field = fieldOf(state.field);
      const comparators = field ? comparatorsFor(field, dialect) : comparatorsFor({ kind: 'tag', key: '' }, dialect);
      return { kind: 'operator', field, comparators, ...range, partial: typed };
    }
    case 'op':
    case 'list': {
      const field = fieldOf(state.field);
      if (field === null) return { kind: 'none', ...range, partial: typed };
      const quote = partial?.kind === 'string' ? (partial.quote ?? null) : null;
      return {
        kind: 'value',
        field,
        comparator: state.op,
        quote,
        inList: state.s === 'list',
        ...range,
        partial: quote ? typed.slice(1) : typed,
      };
    }
    case 'in':
      return { kind: 'keyword', keywords: ['('], ...range, partial: typed };
    case 'not':
      return { kind: 'keyword', keywords: ['IN'], ...range, partial: typed };
    case 'is':
      return { kind: 'keyword', keywords: ['NULL', 'NOT NULL'], ...range, partial: typed };
    case 'is-not':
      return { kind: 'keyword', keywords: ['NULL'], ...range, partial: typed };
    case 'value': {
      const keywords = dialect === 'extended' ? ['AND', 'OR', ...(open > 0 ? [')'] : [])] : ['AND'];
      return { kind: 'keyword', keywords, ...range, partial: typed };
    }
    case 'junk':
      return { kind: 'none', ...range, partial: typed };
  }
}
