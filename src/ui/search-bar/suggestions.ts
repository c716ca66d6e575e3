// Maps the filter library's "what is at the cursor" (completionAt) to menu entries. Insert texts
// are complete and quoted, so accepting one never leaves the person to fix backticks or quotes.
import {
  quoteKey,
  quoteValue,
  SPAN_KEYS,
  SPAN_STATUS_VALUES,
  SUGGESTED_PREFIXES,
  TRACE_STATUS_VALUES,
  type CompletionContext,
  type FilterDialect,
  type FilterFacts,
} from '../../core/filter/index.ts';
import type { KeyKind } from '../../core/model.ts';

export interface Suggestion {
  /** What the menu shows. */
  label: string;
  /** Replaces [from, to) in the text. */
  insert: string;
  from: number;
  to: number;
  /** Secondary text (kind, count). */
  detail?: string;
}

export interface Catalog {
  keys: readonly { kind: KeyKind; key: string; count: number }[];
  /** Observed values for the field at the cursor, most frequent first. */
  values: readonly { value: string; count: number }[];
  /** Span types and names, feedback and expectation names seen in the experiment. */
  facts?: FilterFacts;
}

const ATTRIBUTES = [
  'status',
  'name',
  'execution_time_ms',
  'timestamp_ms',
  'request_id',
  'client_request_id',
  'run_id',
  'end_time_ms',
] as const;
const MAX = 30;

const starts = (candidate: string, partial: string) => candidate.toLowerCase().startsWith(partial.toLowerCase());
/** Keys match on any segment, so `user` finds `mlflow.trace.user`. */
const matchesKey = (key: string, partial: string) =>
  partial === '' || key.toLowerCase().includes(partial.toLowerCase());
/** The app's own keys (environment, app_version…) before MLflow's bookkeeping keys (mlflow.*). */
const byUsefulness = (keys: Catalog['keys']) =>
  [...keys].sort((a, b) => Number(a.key.startsWith('mlflow.')) - Number(b.key.startsWith('mlflow.')));
const traces = (count: number) => `${count.toLocaleString()} traces`;

function prefixSuggestions(
  c: Extract<CompletionContext, { kind: 'prefix' }>,
  catalog: Catalog,
  dialect: FilterDialect,
): Suggestion[] {
  const { from, to, partial } = c;
  const out: Suggestion[] = [];
  for (const key of ATTRIBUTES)
    if (starts(key, partial)) out.push({ label: key, insert: `${key} `, from, to, detail: 'attribute' });
  if (starts('trace.text', partial) || starts('text', partial))
    out.push({ label: 'trace.text', insert: 'trace.text ', from, to, detail: 'full text' });
  for (const prefix of SUGGESTED_PREFIXES) {
    if (prefix !== 'trace' && starts(prefix, partial))
      out.push({ label: `${prefix}.`, insert: `${prefix}.`, from, to, detail: 'prefix' });
  }
  // Typing a bare key name finds catalog keys too: `env` → metadata.environment.
  if (partial.length >= 2) {
    for (const k of byUsefulness(catalog.keys)) {
      if (out.length >= MAX) break;
      if (matchesKey(k.key, partial))
        out.push({
          label: `${k.kind}.${k.key}`,
          insert: `${k.kind}.${quoteKey(k.key)} `,
          from,
          to,
          detail: traces(k.count),
        });
    }
  }
  if (dialect === 'extended' && partial !== '' && starts('NOT', partial))
    out.push({ label: 'NOT', insert: 'NOT ', from, to, detail: 'keyword' });
  return out;
}

