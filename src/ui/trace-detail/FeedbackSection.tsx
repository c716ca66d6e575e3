import type { RefObject } from 'react';
import { useState } from 'react';
import type { Assessment, JsonValue, TraceInfo } from '../../core/model.ts';
import { useFeedbackPreferences } from './feedback-preferences-store.ts';
import { formatAssessmentValue, isOwn } from './feedback-values.ts';
import type { LabelDefinition } from '../../core/label-schema.ts';
import { LabelControls } from '../labels/LabelControls.tsx';
import type { FeedbackActions } from './useFeedbackActions.ts';
import { formatTime } from './format.ts';
import { ThumbIcon } from '../components/ThumbIcon.tsx';
import { useSignedInUser } from '../auth/useAuthStatus.ts';

interface FeedbackSectionProps {
  info: TraceInfo;
  /** The experiment's label schema (one control each). */
  labels: readonly LabelDefinition[];
  actions: FeedbackActions;
  comment: string;
  onCommentChange: (text: string) => void;
  /** Focused by the `c` shortcut. */
  commentRef: RefObject<HTMLTextAreaElement | null>;
  reviewerRef: RefObject<HTMLInputElement | null>;
}

function ReviewerSetup({ reviewerRef }: { reviewerRef: RefObject<HTMLInputElement | null> }) {
  const signedIn = useSignedInUser();
  const storedReviewerId = useFeedbackPreferences((s) => s.reviewerId);
  // With auth on there is no reviewer box: the signed-in user is the reviewer.
  const reviewerId = signedIn?.username ?? storedReviewerId;
  const setReviewerId = useFeedbackPreferences((s) => s.setReviewerId);
  const [editing, setEditing] = useState(reviewerId === '');
  const [draftReviewer, setDraftReviewer] = useState(reviewerId);
  // With auth on the reviewer is fixed; the labels themselves come from the experiment's schema.
  if (!editing || signedIn) {
    return (
      <p className="td-muted td-reviewer">
        As <strong className="td-strong">{reviewerId}</strong>{' '}
        {!signedIn && (
          <button type="button" className="td-link-button" onClick={() => setEditing(true)}>
            change
          </button>
        )}
      </p>
    );
  }
  return (
    <form
      className="td-reviewer-form"
      onSubmit={(event) => {
        event.preventDefault();
        if (!draftReviewer.trim()) return;
        setReviewerId(draftReviewer);
        setEditing(false);
      }}
    >
      <label>
        Reviewer id{' '}
        <input
          ref={reviewerRef}
          value={draftReviewer}
          onChange={(e) => setDraftReviewer(e.target.value)}
          placeholder="e.g. your email"
          required
        />
      </label>
      <button type="submit" className="primary">
        Save
      </button>
      <span className="td-muted">Set once; remembered in this browser.</span>
    </form>
  );
}

interface AssessmentItemProps {
  assessment: Assessment;
  /** The schema's label of this assessment's name, whose values an edit offers. */
  label: LabelDefinition | undefined;
  reviewerId: string;
  actions: FeedbackActions;
  /** Why the last edit or delete of this assessment failed, if it did. */
  error: string | undefined;
}

