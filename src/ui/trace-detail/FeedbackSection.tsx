import type { RefObject } from 'react';
import { useState } from 'react';
import type { Assessment, TraceInfo } from '../../core/model.ts';
import { useFeedbackPreferences } from './feedback-preferences-store.ts';
import { LABELS, formatAssessmentValue, isOwn } from './feedback-values.ts';
import type { FeedbackActions } from './useFeedbackActions.ts';
import { formatTime } from './format.ts';
import { ThumbIcon } from '../components/ThumbIcon.tsx';

interface FeedbackSectionProps {
  info: TraceInfo;
  actions: FeedbackActions;
  comment: string;
  onCommentChange: (text: string) => void;
  /** Focused by the `c` shortcut. */
  commentRef: RefObject<HTMLTextAreaElement | null>;
  reviewerRef: RefObject<HTMLInputElement | null>;
}

function ReviewerSetup({ reviewerRef }: { reviewerRef: RefObject<HTMLInputElement | null> }) {
  const reviewerId = useFeedbackPreferences((s) => s.reviewerId);
  const feedbackName = useFeedbackPreferences((s) => s.feedbackName);
  const setReviewerId = useFeedbackPreferences((s) => s.setReviewerId);
  const setFeedbackName = useFeedbackPreferences((s) => s.setFeedbackName);
  const [editing, setEditing] = useState(reviewerId === '');
  const [draftReviewer, setDraftReviewer] = useState(reviewerId);
  const [draftName, setDraftName] = useState(feedbackName);
  if (!editing) {
    return (
      <p className="td-muted td-reviewer">
        As <strong className="td-strong">{reviewerId}</strong>, feedback name <code>{feedbackName}</code>{' '}
        <button type="button" className="td-link-button" onClick={() => setEditing(true)}>change</button>
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
        setFeedbackName(draftName);
        setEditing(false);
      }}
    >
      <label>
        Reviewer id <input ref={reviewerRef} value={draftReviewer} onChange={(e) => setDraftReviewer(e.target.value)} placeholder="e.g. your email" required />
      </label>
      <label>
        Feedback name <input value={draftName} onChange={(e) => setDraftName(e.target.value)} />
      </label>
      <button type="submit" className="primary">Save</button>
      <span className="td-muted">Set once; remembered in this browser.</span>
    </form>
  );
}

function AssessmentItem({ assessment, reviewerId, actions }: { assessment: Assessment; reviewerId: string; actions: FeedbackActions }) {
  const [editing, setEditing] = useState(false);
  const [rationale, setRationale] = useState(assessment.rationale ?? '');
  const own = isOwn(assessment, reviewerId) && assessment.valid !== false && Boolean(assessment.feedback);
  const kind = assessment.expectation ? 'expectation' : assessment.issue ? 'issue' : 'feedback';
  const overridden = assessment.valid === false;
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
        {assessment.source?.source_id ? ` · ${assessment.source.source_id}` : ''} · {formatTime(assessment.last_update_time || assessment.create_time)}
      </div>
      {own && !editing && (
        <div className="td-assessment-actions">
          <button type="button" className="td-small" onClick={() => setEditing(true)}>Edit</button>
          <button type="button" className="td-small" onClick={() => actions.mutation.mutate({ kind: 'delete', assessmentId: assessment.assessment_id })}>Delete</button>
        </div>
      )}
      {editing && (
        <form
          className="td-assessment-edit"
          onSubmit={(event) => event.preventDefault()}
          aria-label={`Edit ${assessment.assessment_name}`}
        >
          <textarea aria-label="Edit comment" value={rationale} onChange={(e) => setRationale(e.target.value)} rows={2} />
          <div className="td-feedback-buttons">
            {[
              { value: true, label: 'Thumbs up' },
              { value: false, label: 'Thumbs down' },
              ...LABELS,
            ].map((choice) => (
              <button
                key={String(choice.value)}
                type="button"
                aria-label={typeof choice.value === 'boolean' ? `${choice.label} (edit)` : undefined}
                onClick={() => {
                  actions.mutation.mutate({ kind: 'give', value: choice.value, rationale, overrides: assessment.assessment_id });
                  setEditing(false);
                }}
              >
                {typeof choice.value === 'boolean' ? <ThumbIcon down={!choice.value} /> : choice.label}
              </button>
            ))}
            <button type="button" onClick={() => setEditing(false)}>Cancel</button>
          </div>
        </form>
      )}
    </li>
  );
}

/** The trace's assessments and one-click feedback (👍/👎 or a label, with an optional comment). */
export function FeedbackSection({ info, actions, comment, onCommentChange, commentRef, reviewerRef }: FeedbackSectionProps) {
  const { mutation, reviewerId, ready } = actions;
  const assessments = [...(info.assessments ?? [])].sort((a, b) => (b.create_time ?? '').localeCompare(a.create_time ?? ''));
  const give = (value: boolean | string) => {
    mutation.mutate({ kind: 'give', value, rationale: comment }, { onSuccess: () => onCommentChange('') });
  };
  return (
    <section className="td-section" aria-label="Feedback">
      <ReviewerSetup reviewerRef={reviewerRef} />
      <div className="td-feedback-give">
        <textarea ref={commentRef} aria-label="Comment (optional)" placeholder="Comment (optional), then thumbs up or down" value={comment} onChange={(e) => onCommentChange(e.target.value)} rows={2} />
        <div className="td-feedback-buttons">
          <button type="button" aria-label="Thumbs up" title="Thumbs up (+)" disabled={!ready || mutation.isPending} onClick={() => give(true)}><ThumbIcon /></button>
          <button type="button" aria-label="Thumbs down" title="Thumbs down (-)" disabled={!ready || mutation.isPending} onClick={() => give(false)}><ThumbIcon down /></button>
          {LABELS.map((l) => (
            <button key={l.value} type="button" disabled={!ready || mutation.isPending} onClick={() => give(l.value)}>{l.label}</button>
          ))}
        </div>
        {!ready && <p className="td-muted">Set a reviewer id to give feedback.</p>}
        {mutation.isError && <p className="td-error-box" role="alert">Feedback was not saved: {mutation.error.message}</p>}
        {mutation.isSuccess && <p className="sr-only" role="status">Feedback saved.</p>}
      </div>
      <ul className="td-assessments" aria-label="Assessments">
        {assessments.length === 0 && <li className="td-muted">No feedback or expectations yet.</li>}
        {assessments.map((a) => (
          <AssessmentItem key={a.assessment_id} assessment={a} reviewerId={reviewerId} actions={actions} />
        ))}
      </ul>
    </section>
  );
}
