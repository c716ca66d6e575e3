// Bulk load for benchmarks and imports: new traces with their tags, metadata, spans and
// assessments in one transaction, without the per-request checks of the API paths.
import type { SpanRecord } from '../span-record.ts';
import type { AssessmentInput } from '../trace-store.ts';
import type { SqliteAssessments } from './assessments.ts';
import type { SqliteContext } from './sqlite-context.ts';

/** A complete trace for bulkLoad. */
export interface BulkTrace {
  traceId: string;
  experimentId: string;
  clientRequestId?: string;
  timestampMs: number;
  executionTimeMs: number | null;
  state: string;
  requestPreview?: string;
  responsePreview?: string;
  tags: Record<string, string>;
  metadata: Record<string, string>;
  spans: SpanRecord[];
  assessments?: AssessmentInput[];
}

export function bulkLoad(ctx: SqliteContext, assessments: SqliteAssessments, traces: BulkTrace[]): void {
  const insertTrace = ctx.stmt(
    `INSERT INTO traces (trace_id, experiment_id, client_request_id, timestamp_ms, execution_time_ms, state, request_preview, response_preview)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertTag = ctx.stmt('INSERT INTO trace_tags (trace_key, key, value) VALUES (?, ?, ?)');
  const insertMeta = ctx.stmt('INSERT INTO trace_metadata (trace_key, key, value) VALUES (?, ?, ?)');
  const insertSpan = ctx.stmt(
    `INSERT INTO spans (trace_key, span_id, parent_span_id, name, type, status, start_time_ns, end_time_ns, content)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  ctx.db.transaction(() => {
    for (const t of traces) {
      // Child rows reference the new trace by its key (the rowid just given).
      const { lastInsertRowid: key } = insertTrace.run(
        t.traceId,
        Number(t.experimentId),
        t.clientRequestId ?? null,
        t.timestampMs,
        t.executionTimeMs,
        t.state,
        t.requestPreview ?? null,
        t.responsePreview ?? null,
      );
      for (const [k, v] of Object.entries(t.tags)) insertTag.run(key, k, v);
      for (const [k, v] of Object.entries(t.metadata)) insertMeta.run(key, k, v);
      for (const s of t.spans)
        insertSpan.run(key, s.spanId, s.parentSpanId, s.name, s.type, s.status, s.startTimeNs, s.endTimeNs, s.content);
      for (const a of t.assessments ?? []) assessments.insert({ ...a, traceId: t.traceId }, key);
    }
  })();
}
