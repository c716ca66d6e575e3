// Span writes on SQLite: OTLP batches and traces.json uploads. What a batch does to its trace
// (state, window, previews, name, sums) is decided by ../rules/span-batch.ts and
// ../rules/usage-sums.ts; this module reads the current rows and writes their answer.
import { METADATA } from '../../../core/model.ts';
import { traceNotFound } from '../rules/mlflow-errors.ts';
import {
  SPANS_LOCATION_TAG,
  spanBatchKeyValues,
  spansByTrace,
  summarizeSpans,
  traceFromSpans,
  widenTrace,
  type TraceWindow,
} from '../rules/span-batch.ts';
import { FINALIZED_KEY } from '../rules/start-trace.ts';
import { addToSum, roundCost, sumDeltas, type StoredContribution, type Sums } from '../rules/usage-sums.ts';
import type { SpanRecord } from '../span-record.ts';
import type { SpanBatch } from '../trace-store.ts';
import type { ExperimentRow, SqliteExperiments } from './experiments.ts';
import { IDS_JSON, type SqliteContext } from './sqlite-context.ts';

const SPAN_COLUMNS = 'trace_id, span_id, parent_span_id, name, type, status, start_time_ns, end_time_ns, content';

function spanParams(traceId: string, s: SpanRecord): unknown[] {
  return [traceId, s.spanId, s.parentSpanId, s.name, s.type, s.status, s.startTimeNs, s.endTimeNs, s.content];
}

export class SqliteSpanWrites {
  constructor(
    private readonly ctx: SqliteContext,
    private readonly experiments: SqliteExperiments,
  ) {}

  /** OTLP ingestion, inside a write transaction. */
  log(batch: SpanBatch): void {
    const experiment = this.experiments.requireActive(batch.experimentId);
    for (const [traceId, spans] of spansByTrace(batch.spans)) this.logTraceSpans(experiment, traceId, spans);
  }

  private logTraceSpans(experiment: ExperimentRow, traceId: string, spans: SpanRecord[]): void {
    const summary = summarizeSpans(spans);
    const existing = this.ctx
      .stmt(
        'SELECT timestamp_ms, execution_time_ms, state, request_preview, response_preview FROM traces WHERE trace_id = ?',
      )
      .get(traceId) as
      | {
          timestamp_ms: number;
          execution_time_ms: number | null;
          state: string;
          request_preview: string | null;
          response_preview: string | null;
        }
      | undefined;
    let finalized = false;
    let stored = new Map<string, StoredContribution>();
    if (!existing) {
      const t = traceFromSpans(summary);
      this.ctx
        .stmt(
          `INSERT INTO traces (trace_id, experiment_id, client_request_id, timestamp_ms, execution_time_ms, state, request_preview, response_preview)
           VALUES (?, ?, NULL, ?, ?, ?, ?, ?)`,
        )
        .run(
          traceId,
          experiment.experiment_id,
          t.timestampMs,
          t.executionTimeMs,
          t.state,
          t.requestPreview,
          t.responsePreview,
        );
    } else {
      finalized =
        this.ctx.stmt('SELECT 1 FROM trace_metadata WHERE trace_id = ? AND key = ?').get(traceId, FINALIZED_KEY) !==
        undefined;
      const before: TraceWindow = {
        timestampMs: existing.timestamp_ms,
        executionTimeMs: existing.execution_time_ms,
        state: existing.state,
        requestPreview: existing.request_preview,
        responsePreview: existing.response_preview,
      };
      const t = widenTrace(before, summary, finalized);
      this.ctx
        .stmt(
          'UPDATE traces SET timestamp_ms = ?, execution_time_ms = ?, state = ?, request_preview = ?, response_preview = ? WHERE trace_id = ?',
        )
        .run(t.timestampMs, t.executionTimeMs, t.state, t.requestPreview, t.responsePreview, traceId);
      // What re-sent spans contributed before, read once for the batch.
      if (!finalized && spans.some((s) => s.derived?.tokenUsage || s.derived?.cost))
        stored = this.storedSums(traceId, spans);
    }

    const upsert = this.ctx.stmt(
      `INSERT INTO spans (${SPAN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (trace_id, span_id) DO UPDATE SET parent_span_id = excluded.parent_span_id, name = excluded.name, type = excluded.type,
         status = excluded.status, start_time_ns = excluded.start_time_ns, end_time_ns = excluded.end_time_ns, content = excluded.content`,
    );
    // A finalized trace (StartTraceV3 seen) keeps the sums the SDK sent.
    const deltas = finalized ? {} : sumDeltas(spans, stored);
    for (const span of spans) upsert.run(...spanParams(traceId, span));
    if (deltas.usage) this.addToSum(traceId, METADATA.tokenUsage, deltas.usage);
    if (deltas.cost) this.addToSum(traceId, METADATA.cost, deltas.cost, roundCost);

    const keyValues = spanBatchKeyValues(summary);
    const putMetaIfAbsent = this.ctx.stmt(
      'INSERT OR IGNORE INTO trace_metadata (trace_id, key, value) VALUES (?, ?, ?)',
    );
    for (const [k, v] of Object.entries(keyValues.metadata.ifAbsent)) putMetaIfAbsent.run(traceId, k, v);
    const putTag = this.ctx.stmt('INSERT OR REPLACE INTO trace_tags (trace_id, key, value) VALUES (?, ?, ?)');
    for (const [k, v] of Object.entries(keyValues.tags.set)) putTag.run(traceId, k, v);
    const putTagIfAbsent = this.ctx.stmt('INSERT OR IGNORE INTO trace_tags (trace_id, key, value) VALUES (?, ?, ?)');
    for (const [k, v] of Object.entries(keyValues.tags.ifAbsent)) putTagIfAbsent.run(traceId, k, v);
  }

