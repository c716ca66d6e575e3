import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { METADATA, SPAN_ATTRIBUTES } from '../core/model.ts';
import { setOwnKey } from '../core/own-key.ts';
import { buildTraceInfo } from './build-trace-info.ts';
import type { ExportQueue } from './export-queue.ts';
import { toAttributeValue } from './json-attribute.ts';
import { mlflowTraceId, type PendingTrace, type TraceUpdate } from './pending-trace.ts';

// Traces whose root never ends (a leaked span) must not grow memory without bound.
const MAX_PENDING_TRACES = 10_000;

/**
 * Turns OTel spans into MLflow traces: tags every span with its MLflow trace id, collects a trace's
 * spans until its root ends, then hands spans + final TraceInfo to the export queue. Every hook is
 * guarded, because OTel calls processors synchronously from application code.
 */
export class MlflowSpanProcessor implements SpanProcessor {
  private readonly pending = new Map<string, PendingTrace>();

  constructor(
    private readonly queue: ExportQueue,
    private readonly experimentId: string,
    private readonly autoMetadata: () => Record<string, string>,
  ) {}

  onStart(span: Span, _parentContext: Context): void {
    try {
      const { traceId: otelTraceId, spanId } = span.spanContext();
      let trace = this.pending.get(otelTraceId);
      if (!trace) {
        if (this.pending.size >= MAX_PENDING_TRACES) {
          const oldest = this.pending.keys().next().value;
          if (oldest !== undefined) this.pending.delete(oldest);
        }
        trace = {
          otelTraceId,
          traceId: mlflowTraceId(otelTraceId),
          rootSpanId: spanId,
          metadata: {},
          tags: {},
          spans: [],
        };
        this.pending.set(otelTraceId, trace);
      }
      span.setAttribute(SPAN_ATTRIBUTES.traceRequestId, toAttributeValue(trace.traceId));
    } catch {
      // Tracing must never break the traced code.
    }
  }

  onEnd(span: ReadableSpan): void {
    try {
      const { traceId: otelTraceId, spanId } = span.spanContext();
      const trace = this.pending.get(otelTraceId);
      if (!trace) {
        // A span that outlived its root: still deliver it, the server upserts spans by id.
        this.queue.enqueue({ spans: [span] });
        return;
      }
      trace.spans.push(span);
      if (spanId !== trace.rootSpanId) return;
      this.pending.delete(otelTraceId);
      const info = buildTraceInfo(trace, span, this.experimentId, this.autoMetadata());
      this.queue.enqueue({ spans: trace.spans, info });
    } catch {
      // See onStart.
    }
  }

  /** Applies an update to an unfinished trace; returns false when the trace is not (or no longer) pending. */
  updateTrace(otelTraceId: string, update: TraceUpdate): boolean {
    const trace = this.pending.get(otelTraceId);
    if (!trace) return false;
    if (update.clientRequestId !== undefined) trace.clientRequestId = String(update.clientRequestId);
    for (const [key, value] of Object.entries(update.metadata ?? {})) setOwnKey(trace.metadata, key, String(value));
    for (const [key, value] of Object.entries(update.tags ?? {})) setOwnKey(trace.tags, key, String(value));
    if (update.user !== undefined) trace.metadata[METADATA.user] = String(update.user);
    if (update.session !== undefined) trace.metadata[METADATA.session] = String(update.session);
    return true;
  }

  forceFlush(): Promise<void> {
    return this.queue.flush();
  }

  shutdown(): Promise<void> {
    return this.queue.shutdown();
  }
}