function valueSuggestions(c: Extract<CompletionContext, { kind: 'value' }>, catalog: Catalog): Suggestion[] {
  const { from, to, partial, field } = c;
  const end = c.inList ? '' : ' ';
  if (c.comparator === 'LIKE' || c.comparator === 'ILIKE') {
    return [{ label: `'%${partial}%'`, insert: `${quoteValue(`%${partial}%`)}${end}`, from, to, detail: 'contains' }];
  }
  let values: readonly string[] = [];
  if (field.kind === 'attribute' && field.key === 'status') values = TRACE_STATUS_VALUES;
  else if (field.kind === 'span' && field.key === 'status') values = SPAN_STATUS_VALUES;
  else if (field.kind === 'span' && field.key === 'type') values = catalog.facts?.spanTypes ?? [];
  else if (field.kind === 'span' && field.key === 'name') values = catalog.facts?.spanNames ?? [];
  else if (field.kind === 'tag' || field.kind === 'metadata') values = catalog.values.map((v) => v.value);
  else if (field.kind === 'feedback') values = ['true', 'false'];
  const counts = new Map(catalog.values.map((v) => [v.value, v.count]));
  return values
    .filter((v) => starts(v, partial))
    .slice(0, MAX)
    .map((v) => {
      const count = counts.get(v);
      return {
        label: v,
        insert: `${quoteValue(v)}${end}`,
        from,
        to,
        detail: count === undefined ? undefined : traces(count),
      };
    });
}

export function suggestionsFor(c: CompletionContext, catalog: Catalog, dialect: FilterDialect): Suggestion[] {
  const { from, to, partial } = c;
  switch (c.kind) {
    case 'prefix':
      return prefixSuggestions(c, catalog, dialect);
    case 'attribute-key':
      return [...ATTRIBUTES, 'text']
        .filter((k) => starts(k, partial))
        .map((k) => ({ label: `${c.prefix}.${k}`, insert: `${k} `, from, to }));
    case 'tag-key':
    case 'metadata-key': {
      const kind: KeyKind = c.kind === 'tag-key' ? 'tag' : 'metadata';
      return byUsefulness(catalog.keys)
        .filter((k) => k.kind === kind && matchesKey(k.key, partial))
        .slice(0, MAX)
        .map((k) => ({
          label: `${c.prefix}.${k.key}`,
          insert: `${quoteKey(k.key)} `,
          from,
          to,
          detail: traces(k.count),
        }));
    }
    case 'span-key':
      return SPAN_KEYS.filter((k) => starts(k, partial)).map((k) => ({
        label: `${c.prefix}.${k}`,
        insert: k === 'attributes.' ? k : `${k} `,
        from,
        to,
      }));
    case 'issue-key':
      return starts('id', partial) ? [{ label: `${c.prefix}.id`, insert: 'id ', from, to }] : [];
    case 'assessment-name': {
      const names =
        (c.assessment === 'feedback' ? catalog.facts?.feedbackNames : catalog.facts?.expectationNames) ?? [];
      return names
        .filter((name) => matchesKey(name, partial))
        .slice(0, MAX)
        .map((name) => ({
          label: `${c.prefix}.${name}`,
          insert: `${quoteKey(name)} `,
          from,
          to,
          detail: c.assessment,
        }));
    }
    case 'span-attribute-key':
      return [];
    case 'operator':
      return c.comparators
        .filter((op) => starts(op, partial))
        .map((op) => ({ label: op, insert: op === 'IN' || op === 'NOT IN' ? `${op} (` : `${op} `, from, to }));
    case 'value':
      return valueSuggestions(c, catalog);
    case 'keyword':
      return c.keywords.filter((w) => starts(w, partial)).map((w) => ({ label: w, insert: `${w} `, from, to }));
    case 'none':
      return [];
  }
}

/**
 * The tag/metadata key whose observed values the menu needs, if the cursor is in such a value, and
 * the typed part to ask the server for (so rare values beyond the most frequent ones complete).
 * LIKE / ILIKE offer a pattern, not values.
 */
export function valueKeyAt(c: CompletionContext): { kind: KeyKind; key: string; prefix: string } | null {
  if (c.kind !== 'value' || c.comparator === 'LIKE' || c.comparator === 'ILIKE') return null;
  if (c.field.kind === 'tag' || c.field.kind === 'metadata')
    return { kind: c.field.kind, key: c.field.key, prefix: c.partial };
  return null;
}

/**
 * The most frequent values (matched case-insensitively by the menu) and the server's answer for the
 * typed prefix (case-sensitive, but reaching values outside the top ones), most frequent first.
 */
export function mergeValues(
  top: Catalog['values'] | undefined,
  prefixed: Catalog['values'] | undefined,
): Catalog['values'] {
  if (!prefixed || prefixed.length === 0) return top ?? [];
  const seen = new Set(prefixed.map((v) => v.value));
  return [...prefixed, ...(top ?? []).filter((v) => !seen.has(v.value))].sort((a, b) => b.count - a.count);
}
