// What a batch of spans does to its trace (OTLP ingestion, mlflow-api contract in
// src/server/README.md, "OTLP ingestion"): the trace row is created or widened to cover the
// spans, its state follows the root span, previews come from the root span, and the trace is
// named after its root span. Engines read the current row, call these, and write the result.
import { METADATA, TAGS } from '../../../core/model.ts';
import type { SpanRecord } from '../span-record.ts';

/** The fields of a trace row that spans decide. */
export interface TraceWindow {
  timestampMs: number;
  executionTimeMs: number | null;
  state: string;
  requestPreview: string | null;
  responsePreview: string | null;
}

export interface SpanBatchSummary {
  startMs: number;
  endMs: number;
  /** The batch's root span (no parent), if it holds one. */
  root?: SpanRecord;
  /** OK or ERROR from the root span's status; undefined without a root. */
  rootState?: 'OK' | 'ERROR';
  /** First session and user ids the batch carries. */
  sessionId?: string;
  userId?: string;
}

/** Spans grouped by trace id, in first-seen order. */
export function spansByTrace(spans: readonly SpanRecord[]): Map<string, SpanRecord[]> {
  const byTrace = new Map<string, SpanRecord[]>();
  for (const span of spans) {
    const list = byTrace.get(span.traceId);
    if (list) list.push(span);
    else byTrace.set(span.traceId, [span]);
  }
  return byTrace;
}

/** Time range, root and ids of one trace's spans (non-empty). An unfinished span ends where it starts. */
export function summarizeSpans(spans: readonly SpanRecord[]): SpanBatchSummary {
  let minStart = spans[0].startTimeNs;
  let maxEnd = spans[0].endTimeNs ?? spans[0].startTimeNs;
  let sessionId: string | undefined;
  let userId: string | undefined;
  for (const s of spans) {
    if (s.startTimeNs < minStart) minStart = s.startTimeNs;
    const end = s.endTimeNs ?? s.startTimeNs;
    if (end > maxEnd) maxEnd = end;
    sessionId ??= s.derived?.sessionId;
    userId ??= s.derived?.userId;
  }
  const root = spans.find((s) => s.parentSpanId === null);
  return {
    startMs: Number(minStart / 1_000_000n),
    endMs: Number(maxEnd / 1_000_000n),
    root,
    rootState: root ? (root.status === 'ERROR' ? 'ERROR' : 'OK') : undefined,
    sessionId,
    userId,
  };
}

/** A trace first seen through its spans: IN_PROGRESS until its root span arrives. */
export function traceFromSpans(summary: SpanBatchSummary): TraceWindow {
  return {
    timestampMs: summary.startMs,
    executionTimeMs: summary.endMs - summary.startMs,
    state: summary.rootState ?? 'IN_PROGRESS',
    requestPreview: summary.root?.derived?.requestPreview ?? null,
    responsePreview: summary.root?.derived?.responsePreview ?? null,
  };
}

/**
 * An existing trace after more of its spans arrive. A finalized trace (StartTraceV3 seen) keeps
 * the times the SDK sent; otherwise the window widens to cover the spans. The root span promotes
 * IN_PROGRESS (or unspecified) to OK/ERROR and never overrides a state a client set. Previews
 * already present are kept.
 */
export function widenTrace(existing: TraceWindow, summary: SpanBatchSummary, finalized: boolean): TraceWindow {
  const next = { ...existing };
  if (!finalized) {
    const oldEnd = existing.timestampMs + (existing.executionTimeMs ?? 0);
    next.timestampMs = Math.min(existing.timestampMs, summary.startMs);
    next.executionTimeMs = Math.max(oldEnd, summary.endMs) - next.timestampMs;
  }
  if (summary.rootState && (existing.state === 'IN_PROGRESS' || existing.state === 'STATE_UNSPECIFIED'))
    next.state = summary.rootState;
  if (summary.root) {
    next.requestPreview ??= summary.root.derived?.requestPreview ?? null;
    next.responsePreview ??= summary.root.derived?.responsePreview ?? null;
  }
  return next;
}

/** Tags and metadata a span batch writes: `set` replaces, `ifAbsent` keeps a value already there. */
export interface SpanBatchKeyValues {
  tags: { set: Record<string, string>; ifAbsent: Record<string, string> };
  metadata: { ifAbsent: Record<string, string> };
}

export function spanBatchKeyValues(summary: SpanBatchSummary): SpanBatchKeyValues {
  const metadata: Record<string, string> = {};
  if (summary.sessionId !== undefined) metadata[METADATA.session] = summary.sessionId;
  if (summary.userId !== undefined) metadata[METADATA.user] = summary.userId;
  return {
    // The spans are stored here: clients read them from the tracking store.
    tags: {
      set: { [TAGS.spansLocation]: 'TRACKING_STORE' },
      // Our choice (MLflow leaves OTLP-only traces unnamed): name the trace after its root span.
      ifAbsent: summary.root ? { [TAGS.traceName]: summary.root.name } : {},
    },
    metadata: { ifAbsent: metadata },
  };
}

/** Replacing all spans (traces.json upload) marks where they live, as ingestion does. */
export const SPANS_LOCATION_TAG = { key: TAGS.spansLocation, value: 'TRACKING_STORE' } as const;
