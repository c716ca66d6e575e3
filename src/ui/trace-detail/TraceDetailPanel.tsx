import { usePrefetchQuery, useQuery } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import { METADATA, type JsonValue } from '../../core/model.ts';
import { traceDetailQueries } from '../api/trace-detail-queries.ts';
import { labelSchemaQueries } from '../api/label-schema-api.ts';
import { DEFAULT_LABELS, valueForDigit, type LabelDefinition } from '../../core/label-schema.ts';
import { useLabelFocus } from '../labels/label-focus-store.ts';
import { FeedbackSection } from './FeedbackSection.tsx';
import { MetadataSection } from './MetadataSection.tsx';
import { SessionView } from './SessionView.tsx';
import { TagsSection } from './TagsSection.tsx';
import { TraceHeader } from './TraceHeader.tsx';
import { TraceSpansArea } from './TraceSpansArea.tsx';
import { useFeedbackActions } from './useFeedbackActions.ts';
import { useTraceDetailKeys } from './useTraceDetailKeys.ts';
import { useServerFeatures } from '../api/useServerFeatures.ts';
import { AddToQueue } from '../queues/AddToQueue.tsx';
import { navigate, useLocationHref } from '../navigation.ts';
import { parseTraceDetailView, writeTraceDetailView, type TraceDetailView } from './trace-detail-url.ts';
import './trace-detail.css';

export interface TraceDetailPanelProps {
  traceId: string;
  experimentId: string;
  /** 'panel' beside the traces table, 'page' when opened from a link. */
  variant: 'panel' | 'page';
  onClose?: () => void;
  /** j/k in the panel: move to the next (1) or previous (-1) trace of the filtered set. */
  onStep?: (delta: 1 | -1) => void;
}

type SideTab = 'feedback' | 'tags' | 'metadata';
const TABS: { id: SideTab; label: string }[] = [
  { id: 'feedback', label: 'Feedback' },
  { id: 'tags', label: 'Tags' },
  { id: 'metadata', label: 'Metadata' },
];

