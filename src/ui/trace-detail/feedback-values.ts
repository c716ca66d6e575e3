import type { Assessment, JsonValue } from '../../core/model.ts';

export const LABELS = [
  { value: 'correct', label: 'Correct' },
  { value: 'partially_correct', label: 'Partially correct' },
  { value: 'incorrect', label: 'Incorrect' },
] as const;

/** How an assessment value reads in the list (text only). */
export function formatAssessmentValue(a: Assessment): string {
  if (a.feedback) {
    if (a.feedback.error && a.feedback.value === undefined)
      return `error: ${a.feedback.error.error_message ?? a.feedback.error.error_code ?? 'unknown'}`;
    return formatValue(a.feedback.value);
  }
  if (a.expectation) {
    if (a.expectation.serialized_value) return a.expectation.serialized_value.value;
    return formatValue(a.expectation.value);
  }
  if (a.issue) return a.issue.issue_name;
  return '—';
}

function formatValue(value: JsonValue | undefined): string {
  if (value === true) return 'thumbs up';
  if (value === false) return 'thumbs down';
  const label = LABELS.find((l) => l.value === value);
  if (label) return label.label;
  if (typeof value === 'string') return value;
  return value === undefined ? '—' : JSON.stringify(value);
}

/** The reviewer's current (valid) feedback under `name`, which a new one overrides. */
export function ownFeedback(
  assessments: readonly Assessment[],
  name: string,
  reviewerId: string,
): Assessment | undefined {
  return assessments.find((a) => a.valid !== false && a.feedback && a.assessment_name === name && isOwn(a, reviewerId));
}

export const isOwn = (a: Assessment, reviewerId: string): boolean =>
  reviewerId !== '' && a.source?.source_type === 'HUMAN' && a.source.source_id === reviewerId;
