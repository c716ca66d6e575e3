import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

/** A trace whose root span has not ended yet: what updateCurrentTrace writes and the exporter reads. */
export interface PendingTrace {
  otelTraceId: string;
  /** MLflow trace id, `tr-` + the 32-hex OTel trace id. */
  traceId: string;
  rootSpanId: string;
  clientRequestId?: string;
  metadata: Record<string, string>;
  tags: Record<string, string>;
  spans: ReadableSpan[];
}

/** The update accepted by updateCurrentTrace (MLflow's `update_current_trace`). */
export interface TraceUpdate {
  clientRequestId?: string;
  /** Shorthand for metadata `mlflow.trace.user`. */
  user?: string;
  /** Shorthand for metadata `mlflow.trace.session`. */
  session?: string;
  metadata?: Record<string, string>;
  tags?: Record<string, string>;
}

export const mlflowTraceId = (otelTraceId: string) => `tr-${otelTraceId}`;
