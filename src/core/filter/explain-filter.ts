// The search bar's diagnostics: every diagnostic of analyzeFilter, plus what only the experiment's
// data can tell (the key catalog, the span types and names, the assessment names seen):
// - a rejected field gets "did you mean …" and a fix (`state` → status, `environment` → the tag
//   or metadata key that exists);
// - near misses in a valid filter get a warning with a fix: a key that exists only under the other
//   prefix, a status in the wrong case, a span type the data does not have (`LLM` vs
//   `CHAT_MODEL`), a quoted date on a timestamp (→ its epoch milliseconds).
// Warnings never stop a filter from running: MLflow accepts all of these, they just match nothing.
import type { ComparisonNode, FieldRef, FilterDialect, StringValue } from './ast.ts';
import { analyzeFilter } from './analyze-filter.ts';
import { closestWord } from './closest-word.ts';
import type { Diagnostic, FixIt } from './diagnostic.ts';
import { quoteKey, quoteValue } from './quote.ts';
import { suggestField, type KnownKey } from './suggest-field.ts';
import { numericValue } from './compare-rules.ts';
import { collectComparisons } from './validate-filter.ts';
import { SOURCE_RUN_METADATA, SPAN_STATUS_VALUES, TRACE_NAME_TAG, TRACE_STATUS_VALUES } from './vocabulary.ts';

/** What is known about the experiment's data; absent lists are simply not checked. */
export interface FilterFacts {
  keys?: readonly KnownKey[];
  spanTypes?: readonly string[];
  spanNames?: readonly string[];
  feedbackNames?: readonly string[];
  expectationNames?: readonly string[];
}

export interface ExplainOptions {
  dialect?: FilterDialect;
  facts?: FilterFacts;
}

/** Values people write for a status or a span type, and what the data calls them. */
const VALUE_SYNONYMS: Readonly<Record<string, readonly string[]>> = {
  FAILED: ['ERROR'],
  FAILURE: ['ERROR'],
  FAIL: ['ERROR'],
  ERRORED: ['ERROR'],
  SUCCESS: ['OK'],
  SUCCEEDED: ['OK'],
  PASS: ['OK'],
  RUNNING: ['IN_PROGRESS'],
  LLM: ['CHAT_MODEL'],
  CHAT_MODEL: ['LLM'],
  CHAT: ['CHAT_MODEL', 'LLM'],
  MODEL: ['CHAT_MODEL', 'LLM'],
  RETRIEVAL: ['RETRIEVER'],
  SEARCH: ['RETRIEVER'],
  FUNCTION: ['TOOL'],
  TOOL_CALL: ['TOOL'],
};

const listed = (values: readonly string[]) =>
  values.length > 6 ? `${values.slice(0, 6).join(', ')}, …` : values.join(', ');

/** The value among `seen` a person most likely meant by `value`: same letters, a synonym, or a near spelling. */
function closestValue(value: string, seen: readonly string[]): string | null {
  const upper = value.toUpperCase();
  const sameCase = seen.find((s) => s.toUpperCase() === upper);
  if (sameCase !== undefined) return sameCase;
  const synonym = VALUE_SYNONYMS[upper.replace(/[\s-]+/g, '_')]?.find((s) => seen.includes(s));
  if (synonym !== undefined) return synonym;
  return closestWord(value, seen);
}

// An ISO 8601 date or date-time (zone optional, then UTC), the only date text turned into a number.
const DATE_TEXT = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})?)?$/i;

/** Epoch milliseconds of a date written as text, read as UTC when it has no zone; null otherwise. */
export function dateMillis(text: string): number | null {
  const t = text.trim();
  if (!DATE_TEXT.test(t)) return null;
  const iso = t.replace(' ', 'T');
  const zoned = iso.length === 10 || /(?:Z|[+-]\d{2}:\d{2})$/i.test(iso) ? iso : `${iso}Z`;
  const ms = Date.parse(zoned);
  return Number.isFinite(ms) ? ms : null;
}

function warning(code: Diagnostic['code'], range: { from: number; to: number }, message: string, fix?: FixIt) {
  const d: Diagnostic = { code, message, from: range.from, to: range.to, severity: 'warning' };
  if (fix) {
    d.fix = fix;
    d.hint = `did you mean ${fix.insert}?`;
  }
  return d;
}

const keyLabel = (kind: 'tag' | 'metadata', key: string) => `${kind}.${quoteKey(key)}`;

