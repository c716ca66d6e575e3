import { useQuery } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import type { JsonValue } from '../../core/model.ts';
import type { QueueProgress } from '../../core/review-queue.ts';
import { DEFAULT_LABELS, valueForDigit, type LabelDefinition } from '../../core/label-schema.ts';
import { labelSchemaQueries } from '../api/label-schema-api.ts';
import { reviewQueueQueries } from '../api/review-queue-api.ts';
import { traceDetailQueries } from '../api/trace-detail-queries.ts';
import { pageHref, traceHref } from '../app-url.ts';
import { useSignedInUser } from '../auth/useAuthStatus.ts';
import { LabelControls } from '../labels/LabelControls.tsx';
import { useLabelFocus } from '../labels/label-focus-store.ts';
import { navigate } from '../navigation.ts';
import { AppLink } from '../trace-detail/AppLink.tsx';
import { ChatConversation } from '../trace-detail/ChatConversation.tsx';
import { useFeedbackPreferences } from '../trace-detail/feedback-preferences-store.ts';
import { TraceSpansArea } from '../trace-detail/TraceSpansArea.tsx';
import { useFeedbackActions } from '../trace-detail/useFeedbackActions.ts';
import { useTraceDetailKeys } from '../trace-detail/useTraceDetailKeys.ts';
import { ShortcutsDialog } from '../shortcuts/ShortcutsDialog.tsx';
import { conversationOf } from './queue-conversation.ts';
import { useQueueSession } from './useQueueSession.ts';
import '../trace-detail/trace-detail.css';
import './queues.css';

/** A queue's work screen: the claimed trace's conversation, spans and labels, one item after another. */
export function QueueWorkPage({ experimentId, queueId }: { experimentId: string; queueId: string }) {
  const ref = { experimentId, queueId };
  const queue = useQuery(reviewQueueQueries.queue(ref));
  const signedIn = useSignedInUser();
  const storedReviewer = useFeedbackPreferences((s) => s.reviewerId);
  const reviewer = signedIn?.username ?? storedReviewer;
  const session = useQueueSession(ref, reviewer, queue.isSuccess && reviewer !== '');
  const schema = useQuery(labelSchemaQueries.schema(experimentId));
  const allLabels = schema.data?.labels ?? DEFAULT_LABELS;
  const subset = queue.data?.queue.label_names ?? [];
  const labels = subset.length === 0 ? allLabels : allLabels.filter((l) => subset.includes(l.name));
  const progress = session.progress ?? queue.data?.queue.progress;
  const name = queue.data?.queue.name ?? `Queue ${queueId}`;

  return (
    <section className="queue-work" aria-label="Review queue">
      <header className="queue-work-head">
        <div className="queue-work-title">
          <AppLink href={pageHref('queues', experimentId)} className="td-link-button">
            ← Queues
          </AppLink>
          <h1 className="page-title">{name}</h1>
          {queue.data?.queue.live_filter && (
            <span className="td-chip" title={queue.data.queue.live_filter}>
              live
            </span>
          )}
        </div>
        {progress && <ProgressSummary progress={progress} />}
      </header>
      {queue.isError && (
        <p className="td-error-box td-pad" role="alert">
          {'status' in queue.error && queue.error.status === 404
            ? `Review queue ${queueId} was not found in this experiment.`
            : `Could not load the queue: ${queue.error.message}`}
        </p>
      )}
      {queue.isSuccess && reviewer === '' && <ReviewerForm />}
      {session.error && (
        <p className="td-error-box td-pad" role="alert">
          {session.error}
        </p>
      )}
      {queue.isSuccess && reviewer !== '' && session.current === undefined && !session.error && (
        <p className="placeholder" role="status">
          Claiming the next item…
        </p>
      )}
      {session.current === null && (
        <div className="queue-finished" role="status">
          <p>Nothing left for you in this queue.</p>
          <AppLink href={pageHref('queues', experimentId)}>Back to the queues</AppLink>
        </div>
      )}
      {session.current && (
        <QueueItemView
          key={session.current.trace_id}
          experimentId={experimentId}
          traceId={session.current.trace_id}
          instructions={queue.data?.queue.instructions ?? ''}
          labels={labels}
          busy={session.busy}
          onDone={session.done}
          onSkip={session.skip}
        />
      )}
    </section>
  );
}

