import type { Assessment, JsonValue } from '../../core/model.ts';

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
  if (typeof value === 'string') return value.replaceAll('_', ' ');
  return value === undefined ? '—' : JSON.stringify(value);
}

/** The reviewer's current (valid) feedback or expectation under `name`, which a new one overrides. */
export function ownAssessment(
  assessments: readonly Assessment[],
  name: string,
  type: 'feedback' | 'expectation',
  reviewerId: string,
): Assessment | undefined {
  return assessments.find(
    (a) =>
      a.valid !== false &&
      (type === 'feedback' ? a.feedback : a.expectation) &&
      a.assessment_name === name &&
      isOwn(a, reviewerId),
  );
}

export const isOwn = (a: Assessment, reviewerId: string): boolean =>
  reviewerId !== '' && a.source?.source_type === 'HUMAN' && a.source.source_id === reviewerId;
