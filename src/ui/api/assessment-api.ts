import type { Assessment, JsonValue } from '../../core/model.ts';
import { api, apiRequest } from './http-client.ts';

// Assessment writes (docs/mlflow-contract.md §3.11). Editing is "create with `overrides`", which keeps
// the history (the old one becomes valid=false) the way MLflow's own UI does it.
export interface NewFeedback {
  traceId: string;
  name: string;
  value: JsonValue;
  reviewerId: string;
  rationale?: string;
  overrides?: string;
}

const assessmentsPath = (traceId: string) => api(`3.0/mlflow/traces/${encodeURIComponent(traceId)}/assessments`);

/** A feedback, or with `type: 'expectation'` a ground-truth expectation (label schemas have both). */
export async function createFeedback(
  feedback: NewFeedback & { type?: 'feedback' | 'expectation' },
): Promise<Assessment> {
  const response = await apiRequest<{ assessment: Assessment }>('POST', assessmentsPath(feedback.traceId), {
    assessment: {
      assessment_name: feedback.name,
      trace_id: feedback.traceId,
      source: { source_type: 'HUMAN', source_id: feedback.reviewerId },
      ...(feedback.type === 'expectation'
        ? { expectation: { value: feedback.value } }
        : { feedback: { value: feedback.value } }),
      rationale: feedback.rationale || undefined,
      overrides: feedback.overrides,
    },
  });
  return response.assessment;
}

export const deleteAssessment = (traceId: string, assessmentId: string) =>
  apiRequest<Record<string, never>>('DELETE', `${assessmentsPath(traceId)}/${encodeURIComponent(assessmentId)}`);
