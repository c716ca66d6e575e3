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
import type { SqliteExperiments } from './experiments.ts';
import { IDS_JSON, type SqliteContext } from './sqlite-context.ts';

const SPAN_COLUMNS = 'trace_key, span_id, parent_span_id, name, type, status, start_time_ns, end_time_ns, content';

function spanParams(traceKey: TraceKey, s: SpanRecord): unknown[] {
  return [traceKey, s.spanId, s.parentSpanId, s.name, s.type, s.status, s.startTimeNs, s.endTimeNs, s.content];
}

/** A stored trace's `trace_key` (a rowid: read as a number, as every key below 2^53 is). */
type TraceKey = number;

/** Spans per multi-row upsert: 9 parameters each, far below SQLite's 32,766. */
const SPAN_ROWS = 64;
const SPAN_UPSERT = (rows: number) =>
  `INSERT INTO spans (${SPAN_COLUMNS}) VALUES ${Array.from({ length: rows }, () => '(?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}
   ON CONFLICT (trace_key, span_id) DO UPDATE SET parent_span_id = excluded.parent_span_id, name = excluded.name, type = excluded.type,
     status = excluded.status, start_time_ns = excluded.start_time_ns, end_time_ns = excluded.end_time_ns, content = excluded.content`;

/** (trace key, key, value) triples bound as one JSON array: one statement per kind of write for the whole batch. */
const TRIPLES = "SELECT j.value ->> '$[0]', j.value ->> '$[1]', j.value ->> '$[2]' FROM json_each(?) j";
/** The batch's new traces in one statement; their keys come back in insertion order (the next rowids). */
const NEW_TRACES = `INSERT INTO traces (trace_id, experiment_id, client_request_id, timestamp_ms, execution_time_ms, state, request_preview, response_preview)
  SELECT j.value ->> '$[0]', ?, NULL, j.value ->> '$[1]', j.value ->> '$[2]', j.value ->> '$[3]', j.value ->> '$[4]', j.value ->> '$[5]'
  FROM json_each(?) j RETURNING trace_id, trace_key`;

type Triple = [traceKey: TraceKey, key: string, value: string];

interface StoredTrace {
  trace_key: number;
  trace_id: string;
  timestamp_ms: number;
  execution_time_ms: number | null;
  state: string;
  request_preview: string | null;
  response_preview: string | null;
  finalized: number;
}

export class SqliteSpanWrites {
  constructor(
    private readonly ctx: SqliteContext,
    private readonly experiments: SqliteExperiments,
  ) {}

  /**
   * OTLP ingestion, inside a write transaction. The batch's traces are read in one statement and its
   * new traces inserted in one (which hands back their keys); each kind of child write (spans, tags,
   * metadata) is one statement for the whole batch, addressed by trace_key, so a batch of 512 spans
   * costs a handful of statements plus one UPDATE per trace that already existed.
   */
  log(batch: SpanBatch): void {
    const experiment = this.experiments.requireActive(batch.experimentId);
    const byTrace = spansByTrace(batch.spans);
    const stored = this.storedTraces([...byTrace.keys()]);
    const summaries = new Map([...byTrace].map(([traceId, spans]) => [traceId, summarizeSpans(spans)]));
    const keys = new Map([...stored.values()].map((t) => [t.trace_id, t.trace_key]));
    const newTraces: unknown[][] = [];
    for (const [traceId, summary] of summaries) {
      if (stored.has(traceId)) continue;
      const t = traceFromSpans(summary);
      newTraces.push([traceId, t.timestampMs, t.executionTimeMs, t.state, t.requestPreview, t.responsePreview]);
    }
    if (newTraces.length > 0) {
      const inserted = this.ctx.stmt(NEW_TRACES).all(experiment.experiment_id, JSON.stringify(newTraces)) as {
        trace_id: string;
        trace_key: number;
      }[];
      for (const r of inserted) keys.set(r.trace_id, r.trace_key);
    }
    const tagsSet: Triple[] = [];
    const tagsIfAbsent: Triple[] = [];
    const metadataIfAbsent: Triple[] = [];
    const sums: Triple[] = [];
    // Re-sent spans' earlier usage and cost are read before the upsert below replaces them.
    for (const [traceId, spans] of byTrace) {
      const summary = summaries.get(traceId)!;
      const key = keys.get(traceId)!;
      const existing = stored.get(traceId);
      const finalized = existing?.finalized === 1;
      if (existing) {
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
            'UPDATE traces SET timestamp_ms = ?, execution_time_ms = ?, state = ?, request_preview = ?, response_preview = ? WHERE trace_key = ?',
          )
          .run(t.timestampMs, t.executionTimeMs, t.state, t.requestPreview, t.responsePreview, key);
      }
      // A finalized trace (StartTraceV3 seen) keeps the sums the SDK sent.
      if (!finalized) {
        const hasSums = spans.some((s) => s.derived?.tokenUsage || s.derived?.cost);
        // What re-sent spans contributed before, read once per trace; a new trace has nothing stored.
        const deltas = hasSums ? sumDeltas(spans, existing ? this.storedSums(key, spans) : new Map()) : {};
        if (deltas.usage) sums.push(this.newSum(key, !!existing, METADATA.tokenUsage, deltas.usage));
        if (deltas.cost) sums.push(this.newSum(key, !!existing, METADATA.cost, deltas.cost, roundCost));
      }
      const keyValues = spanBatchKeyValues(summary);
      for (const [k, v] of Object.entries(keyValues.metadata.ifAbsent)) metadataIfAbsent.push([key, k, v]);
      for (const [k, v] of Object.entries(keyValues.tags.set)) tagsSet.push([key, k, v]);
      for (const [k, v] of Object.entries(keyValues.tags.ifAbsent)) tagsIfAbsent.push([key, k, v]);
    }