function ProgressSummary({ progress }: { progress: QueueProgress }) {
  return (
    <div className="queue-progress" aria-label="Queue progress">
      <progress max={Math.max(1, progress.total)} value={progress.done} aria-label="Done" />
      <span>
        <strong>{progress.done}</strong> done · <strong>{progress.remaining}</strong> remaining
        {progress.skipped > 0 && ` (${progress.skipped} skipped)`}
      </span>
      {progress.by_reviewer.length > 0 && (
        <ul className="queue-reviewers" aria-label="Done per reviewer">
          {progress.by_reviewer.map((r) => (
            <li key={r.reviewer}>
              {r.reviewer}: {r.done}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function ReviewerForm() {
  const setReviewerId = useFeedbackPreferences((s) => s.setReviewerId);
  const [draft, setDraft] = useState('');
  return (
    <form
      className="td-reviewer-form td-pad"
      onSubmit={(event) => {
        event.preventDefault();
        if (draft.trim()) setReviewerId(draft);
      }}
    >
      <label>
        Reviewer id{' '}
        <input value={draft} onChange={(e) => setDraft(e.target.value)} placeholder="e.g. your email" required />
      </label>
      <button type="submit" className="primary">
        Start reviewing
      </button>
      <span className="td-muted">Completions are recorded under this name; remembered in this browser.</span>
    </form>
  );
}

interface QueueItemViewProps {
  experimentId: string;
  traceId: string;
  instructions: string;
  labels: readonly LabelDefinition[];
  busy: boolean;
  onDone: () => void;
  onSkip: () => void;
}

function QueueItemView({ experimentId, traceId, instructions, labels, busy, onDone, onSkip }: QueueItemViewProps) {
  const info = useQuery(traceDetailQueries.info(traceId));
  const spans = useQuery(traceDetailQueries.spans(traceId));
  const feedback = useFeedbackActions(info.data);
  const [comment, setComment] = useState('');
  const commentRef = useRef<HTMLTextAreaElement>(null);
  const [selectedSpan, setSelectedSpan] = useState<string | null>(null);
  const [helpOpen, setHelpOpen] = useState(false);
  const focusedLabel = useLabelFocus((s) => s.focused);
  const focused = labels.find((l) => l.name === focusedLabel) ?? labels[0];
  const passFail = focused?.kind === 'pass_fail' ? focused : labels.find((l) => l.kind === 'pass_fail');
  const conversation = spans.data ? conversationOf(spans.data) : null;

  const setLabel = (label: LabelDefinition | undefined, value: JsonValue | undefined) => {
    if (!label || value === undefined || !feedback.ready) return;
    feedback.mutation.mutate(
      { kind: 'give', name: label.name, type: label.assessmentType, value, rationale: comment },
      { onSuccess: () => setComment('') },
    );
  };
  useTraceDetailKeys({
    thumbsUp: () => setLabel(passFail, true),
    thumbsDown: () => setLabel(passFail, false),
    digit: (d) => focused && setLabel(focused, valueForDigit(focused, d)),
    comment: () => commentRef.current?.focus(),
    tag: () => undefined,
    // The queue's own keys: done and next, skip, the shortcuts.
    more: { n: onDone, s: onSkip, '?': () => setHelpOpen(true) },
  });

  return (
    <div className="queue-item">
      <div className="queue-item-main">
        <section className="queue-conversation" aria-labelledby="queue-conversation-title">
          <div className="td-block-head">
            <h2 id="queue-conversation-title">Conversation</h2>
            <AppLink href={traceHref(traceId, experimentId)} className="td-link-button mono">
              {traceId}
            </AppLink>
          </div>
          {info.isError && (
            <p className="td-error-box" role="alert">
              Could not load the trace: {info.error.message}
            </p>
          )}
          {conversation ? (
            <ChatConversation messages={conversation} label="Conversation" />
          ) : (
            info.data && (
              <dl className="queue-previews">
                <dt>Request</dt>
                <dd>{info.data.request_preview || '—'}</dd>
                <dt>Response</dt>
                <dd>{info.data.response_preview || '—'}</dd>
              </dl>
            )
          )}
        </section>
        <div className="queue-spans">
          <TraceSpansArea traceId={traceId} selectedSpanId={selectedSpan} onSelectSpan={setSelectedSpan} />
        </div>
      </div>
      <aside className="queue-side" aria-label="Labels">
        {instructions && (
          <section className="queue-instructions" aria-label="Instructions">
            <h2>Instructions</h2>
            <p>{instructions}</p>
          </section>
        )}
        <h2>Labels</h2>
        {info.data && (
          <LabelControls
            labels={labels}
            assessments={info.data.assessments ?? []}
            reviewerId={feedback.reviewerId}
            onSet={(label, value) => setLabel(label, value)}
            disabled={!feedback.ready || feedback.mutation.isPending}
          />
        )}
        {feedback.readOnlyReason && <p className="td-muted">{feedback.readOnlyReason}</p>}
        {feedback.mutation.isError && (
          <p className="td-error-text" role="alert">
            Could not save the label: {feedback.mutation.error.message}
          </p>
        )}
        <label className="queue-comment">
          Comment (sent with the next label)
          <textarea
            ref={commentRef}
            rows={2}
            value={comment}
            onChange={(e) => setComment(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') e.currentTarget.blur();
            }}
          />
        </label>
        <div className="queue-actions">
          <button type="button" className="primary" onClick={onDone} disabled={busy}>
            Done, next <kbd>n</kbd>
          </button>
          <button type="button" onClick={onSkip} disabled={busy}>
            Skip <kbd>s</kbd>
          </button>
          <button type="button" className="td-link-button" onClick={() => navigate(pageHref('queues', experimentId))}>
            Stop
          </button>
        </div>
        <p className="td-muted queue-keys">
          Keys: <kbd>1</kbd>–<kbd>9</kbd> set the focused label, <kbd>+</kbd>/<kbd>-</kbd> pass/fail, <kbd>c</kbd>{' '}
          comment, <kbd>n</kbd> done and next, <kbd>s</kbd> skip, <kbd>?</kbd> all shortcuts.
        </p>
      </aside>
      {helpOpen && <ShortcutsDialog onClose={() => setHelpOpen(false)} />}
    </div>
  );
}