function AssessmentItem({ assessment, label, reviewerId, actions, error }: AssessmentItemProps) {
  const { mutation } = actions;
  const [editing, setEditing] = useState(false);
  const [rationale, setRationale] = useState(assessment.rationale ?? '');
  const kind = assessment.expectation ? 'expectation' : assessment.issue ? 'issue' : 'feedback';
  const own = isOwn(assessment, reviewerId) && assessment.valid !== false && kind !== 'issue';
  const overridden = assessment.valid === false;
  const keptValue = kind === 'expectation' ? assessment.expectation?.value : assessment.feedback?.value;
  const choices: { value: JsonValue; label: string; thumb?: boolean }[] =
    label?.kind === 'pass_fail'
      ? [
          { value: true, label: 'Thumbs up', thumb: true },
          { value: false, label: 'Thumbs down', thumb: true },
        ]
      : label?.kind === 'categorical'
        ? (label.options ?? []).map((o) => ({ value: o, label: o.replaceAll('_', ' ') }))
        : [];
  // Saving only the comment overrides with the same value, so there is nothing to save when the
  // comment is unchanged or the feedback has no value (an error-only feedback).
  const commentChanged = rationale !== (assessment.rationale ?? '');
  const canSaveComment = commentChanged && keptValue !== undefined && !mutation.isPending;
  // An edit is an override under the assessment's own name; the form stays open until it is
  // saved, so a refused edit keeps what was typed.
  const override = (value: JsonValue) =>
    mutation.mutate(
      {
        kind: 'give',
        name: assessment.assessment_name,
        type: kind === 'expectation' ? 'expectation' : 'feedback',
        value,
        rationale,
        overrides: assessment.assessment_id,
      },
      { onSuccess: () => setEditing(false) },
    );
  const cancel = () => {
    setRationale(assessment.rationale ?? '');
    setEditing(false);
  };
  return (
    <li className={`td-assessment${overridden ? ' is-overridden' : ''}`}>
      <div className="td-assessment-head">
        <strong>{assessment.assessment_name}</strong>
        <span className="td-chip">{kind}</span>
        <span className="td-assessment-value">{formatAssessmentValue(assessment)}</span>
        {overridden && <span className="td-chip td-chip-muted">overridden</span>}
      </div>
      {assessment.rationale && !editing && <p className="td-rationale">{assessment.rationale}</p>}
      <div className="td-muted td-assessment-meta">
        {assessment.source?.source_type ?? 'UNKNOWN'}
        {assessment.source?.source_id ? ` · ${assessment.source.source_id}` : ''} ·{' '}
        {formatTime(assessment.last_update_time || assessment.create_time)}
      </div>
      {own && !editing && (
        <div className="td-assessment-actions">
          <button type="button" className="td-small" onClick={() => setEditing(true)}>
            Edit
          </button>
          <button
            type="button"
            className="td-small"
            disabled={mutation.isPending}
            onClick={() => mutation.mutate({ kind: 'delete', assessmentId: assessment.assessment_id })}
          >
            Delete
          </button>
        </div>
      )}
      {editing && (
        <form
          className="td-assessment-edit"
          onSubmit={(event) => {
            event.preventDefault();
            if (canSaveComment) override(keptValue);
          }}
          aria-label={`Edit ${assessment.assessment_name}`}
        >
          <textarea
            aria-label="Edit comment"
            value={rationale}
            onChange={(e) => setRationale(e.target.value)}
            onKeyDown={(e) => e.key === 'Escape' && cancel()}
            rows={2}
          />
          <div className="td-feedback-buttons">
            <button
              type="submit"
              className="primary"
              disabled={!canSaveComment}
              title={`Keep ${formatAssessmentValue(assessment)}, change the comment`}
            >
              Save comment
            </button>
            {choices.map((choice) => (
              <button
                key={String(choice.value)}
                type="button"
                aria-label={choice.thumb ? `${choice.label} (edit)` : undefined}
                disabled={mutation.isPending}
                onClick={() => override(choice.value)}
              >
                {choice.thumb ? <ThumbIcon down={choice.value === false} /> : choice.label}
              </button>
            ))}
            <button type="button" onClick={cancel}>
              Cancel
            </button>
          </div>
        </form>
      )}
      {error && (
        <p className="td-error-box" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}

/** Where a failed action's message belongs: beside the assessment it edited or deleted, else under the buttons. */
function failure(actions: FeedbackActions): { assessmentId: string | undefined; message: string } | null {
  const { mutation } = actions;
  if (!mutation.isError) return null;
  const action = mutation.variables;
  if (action.kind === 'delete')
    return { assessmentId: action.assessmentId, message: `Feedback was not deleted: ${mutation.error.message}` };
  return { assessmentId: action.overrides, message: `Feedback was not saved: ${mutation.error.message}` };
}

/** The trace's assessments and one control per label of the experiment's schema (with an optional comment). */
export function FeedbackSection({
  info,
  labels,
  actions,
  comment,
  onCommentChange,
  commentRef,
  reviewerRef,
}: FeedbackSectionProps) {
  const { mutation, reviewerId, ready } = actions;
  const assessments = [...(info.assessments ?? [])].sort((a, b) =>
    (b.create_time ?? '').localeCompare(a.create_time ?? ''),
  );
  const failed = failure(actions);
  // A message for an assessment no longer listed falls back to the spot under the buttons.
  const failedItem =
    failed?.assessmentId !== undefined && assessments.some((a) => a.assessment_id === failed.assessmentId)
      ? failed.assessmentId
      : undefined;
  const give = (label: LabelDefinition, value: JsonValue) => {
    mutation.mutate(
      { kind: 'give', name: label.name, type: label.assessmentType, value, rationale: comment },
      { onSuccess: () => onCommentChange('') },
    );
  };
  return (
    <section className="td-section" aria-label="Feedback">
      <ReviewerSetup reviewerRef={reviewerRef} />
      <div className="td-feedback-give">
        <textarea
          ref={commentRef}
          aria-label="Comment (optional)"
          placeholder="Comment (optional), then set a label"
          value={comment}
          onChange={(e) => onCommentChange(e.target.value)}
          rows={2}
        />
        <LabelControls
          labels={labels}
          assessments={info.assessments ?? []}
          reviewerId={reviewerId}
          disabled={!ready || mutation.isPending}
          onSet={give}
        />
        {!ready && <p className="td-muted">{actions.readOnlyReason ?? 'Set a reviewer id to give feedback.'}</p>}
        {failed && failedItem === undefined && (
          <p className="td-error-box" role="alert">
            {failed.message}
          </p>
        )}
        {mutation.isSuccess && (
          <p className="sr-only" role="status">
            {mutation.variables.kind === 'delete' ? 'Feedback deleted.' : 'Feedback saved.'}
          </p>
        )}
      </div>
      <ul className="td-assessments" aria-label="Assessments">
        {assessments.length === 0 && <li className="td-muted">No feedback or expectations yet.</li>}
        {assessments.map((a) => (
          <AssessmentItem
            key={a.assessment_id}
            assessment={a}
            label={labels.find((l) => l.name === a.assessment_name)}
            reviewerId={reviewerId}
            actions={actions}
            error={failedItem === a.assessment_id ? failed?.message : undefined}
          />
        ))}
      </ul>
    </section>
  );
}
