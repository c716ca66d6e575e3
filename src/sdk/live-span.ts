import { SpanStatusCode, type HrTime, type Span } from '@opentelemetry/api';
import { SPAN_ATTRIBUTES } from '../core/model.ts';
import { getSdk } from './init.ts';
import { toAttributeValue } from './json-attribute.ts';
import { mlflowTraceId, type TraceUpdate } from './pending-trace.ts';
import type { SpanType, TokenUsage } from './span-type.ts';

/** Epoch milliseconds as OTel HrTime, exact to the nanosecond (OTel's own number handling guesses units). */
export function millisToHrTime(ms: number): HrTime {
  const seconds = Math.floor(ms / 1000);
  return [seconds, Math.round((ms - seconds * 1000) * 1e6)];
}

export interface SpanEndOptions {
  outputs?: unknown;
  /** Epoch ms; default now. */
  endTimeMs?: number;
  status?: 'OK' | 'ERROR';
  statusMessage?: string;
}

/** A span being recorded, with MLflow's attribute conventions (every value JSON-encoded). */
export class LiveSpan {
  private ended = false;
  private errored = false;

  constructor(readonly otelSpan: Span) {}

  /** MLflow trace id (`tr-<32 hex>`). */
  get traceId(): string {
    return mlflowTraceId(this.otelSpan.spanContext().traceId);
  }

  get spanId(): string {
    return this.otelSpan.spanContext().spanId;
  }

  setAttribute(key: string, value: unknown): this {
    this.otelSpan.setAttribute(key, toAttributeValue(value));
    return this;
  }

  setAttributes(attributes: Record<string, unknown>): this {
    for (const [key, value] of Object.entries(attributes)) this.setAttribute(key, value);
    return this;
  }

  setSpanType(type: SpanType): this {
    return this.setAttribute(SPAN_ATTRIBUTES.spanType, type);
  }

  setInputs(inputs: unknown): this {
    return this.setAttribute(SPAN_ATTRIBUTES.inputs, inputs);
  }

  setOutputs(outputs: unknown): this {
    return this.setAttribute(SPAN_ATTRIBUTES.outputs, outputs);
  }

  /** Token usage of an LLM call; the trace's `mlflow.trace.tokenUsage` is the sum over spans. */
  setTokenUsage(usage: { input_tokens: number; output_tokens: number; total_tokens?: number }): this {
    const full: TokenUsage = { ...usage, total_tokens: usage.total_tokens ?? usage.input_tokens + usage.output_tokens };
    return this.setAttribute(SPAN_ATTRIBUTES.tokenUsage, full);
  }

  addEvent(name: string, attributes: Record<string, string | number | boolean> = {}, timeMs?: number): this {
    this.otelSpan.addEvent(name, attributes, timeMs === undefined ? undefined : millisToHrTime(timeMs));
    return this;
  }

  /** Records an `exception` event and marks the span ERROR. */
  recordException(error: unknown, timeMs?: number): this {
    const err = error instanceof Error ? error : new Error(String(error));
    this.otelSpan.recordException(err, timeMs === undefined ? undefined : millisToHrTime(timeMs));
    this.otelSpan.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
    this.errored = true;
    return this;
  }

  /** Updates this span's trace (client request id, user, session, metadata, tags) while it is unfinished. */
  updateTrace(update: TraceUpdate): boolean {
    return getSdk().processor.updateTrace(this.otelSpan.spanContext().traceId, update);
  }

  end(options: SpanEndOptions = {}): void {
    if (this.ended) return;
    this.ended = true;
    if (options.outputs !== undefined) this.setOutputs(options.outputs);
    if (options.status === 'ERROR') {
      this.otelSpan.setStatus({ code: SpanStatusCode.ERROR, message: options.statusMessage ?? '' });
    } else if (!this.errored) {
      this.otelSpan.setStatus({ code: SpanStatusCode.OK });
    }
    this.otelSpan.end(options.endTimeMs === undefined ? undefined : millisToHrTime(options.endTimeMs));
  }
}
