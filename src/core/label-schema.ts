// Label schemas: which labels a team gives traces in one experiment (issue 17). A label is an
// assessment name with a kind; the schema lives in experiment tags (MLflow clients ignore them) as a
// versioned JSON envelope, read defensively so an unknown version or a hand-edited tag never breaks the UI.
import type { Assessment, JsonValue } from './model.ts';

export type LabelKind = 'pass_fail' | 'categorical' | 'numeric' | 'text';
export type LabelAssessmentType = 'feedback' | 'expectation';

export interface LabelDefinition {
  /** The assessment name the label writes (e.g. `user_satisfaction`). */
  name: string;
  kind: LabelKind;
  /** Feedback is an opinion about the output; an expectation is the ground truth. */
  assessmentType: LabelAssessmentType;
  description?: string;
  /** Categorical: the allowed values, in the order number keys pick them. */
  options?: string[];
  /** Numeric: the inclusive range, when bounded. */
  min?: number;
  max?: number;
}

/** The experiment tag holding the envelope; more parts follow as `<key>.1`, `<key>.2`… when it is long. */
export const LABEL_SCHEMA_TAG = 'trace_explorer.label_schemas';
export const LABEL_SCHEMA_VERSION = 1;
/** MLflow refuses experiment tag values over 5000 characters (MAX_EXPERIMENT_TAG_VAL_LENGTH). */
export const EXPERIMENT_TAG_VALUE_LIMIT = 5000;
/** Parts a schema may span; far more than a team's labels need, and it bounds what a reader joins. */
const MAX_PARTS = 20;

export const THUMBS_LABEL: LabelDefinition = {
  name: 'user_satisfaction',
  kind: 'pass_fail',
  assessmentType: 'feedback',
  description: 'Thumbs up or down: was the answer satisfying?',
};

/** Correctness is its own label, so choosing "Partially correct" never replaces a 👍/👎 vote. */
export const CORRECTNESS_LABEL: LabelDefinition = {
  name: 'correctness',
  kind: 'categorical',
  assessmentType: 'feedback',
  description: 'Is the answer correct?',
  options: ['correct', 'partially_correct', 'incorrect'],
};

/** The labels of an experiment that has not defined a schema. */
export const DEFAULT_LABELS: readonly LabelDefinition[] = [THUMBS_LABEL, CORRECTNESS_LABEL];

