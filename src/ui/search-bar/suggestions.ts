// Maps "what is at the cursor" to menu entries. Insert texts are complete and quoted, so
// accepting one never leaves the person to fix backticks or quotes by hand.
import type { FilterDialect } from '../../core/filter/ast.ts';
import { comparatorsFor } from '../../core/filter/comparators-for.ts';
import { quoteKey, quoteValue } from '../../core/filter/quote.ts';
import { SPAN_KEYS, SUGGESTED_PREFIXES, TRACE_STATUS_VALUES } from '../../core/filter/vocabulary.ts';
import type { KeyKind } from '../../core/model.ts';
import type { CursorSituation } from './cursor-situation.ts';

export interface Suggestion {
  /** What the menu shows. */
  label: string;
  /** Replaces [from, to) in the text. */
  insert: string;
  from: number;
  to: number;
  /** Secondary text (kind, count). */
  detail?: string;
  /** Keep the menu open after accepting (e.g. after `tag.`, keys follow). */
  continues?: boolean;
}

export interface Catalog {
  keys: readonly { kind: KeyKind; key: string; count: number }[];
  /** Observed values for the field at the cursor, most frequent first. */
  values: readonly { value: string; count: number }[];
}

const ATTRIBUTES = ['status', 'name', 'execution_time_ms', 'timestamp_ms', 'request_id', 'client_request_id', 'run_id', 'end_time_ms'] as const;
const MAX = 30;

const starts = (candidate: string, partial: string) => candidate.toLowerCase().startsWith(partial.toLowerCase());
/** Keys match on any segment, so `user` finds `mlflow.trace.user`. */
const matchesKey = (key: string, partial: string) => partial === '' || key.toLowerCase().includes(partial.toLowerCase());

/** The app's own keys (environment, app_version…) before MLflow's bookkeeping keys (mlflow.*). */
const byUsefulness = (keys: Catalog['keys']) => [...keys].sort((a, b) => Number(a.key.startsWith('mlflow.')) - Number(b.key.startsWith('mlflow.')));

function fieldSuggestions(s: Extract<CursorSituation, { kind: 'field' }>, catalog: Catalog, dialect: FilterDialect): Suggestion[] {
  const { from, to, partial } = s;
  const keys = byUsefulness(catalog.keys);
  const dot = partial.indexOf('.');
  if (dot >= 0) {
    const prefix = partial.slice(0, dot);
    const typedKey = partial.slice(dot + 1).replace(/^[`'"]|[`'"]$/g, '');
    if (prefix === 'tag' || prefix === 'tags' || prefix === 'metadata' || prefix === 'request_metadata') {
      const kind: KeyKind = prefix.startsWith('tag') ? 'tag' : 'metadata';
      return keys
        .filter((k) => k.kind === kind && matchesKey(k.key, typedKey))
        .slice(0, MAX)
        .map((k) => ({ label: `${prefix}.${k.key}`, insert: `${prefix}.${quoteKey(k.key)} `, from, to, detail: `${k.count.toLocaleString()} traces` }));
    }
    if (prefix === 'span') {
      return SPAN_KEYS.filter((k) => starts(k, typedKey)).map((k) => ({
        label: `span.${k}`,
        insert: k === 'attributes.' ? 'span.attributes.' : `span.${k} `,
        from,
        to,
        continues: k === 'attributes.',
      }));
    }
    if (prefix === 'trace' || prefix === 'attribute' || prefix === 'attributes') {
      return [...ATTRIBUTES, 'text']
        .filter((k) => starts(k, typedKey))
        .map((k) => ({ label: `${prefix}.${k}`, insert: `${prefix}.${k} `, from, to }));
    }
    return [];
  }
  const out: Suggestion[] = [];
  for (const key of ATTRIBUTES) if (starts(key, partial)) out.push({ label: key, insert: `${key} `, from, to, detail: 'attribute' });
  if (starts('trace.text', partial) || starts('text', partial)) out.push({ label: 'trace.text', insert: 'trace.text ', from, to, detail: 'full text' });
  for (const prefix of SUGGESTED_PREFIXES) {
    if (prefix !== 'trace' && starts(prefix, partial)) out.push({ label: `${prefix}.`, insert: `${prefix}.`, from, to, detail: 'prefix', continues: true });
  }
  // Typing a bare key name finds catalog keys too: `env` → metadata.environment.
  if (partial.length >= 2) {
    for (const k of keys) {
      if (out.length >= MAX) break;
      if (matchesKey(k.key, partial)) out.push({ label: `${k.kind}.${k.key}`, insert: `${k.kind}.${quoteKey(k.key)} `, from, to, detail: `${k.count.toLocaleString()} traces` });
    }
  }
  if (dialect === 'extended' && starts('NOT', partial) && partial !== '') out.push({ label: 'NOT', insert: 'NOT ', from, to, detail: 'keyword' });
  return out;
}

function operatorSuggestions(s: Extract<CursorSituation, { kind: 'operator' }>, dialect: FilterDialect): Suggestion[] {
  if (!s.ref) return [];
  return comparatorsFor(s.ref, dialect)
    .filter((op) => starts(op, s.partial))
    .map((op) => ({ label: op, insert: op.endsWith('NULL') ? `${op} ` : op === 'IN' || op === 'NOT IN' ? `${op} (` : `${op} `, from: s.from, to: s.to }));
}

function valueSuggestions(s: Extract<CursorSituation, { kind: 'value' }>, catalog: Catalog): Suggestion[] {
  const { from, to, partial, ref } = s;
  if (!ref) return [];
  if (s.op === 'LIKE' || s.op === 'ILIKE') {
    return [{ label: `'%${partial}%'`, insert: `${quoteValue(`%${partial}%`)} `, from, to, detail: 'contains' }];
  }
  let values: readonly string[] = [];
  if (ref.kind === 'attribute' && ref.key === 'status') values = TRACE_STATUS_VALUES;
  else if (ref.kind === 'span' && ref.key === 'status') values = ['OK', 'ERROR', 'UNSET'];
  else if (ref.kind === 'tag' || ref.kind === 'metadata') values = catalog.values.map((v) => v.value);
  else if (ref.kind === 'feedback') values = ['true', 'false'];
  const counts = new Map(catalog.values.map((v) => [v.value, v.count]));
  return values
    .filter((v) => starts(v, partial))
    .slice(0, MAX)
    .map((v) => ({ label: v, insert: `${quoteValue(v)} `, from, to, detail: counts.has(v) ? `${counts.get(v)!.toLocaleString()} traces` : undefined }));
}

export function suggestionsFor(s: CursorSituation, catalog: Catalog, dialect: FilterDialect): Suggestion[] {
  switch (s.kind) {
    case 'field':
      return fieldSuggestions(s, catalog, dialect);
    case 'operator':
      return operatorSuggestions(s, dialect);
    case 'value':
      return valueSuggestions(s, catalog);
    case 'connective': {
      const words = dialect === 'extended' ? ['AND', 'OR'] : ['AND'];
      return words.filter((w) => starts(w, s.partial)).map((w) => ({ label: w, insert: `${w} `, from: s.from, to: s.to, continues: true }));
    }
    case 'none':
      return [];
  }
}

/** The tag/metadata key whose values the menu needs, if the cursor is in such a value. */
export function valueKeyAt(s: CursorSituation): { kind: KeyKind; key: string; prefix: string } | null {
  if (s.kind !== 'value' || !s.ref) return null;
  if (s.ref.kind === 'tag' || s.ref.kind === 'metadata') return { kind: s.ref.kind, key: s.ref.key, prefix: s.partial };
  return null;
}