function checkKey(c: ComparisonNode, ref: FieldRef & { kind: 'tag' | 'metadata' }, keys: readonly KnownKey[]) {
  // IS NULL is meant to match traces without the key; the remapped keys (name, run_id) are MLflow's own.
  if (c.op?.op === 'IS NULL' || ref.key === TRACE_NAME_TAG || ref.key === SOURCE_RUN_METADATA) return null;
  if (keys.length === 0 || keys.some((k) => k.kind === ref.kind && k.key === ref.key)) return null;
  const other = keys.find((k) => k.kind !== ref.kind && k.key === ref.key);
  const guess = other ? keyLabel(other.kind, other.key) : suggestField(ref.key, keys);
  const fix =
    guess && guess !== keyLabel(ref.kind, ref.key) ? { from: c.field.from, to: c.field.to, insert: guess } : undefined;
  return warning(
    'unknown-key',
    c.field,
    `No recent trace in this experiment has ${ref.kind === 'tag' ? 'the tag' : 'the metadata key'} ${quoteKey(ref.key)}${other ? `; ${guess} exists` : ''}.`,
    fix,
  );
}

function checkValue(c: ComparisonNode, seen: readonly string[], what: string): Diagnostic | null {
  const v = c.value;
  if (v?.type !== 'string' || (c.op?.op !== '=' && c.op?.op !== '!=') || seen.length === 0) return null;
  if (seen.includes(v.value)) return null;
  const guess = closestValue(v.value, seen);
  return warning(
    'unseen-value',
    v,
    `No ${what} is '${v.value}' (seen: ${listed(seen)}).`,
    guess === null ? undefined : { from: v.from, to: v.to, insert: quoteValue(guess) },
  );
}

function checkAssessmentName(c: ComparisonNode, kind: 'feedback' | 'expectation', names: readonly string[]) {
  if (c.op?.op === 'IS NULL' || names.length === 0 || names.includes(c.field.ref?.key ?? '')) return null;
  const key = c.field.ref?.key ?? '';
  const guess = closestValue(key, names);
  return warning(
    'unknown-key',
    c.field,
    `No ${kind} in this experiment is named ${quoteKey(key)} (seen: ${listed(names)}).`,
    guess === null ? undefined : { from: c.field.from, to: c.field.to, insert: `${kind}.${quoteKey(guess)}` },
  );
}

function dataWarning(c: ComparisonNode, facts: FilterFacts): Diagnostic | null {
  const ref = c.field.ref;
  if (ref === null) return null;
  switch (ref.kind) {
    case 'tag':
    case 'metadata':
      return facts.keys ? checkKey(c, ref, facts.keys) : null;
    case 'attribute':
      return ref.key === 'status' ? checkValue(c, TRACE_STATUS_VALUES, 'trace status') : null;
    case 'span':
      if (ref.key === 'status') return checkValue(c, SPAN_STATUS_VALUES, 'span status');
      if (ref.key === 'type' && facts.spanTypes) return checkValue(c, facts.spanTypes, 'span type');
      if (ref.key === 'name' && facts.spanNames) return checkValue(c, facts.spanNames, 'span name');
      return null;
    case 'feedback':
    case 'expectation': {
      const names = ref.kind === 'feedback' ? facts.feedbackNames : facts.expectationNames;
      return names ? checkAssessmentName(c, ref.kind, names) : null;
    }
    default:
      return null;
  }
}

/** A quoted date on a timestamp compares as text (matching almost nothing): offer its epoch milliseconds. */
function withDateFix(d: Diagnostic, value: StringValue | undefined): Diagnostic {
  const ms = value === undefined ? null : dateMillis(value.value);
  if (ms === null || value === undefined || numericValue(value.value) !== null) return d;
  return {
    ...d,
    hint: `did you mean ${ms} (${new Date(ms).toISOString()})?`,
    fix: { from: value.from, to: value.to, insert: String(ms) },
  };
}

/**
 * Every diagnostic of `text` for a person: the validator's (with fixes for rejected fields) and
 * data-aware warnings, errors first in the validator's order.
 */
export function explainFilter(text: string, options: ExplainOptions = {}): Diagnostic[] {
  const facts = options.facts ?? {};
  const { ast, diagnostics } = analyzeFilter(text, { dialect: options.dialect });
  const comparisons = collectComparisons(ast);
  const stringValueAt = new Map<number, StringValue>();
  for (const c of comparisons) if (c.value?.type === 'string') stringValueAt.set(c.value.from, c.value);
  const out = diagnostics.map((d) => {
    if ((d.code === 'invalid-attribute-key' || d.code === 'invalid-entity-type') && d.fix === undefined) {
      const guess = suggestField(text.slice(d.from, d.to), facts.keys);
      return guess === null
        ? d
        : { ...d, hint: `did you mean ${guess}?`, fix: { from: d.from, to: d.to, insert: guess } };
    }
    if (d.code === 'invalid-number') return withDateFix(d, stringValueAt.get(d.from));
    return d;
  });
  for (const c of comparisons) {
    const w = dataWarning(c, facts);
    if (w !== null) out.push(w);
  }
  return out;
}
