import type { TraceUpdate } from './pending-trace.ts';
import { getCurrentSpan } from './start-span.ts';

/**
 * The counterpart of MLflow's `update_current_trace`: sets the client request id, user
 * (`mlflow.trace.user`), session (`mlflow.trace.session`), custom metadata and tags of the trace that
 * is active here. Outside a trace it does nothing but warn, since tracing must not break the app.
 */
export function updateCurrentTrace(update: TraceUpdate): void {
  try {
    const span = getCurrentSpan();
    if (span?.updateTrace(update)) return;
  } catch {
    // Fall through to the warning.
  }
  console.warn('[trace-explorer sdk] updateCurrentTrace() called outside an active trace; ignored.');
}
