// Public API of the TypeScript tracing SDK.
export { init, flush, shutdown, getExportStats, type InitOptions } from './init.ts';
export { trace, type TraceOptions } from './trace.ts';
export { startSpan, withSpan, getCurrentSpan, type StartSpanOptions } from './start-span.ts';
export { LiveSpan, type SpanEndOptions } from './live-span.ts';
export { updateCurrentTrace } from './update-current-trace.ts';
export type { TraceUpdate } from './pending-trace.ts';
export {
  logFeedback,
  logExpectation,
  type FeedbackInput,
  type ExpectationInput,
  type AssessmentSource,
} from './assessments.ts';
export { setTraceTag, deleteTraceTag } from './trace-tags.ts';
export {
  searchTraces,
  getTrace,
  type SearchTracesOptions,
  type SearchTracesPage,
  type TraceWithSpans,
} from './search-traces.ts';
export { MlflowApiError } from './mlflow-rest-client.ts';
export type { ExportStats } from './export-queue.ts';
export type { TraceTransport, FinishedTrace } from './trace-transport.ts';
export type { SpanType, TokenUsage } from './span-type.ts';
export { createMemoryTransport, type MemoryTransport } from './memory-transport.ts';