/** One trace: header, span tree and timeline, span details, feedback, tags, metadata and its session. */
export function TraceDetailPanel({ traceId, experimentId, variant, onClose, onStep }: TraceDetailPanelProps) {
  const info = useQuery(traceDetailQueries.info(traceId));
  // Spans load in parallel with the info, not after it: on a 30k-span trace that is the long pole.
  usePrefetchQuery(traceDetailQueries.spans(traceId));
  const [tab, setTab] = useState<SideTab>('feedback');
  // The session view and the selected span live in the URL (trace-detail-url.ts); another trace
  // starts on its spans (the Traces page drops them when it opens another trace).
  const href = useLocationHref();
  const detailView = parseTraceDetailView(new URL(href, 'http://x').searchParams);
  const setDetailView = (change: Partial<TraceDetailView>) => {
    const url = new URL(window.location.href);
    const current = parseTraceDetailView(url.searchParams);
    writeTraceDetailView(url.searchParams, { ...current, ...change });
    navigate(`${url.pathname}?${url.searchParams.toString()}`, { replace: true });
  };
  const setSessionFor = (traceIdOrNull: string | null) => setDetailView({ session: traceIdOrNull !== null });
  const [comment, setComment] = useState('');
  const commentRef = useRef<HTMLTextAreaElement>(null);
  const reviewerRef = useRef<HTMLInputElement>(null);
  const newTagKeyRef = useRef<HTMLInputElement>(null);
  const feedback = useFeedbackActions(info.data);
  const schema = useQuery(labelSchemaQueries.schema(experimentId));
  const labels = schema.data?.labels ?? DEFAULT_LABELS;
  const focusedLabel = useLabelFocus((s) => s.focused);
  const queuesAvailable = useServerFeatures().has('review_queues');

  const focusIn = (next: SideTab, element: () => HTMLElement | null) => {
    // The tab panel must be visible before its field can take focus.
    flushSync(() => {
      setSessionFor(null);
      setTab(next);
    });
    element()?.focus();
  };
  const setLabel = (label: LabelDefinition | undefined, value: JsonValue | undefined) => {
    if (!label || value === undefined) return;
    if (!feedback.ready) return focusIn('feedback', () => reviewerRef.current);
    feedback.mutation.mutate(
      { kind: 'give', name: label.name, type: label.assessmentType, value, rationale: comment },
      { onSuccess: () => setComment('') },
    );
    setTab('feedback');
  };
  // +/- set the focused label when it is pass/fail, else the schema's first pass/fail label (👍/👎 by default).
  const focused = labels.find((l) => l.name === focusedLabel) ?? labels[0];
  const passFail = focused?.kind === 'pass_fail' ? focused : labels.find((l) => l.kind === 'pass_fail');
  useTraceDetailKeys({
    thumbsUp: () => setLabel(passFail, true),
    thumbsDown: () => setLabel(passFail, false),
    digit: (d) => focused && setLabel(focused, valueForDigit(focused, d)),
    comment: () => focusIn('feedback', () => commentRef.current ?? reviewerRef.current),
    tag: () => focusIn('tags', () => newTagKeyRef.current),
    step: onStep,
  });

  const session = info.data?.trace_metadata[METADATA.session];
  const sessionOpen = detailView.session && Boolean(session);
  return (
    <section aria-label="Trace detail" className={`trace-detail trace-detail-${variant}`}>
      {variant === 'page' && !info.data && <h1 className="visually-hidden">Trace {traceId}</h1>}
      {info.isPending && (
        <p className="td-muted td-pad" role="status">
          Loading trace…
        </p>
      )}
      {info.isError && (
        <div className="td-pad">
          <p className="td-error-box" role="alert">
            {'status' in info.error && info.error.status === 404
              ? `Trace ${traceId} was not found.`
              : `Could not load the trace: ${info.error.message}`}
          </p>
          {onClose && (
            <button type="button" onClick={onClose}>
              Close
            </button>
          )}
        </div>
      )}
      {info.data && (
        <>
          <TraceHeader
            headingLevel={variant === 'page' ? 1 : 2}
            info={info.data}
            sessionOpen={sessionOpen}
            onToggleSession={() => setSessionFor(sessionOpen ? null : traceId)}
            onClose={onClose}
          />
          {sessionOpen && session ? (
            <div className="td-body td-body-session">
              <button type="button" className="td-back" onClick={() => setSessionFor(null)}>
                ← Back to spans
              </button>
              <SessionView experimentId={experimentId} sessionId={session} currentTraceId={traceId} />
            </div>
          ) : (
            <div className="td-body">
              <TraceSpansArea
                traceId={traceId}
                selectedSpanId={detailView.span}
                onSelectSpan={(spanId) => setDetailView({ span: spanId })}
              />
              <div role="region" className="td-side" aria-label="Feedback, tags and metadata">
                <div role="tablist" aria-label="Trace sections" className="td-tabs">
                  {TABS.map((t) => {
                    const count =
                      t.id === 'feedback'
                        ? (info.data.assessments ?? []).filter((a) => a.valid !== false).length
                        : t.id === 'tags'
                          ? Object.keys(info.data.tags).length
                          : Object.keys(info.data.trace_metadata).length;
                    return (
                      <button
                        key={t.id}
                        type="button"
                        role="tab"
                        id={`td-tab-${t.id}`}
                        aria-selected={tab === t.id}
                        aria-controls={`td-panel-${t.id}`}
                        className="td-tab"
                        onClick={() => setTab(t.id)}
                      >
                        {t.label} <span className="td-count">{count}</span>
                      </button>
                    );
                  })}
                </div>
                {/* All panels stay mounted (hidden), so shortcuts can focus their fields at once. */}
                <div
                  role="tabpanel"
                  id="td-panel-feedback"
                  aria-labelledby="td-tab-feedback"
                  hidden={tab !== 'feedback'}
                >
                  <FeedbackSection
                    info={info.data}
                    labels={labels}
                    actions={feedback}
                    comment={comment}
                    onCommentChange={setComment}
                    commentRef={commentRef}
                    reviewerRef={reviewerRef}
                  />
                  {queuesAvailable && <AddToQueue experimentId={experimentId} source={{ traceIds: [traceId] }} />}
                </div>
                <div role="tabpanel" id="td-panel-tags" aria-labelledby="td-tab-tags" hidden={tab !== 'tags'}>
                  <TagsSection info={info.data} experimentId={experimentId} newKeyRef={newTagKeyRef} />
                </div>
                <div
                  role="tabpanel"
                  id="td-panel-metadata"
                  aria-labelledby="td-tab-metadata"
                  hidden={tab !== 'metadata'}
                >
                  <MetadataSection info={info.data} experimentId={experimentId} />
                </div>
              </div>
            </div>
          )}
        </>
      )}
    </section>
  );
}
