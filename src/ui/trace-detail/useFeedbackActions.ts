import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { JsonValue, TraceInfo } from '../../core/model.ts';
import { traceDetailQueries } from '../api/trace-detail-queries.ts';
import { invalidateTraceLists } from '../api/invalidate-trace-lists.ts';
import { createFeedback, deleteAssessment } from '../api/assessment-api.ts';
import { useFeedbackPreferences } from './feedback-preferences-store.ts';
import { ownAssessment } from './feedback-values.ts';
import { useCanEdit, useSignedInUser } from '../auth/useAuthStatus.ts';

export type FeedbackAction =
  /** `name` defaults to the person's feedback name; an edit passes the edited assessment's own. */
  | {
      kind: 'give';
      value: JsonValue;
      rationale: string;
      overrides?: string;
      name?: string;
      /** A label schema's expectation labels write expectations (ground truth). */
      type?: 'feedback' | 'expectation';
    }
  | { kind: 'delete'; assessmentId: string };

/**
 * Giving feedback when the reviewer already has some under the same name overrides it (MLflow
 * keeps the old one as valid=false), so one click both creates and edits. Both the buttons and
 * the `+`/`-` shortcuts go through here.
 */
export function useFeedbackActions(info: TraceInfo | undefined) {
  const queryClient = useQueryClient();
  const feedbackName = useFeedbackPreferences((s) => s.feedbackName);
  const storedReviewerId = useFeedbackPreferences((s) => s.reviewerId);
  // With auth on, the reviewer is the signed-in user (the server records that name anyway).
  const reviewerId = useSignedInUser()?.username ?? storedReviewerId;
  const { canEdit, reason } = useCanEdit(info?.trace_location.mlflow_experiment?.experiment_id);
  const traceId = info?.trace_id ?? '';
  const mutation = useMutation<unknown, Error, FeedbackAction>({
    mutationFn: (action) => {
      if (action.kind === 'delete') return deleteAssessment(traceId, action.assessmentId);
      const name = action.name ?? feedbackName;
      const type = action.type ?? 'feedback';
      const overrides =
        action.overrides ?? ownAssessment(info?.assessments ?? [], name, type, reviewerId)?.assessment_id;
      return createFeedback({
        traceId,
        name,
        type,
        value: action.value,
        reviewerId,
        rationale: action.rationale,
        overrides,
      });
    },
    onSettled: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: traceDetailQueries.infoKey(traceId) }),
        queryClient.invalidateQueries({ queryKey: traceDetailQueries.sessionKey() }),
        invalidateTraceLists(queryClient),
      ]);
    },
  });
  return {
    mutation,
    feedbackName,
    reviewerId,
    ready: reviewerId !== '' && info !== undefined && canEdit,
    readOnlyReason: reason,
  };
}

export type FeedbackActions = ReturnType<typeof useFeedbackActions>;
