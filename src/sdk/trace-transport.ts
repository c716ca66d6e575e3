import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { TraceInfo } from '../core/model.ts';

/** Where finished traces go. The HTTP transport talks to an MLflow server; tests substitute a fake. */
export interface TraceTransport {
  /** Sends spans (possibly of several traces) over OTLP. */
  exportSpans(spans: ReadableSpan[]): Promise<void>;
  /** Sends the final trace info through StartTraceV3. */
  startTrace(info: TraceInfo): Promise<void>;
  shutdown?(): Promise<void>;
}

/** One unit of export work: a finished trace, or spans that ended after their root. */
export interface FinishedTrace {
  spans: ReadableSpan[];
  info?: TraceInfo;
}