  /** The usage and cost attributes the batch's span ids hold now (one statement). */
  private storedSums(traceId: string, spans: SpanRecord[]): Map<string, StoredContribution> {
    const rows = this.ctx
      .stmt(
        `SELECT span_id, json_extract(content, '$.attributes."mlflow.chat.tokenUsage"') AS u, json_extract(content, '$.attributes."mlflow.llm.cost"') AS c
         FROM spans WHERE trace_id = ? AND span_id IN ${IDS_JSON}`,
      )
      .all(traceId, JSON.stringify(spans.map((s) => s.spanId))) as {
      span_id: string;
      u: string | null;
      c: string | null;
    }[];
    return new Map(rows.map((r) => [r.span_id, { usage: r.u, cost: r.c }]));
  }

  /** Adds per-key deltas to a JSON object of numbers kept in trace metadata (token usage, cost). */
  private addToSum(traceId: string, key: string, delta: Sums, round?: (n: number) => number): void {
    const current = this.ctx
      .stmt('SELECT value FROM trace_metadata WHERE trace_id = ? AND key = ?')
      .get(traceId, key) as { value: string } | undefined;
    this.ctx
      .stmt('INSERT OR REPLACE INTO trace_metadata (trace_id, key, value) VALUES (?, ?, ?)')
      .run(traceId, key, addToSum(current?.value, delta, round));
  }

  /** traces.json upload, inside a write transaction: the trace's spans become these. */
  replace(traceId: string, spans: SpanRecord[]): void {
    if (!this.ctx.stmt('SELECT 1 FROM traces WHERE trace_id = ?').get(traceId)) throw traceNotFound(traceId);
    this.ctx.stmt('DELETE FROM spans WHERE trace_id = ?').run(traceId);
    const insert = this.ctx.stmt(`INSERT OR REPLACE INTO spans (${SPAN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    for (const s of spans) insert.run(...spanParams(traceId, s));
    this.ctx
      .stmt('INSERT OR REPLACE INTO trace_tags (trace_id, key, value) VALUES (?, ?, ?)')
      .run(traceId, SPANS_LOCATION_TAG.key, SPANS_LOCATION_TAG.value);
  }
}