    this.upsertSpans(batch.spans, (traceId) => keys.get(traceId)!);
    this.putTriples('INSERT OR REPLACE INTO trace_metadata (trace_key, key, value)', sums);
    this.putTriples('INSERT OR IGNORE INTO trace_metadata (trace_key, key, value)', metadataIfAbsent);
    this.putTriples('INSERT OR REPLACE INTO trace_tags (trace_key, key, value)', tagsSet);
    this.putTriples('INSERT OR IGNORE INTO trace_tags (trace_key, key, value)', tagsIfAbsent);
  }

  /** The batch's traces that exist, with whether StartTraceV3 finalized them (one statement). */
  private storedTraces(traceIds: string[]): Map<string, StoredTrace> {
    const rows = this.ctx
      .stmt(
        `SELECT t.trace_key, t.trace_id, t.timestamp_ms, t.execution_time_ms, t.state, t.request_preview, t.response_preview,
           EXISTS (SELECT 1 FROM trace_metadata m WHERE m.trace_key = t.trace_key AND m.key = ?) AS finalized
         FROM traces t WHERE t.trace_id IN ${IDS_JSON}`,
      )
      .all(FINALIZED_KEY, JSON.stringify(traceIds)) as StoredTrace[];
    return new Map(rows.map((r) => [r.trace_id, r]));
  }

  /** Multi-row upserts in batch order (a span id sent twice in one batch ends as its last copy, as row by row). */
  private upsertSpans(spans: SpanRecord[], keyOf: (traceId: string) => TraceKey): void {
    let i = 0;
    if (spans.length >= SPAN_ROWS) {
      const many = this.ctx.stmt(SPAN_UPSERT(SPAN_ROWS));
      for (; i + SPAN_ROWS <= spans.length; i += SPAN_ROWS)
        many.run(spans.slice(i, i + SPAN_ROWS).flatMap((s) => spanParams(keyOf(s.traceId), s)));
    }
    const one = this.ctx.stmt(SPAN_UPSERT(1));
    for (; i < spans.length; i++) one.run(spanParams(keyOf(spans[i].traceId), spans[i]));
  }

  private putTriples(insert: string, triples: Triple[]): void {
    if (triples.length > 0) this.ctx.stmt(`${insert} ${TRIPLES}`).run(JSON.stringify(triples));
  }

  /** The usage and cost attributes the batch's span ids hold now (one statement). */
  private storedSums(traceKey: TraceKey, spans: SpanRecord[]): Map<string, StoredContribution> {
    const rows = this.ctx
      .stmt(
        `SELECT span_id, json_extract(content, '$.attributes."mlflow.chat.tokenUsage"') AS u, json_extract(content, '$.attributes."mlflow.llm.cost"') AS c
         FROM spans WHERE trace_key = ? AND span_id IN ${IDS_JSON}`,
      )
      .all(traceKey, JSON.stringify(spans.map((s) => s.spanId))) as {
      span_id: string;
      u: string | null;
      c: string | null;
    }[];
    return new Map(rows.map((r) => [r.span_id, { usage: r.u, cost: r.c }]));
  }

  /** A sum kept in trace metadata (token usage, cost) after adding per-key deltas; a new trace starts from none. */
  private newSum(traceKey: TraceKey, exists: boolean, key: string, delta: Sums, round?: (n: number) => number): Triple {
    const current = exists
      ? (this.ctx.stmt('SELECT value FROM trace_metadata WHERE trace_key = ? AND key = ?').get(traceKey, key) as
          { value: string } | undefined)
      : undefined;
    return [traceKey, key, addToSum(current?.value, delta, round)];
  }

  /** traces.json upload, inside a write transaction: the trace's spans become these. */
  replace(traceId: string, spans: SpanRecord[]): void {
    const key = this.ctx.stmt('SELECT trace_key FROM traces WHERE trace_id = ?').pluck().get(traceId) as
      number | undefined;
    if (key === undefined) throw traceNotFound(traceId);
    this.ctx.stmt('DELETE FROM spans WHERE trace_key = ?').run(key);
    // Every span becomes this trace's, whatever trace id it carried.
    this.upsertSpans(spans, () => key);
    this.ctx
      .stmt('INSERT OR REPLACE INTO trace_tags (trace_key, key, value) VALUES (?, ?, ?)')
      .run(key, SPANS_LOCATION_TAG.key, SPANS_LOCATION_TAG.value);
  }
}