export interface ParsedLabelSchema {
  labels: LabelDefinition[];
  /** False when the experiment has no schema tag (the defaults apply). */
  defined: boolean;
  /** Why some or all of the stored schema was ignored, for a notice in the editor. */
  problems: string[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const KINDS: readonly string[] = ['pass_fail', 'categorical', 'numeric', 'text'];

/** Why a label definition cannot be stored, or null. `others` are the schema's other labels. */
export function labelProblem(label: LabelDefinition, others: readonly LabelDefinition[] = []): string | null {
  const name = label.name.trim();
  if (name === '') return 'A label needs a name.';
  if (name.length > 250) return 'Label names are at most 250 characters.';
  if (others.some((o) => o.name === name)) return `There is already a label named "${name}".`;
  if (!KINDS.includes(label.kind)) return `Unknown label kind "${String(label.kind)}".`;
  if (label.assessmentType !== 'feedback' && label.assessmentType !== 'expectation')
    return 'A label is either feedback or an expectation.';
  if (label.kind === 'categorical') {
    const options = label.options ?? [];
    if (options.length < 2) return 'A categorical label needs at least two options.';
    if (options.some((o) => o.trim() === '')) return 'Options cannot be empty.';
    if (new Set(options).size !== options.length) return 'Options must differ.';
  }
  if (label.kind === 'numeric') {
    const { min, max } = label;
    if ((min !== undefined && !Number.isFinite(min)) || (max !== undefined && !Number.isFinite(max)))
      return 'The range must be numbers.';
    if (min !== undefined && max !== undefined && min > max) return 'The minimum is above the maximum.';
  }
  return null;
}

/** Only the fields of the label's kind, so stored JSON stays small and canonical. */
export function normalizeLabel(label: LabelDefinition): LabelDefinition {
  const out: LabelDefinition = { name: label.name.trim(), kind: label.kind, assessmentType: label.assessmentType };
  if (label.description?.trim()) out.description = label.description.trim();
  if (label.kind === 'categorical') out.options = (label.options ?? []).map((o) => o.trim());
  if (label.kind === 'numeric') {
    if (label.min !== undefined) out.min = label.min;
    if (label.max !== undefined) out.max = label.max;
  }
  return out;
}

function readLabel(raw: unknown): LabelDefinition | string {
  if (!isRecord(raw)) return 'an entry is not an object';
  const { name, kind, assessmentType, description, options, min, max } = raw;
  if (typeof name !== 'string') return 'an entry has no name';
  const label: LabelDefinition = {
    name,
    kind: kind as LabelKind,
    assessmentType: (assessmentType ?? 'feedback') as LabelAssessmentType,
    ...(typeof description === 'string' ? { description } : {}),
    ...(Array.isArray(options) && options.every((o) => typeof o === 'string') ? { options } : {}),
    ...(typeof min === 'number' ? { min } : {}),
    ...(typeof max === 'number' ? { max } : {}),
  };
  const problem = labelProblem(label);
  return problem ? `label "${name}": ${problem}` : normalizeLabel(label);
}

/** The schema stored in an experiment's tags; the defaults when there is none or it cannot be read at all. */
export function parseLabelSchema(tags: readonly { key: string; value: string }[] | undefined): ParsedLabelSchema {
  const byKey = new Map((tags ?? []).map((t) => [t.key, t.value]));
  const head = byKey.get(LABEL_SCHEMA_TAG);
  if (head === undefined) return { labels: [...DEFAULT_LABELS], defined: false, problems: [] };
  const fallback = (problem: string): ParsedLabelSchema => ({
    labels: [...DEFAULT_LABELS],
    defined: true,
    problems: [problem],
  });
  let envelope: unknown;
  try {
    envelope = JSON.parse(head);
  } catch {
    return fallback('The stored label schema is not JSON; showing the default labels.');
  }
  if (!isRecord(envelope)) return fallback('The stored label schema is not an object; showing the default labels.');
  if (envelope.version !== LABEL_SCHEMA_VERSION)
    return fallback(
      `The stored label schema has version ${JSON.stringify(envelope.version)}, which this explorer does not know; showing the default labels.`,
    );
  let labels = envelope.labels;
  if (typeof envelope.parts === 'number') {
    // A long schema: the labels array's JSON text is split over numbered tags (each within MLflow's limit).
    const parts = envelope.parts;
    if (!Number.isInteger(parts) || parts < 1 || parts > MAX_PARTS)
      return fallback('The stored label schema is damaged.');
    let text = '';
    for (let i = 1; i <= parts; i++) {
      const part = byKey.get(`${LABEL_SCHEMA_TAG}.${i}`);
      if (part === undefined)
        return fallback('Part of the stored label schema is missing; showing the default labels.');
      text += part;
    }
    try {
      labels = JSON.parse(text);
    } catch {
      return fallback('The stored label schema is incomplete; showing the default labels.');
    }
  }
  if (!Array.isArray(labels)) return fallback('The stored label schema has no label list; showing the default labels.');
  const problems: string[] = [];
  const out: LabelDefinition[] = [];
  for (const raw of labels) {
    const label = readLabel(raw);
    if (typeof label === 'string') problems.push(`Ignored ${label}.`);
    else if (out.some((o) => o.name === label.name)) problems.push(`Ignored a second label named "${label.name}".`);
    else out.push(label);
  }
  return { labels: out, defined: true, problems };
}

export interface LabelSchemaWrites {
  /** Set in this order: the parts before the head, so a reader never sees a head whose parts are missing. */
  set: { key: string; value: string }[];
  /** Parts of a previous, longer schema that are no longer needed. */
  remove: string[];
}

/** The experiment tag writes that store `labels`, given the experiment's current tags. */
export function labelSchemaWrites(
  labels: readonly LabelDefinition[],
  currentTags: readonly { key: string; value: string }[] = [],
): LabelSchemaWrites {
  const normalized = labels.map(normalizeLabel);
  const whole = JSON.stringify({ version: LABEL_SCHEMA_VERSION, labels: normalized });
  const set: { key: string; value: string }[] = [];
  let partCount = 0;
  if (whole.length <= EXPERIMENT_TAG_VALUE_LIMIT) {
    set.push({ key: LABEL_SCHEMA_TAG, value: whole });
  } else {
    const text = JSON.stringify(normalized);
    partCount = Math.ceil(text.length / EXPERIMENT_TAG_VALUE_LIMIT);
    if (partCount > MAX_PARTS) throw new Error('The label schema is too large to store; shorten the descriptions.');
    for (let i = 0; i < partCount; i++) {
      const value = text.slice(i * EXPERIMENT_TAG_VALUE_LIMIT, (i + 1) * EXPERIMENT_TAG_VALUE_LIMIT);
      set.push({ key: `${LABEL_SCHEMA_TAG}.${i + 1}`, value });
    }
    set.push({ key: LABEL_SCHEMA_TAG, value: JSON.stringify({ version: LABEL_SCHEMA_VERSION, parts: partCount }) });
  }
  const prefix = `${LABEL_SCHEMA_TAG}.`;
  const remove = currentTags
    .filter((t) => t.key.startsWith(prefix) && Number(t.key.slice(prefix.length)) > partCount)
    .map((t) => t.key);
  return { set, remove };
}

/** Why `value` does not fit `label`, or null. */
export function labelValueProblem(label: LabelDefinition, value: JsonValue): string | null {
  switch (label.kind) {
    case 'pass_fail':
      return typeof value === 'boolean' ? null : `${label.name} takes pass (true) or fail (false).`;
    case 'categorical':
      return typeof value === 'string' && (label.options ?? []).includes(value)
        ? null
        : `${label.name} takes one of: ${(label.options ?? []).join(', ')}.`;
    case 'numeric':
      if (typeof value !== 'number' || !Number.isFinite(value)) return `${label.name} takes a number.`;
      if (label.min !== undefined && value < label.min) return `${label.name} is at least ${label.min}.`;
      if (label.max !== undefined && value > label.max) return `${label.name} is at most ${label.max}.`;
      return null;
    case 'text':
      return typeof value === 'string' ? null : `${label.name} takes text.`;
  }
}

/**
 * The value number key `digit` (1–9) sets on `label`: pass/fail 1 = pass, 2 = fail; categorical the
 * n-th option; numeric the digit itself when in range. Undefined when the key means nothing here.
 */
export function valueForDigit(label: LabelDefinition, digit: number): JsonValue | undefined {
  if (label.kind === 'pass_fail') return digit === 1 ? true : digit === 2 ? false : undefined;
  if (label.kind === 'categorical') return label.options?.[digit - 1];
  if (label.kind === 'numeric') return labelValueProblem(label, digit) === null ? digit : undefined;
  return undefined;
}

/** How a label value reads (text only; trace content is never HTML). */
export function formatLabelValue(label: LabelDefinition | undefined, value: JsonValue | undefined): string {
  if (value === undefined) return '—';
  if (typeof value === 'boolean')
    return label?.kind === 'pass_fail' || !label ? (value ? 'pass' : 'fail') : String(value);
  if (typeof value === 'string') return value.replaceAll('_', ' ');
  return JSON.stringify(value);
}

/** The value an assessment carries (feedback value or expectation value). */
export function assessmentValue(a: Assessment): JsonValue | undefined {
  if (a.feedback) return a.feedback.value;
  if (a.expectation) {
    if (a.expectation.serialized_value) {
      try {
        return JSON.parse(a.expectation.serialized_value.value) as JsonValue;
      } catch {
        return a.expectation.serialized_value.value;
      }
    }
    return a.expectation.value;
  }
  return undefined;
}

const typeOf = (a: Assessment): LabelAssessmentType | 'issue' =>
  a.expectation ? 'expectation' : a.issue ? 'issue' : 'feedback';

/**
 * The label's current assessment on a trace: the newest valid one of its name and type, preferring
 * `reviewerId`'s own (which is the one a new value overrides).
 */
export function currentLabelAssessment(
  assessments: readonly Assessment[],
  label: LabelDefinition,
  reviewerId?: string,
): Assessment | undefined {
  const candidates = assessments
    .filter((a) => a.valid !== false && a.assessment_name === label.name && typeOf(a) === label.assessmentType)
    .sort((a, b) => (b.create_time ?? '').localeCompare(a.create_time ?? ''));
  const own = reviewerId
    ? candidates.find((a) => a.source?.source_type === 'HUMAN' && a.source.source_id === reviewerId)
    : undefined;
  return own ?? candidates[0];
}

/** Assessments whose name no label defines (they still show, read-only, in the detail panel). */
export function unschemedAssessments(
  assessments: readonly Assessment[],
  labels: readonly LabelDefinition[],
): Assessment[] {
  const names = new Set(labels.map((l) => l.name));
  return assessments.filter((a) => !names.has(a.assessment_name));
}
