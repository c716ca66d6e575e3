// Span writes on PostgreSQL: OTLP batches and traces.json uploads. What a batch does to its trace (state,
// window, previews, name, sums) is decided by ../rules/span-batch.ts and ../rules/usage-sums.ts; this module
// locks the trace row (pg-trace-writes.ts, insertOrLockTrace), reads the current rows and writes their
// answer. Traces of one batch are locked in trace id order, so two batches never wait on each other in a cycle.
import { METADATA } from '../../../core/model.ts';
import { traceNotFound } from '../rules/mlflow-errors.ts';
import {
  SPANS_LOCATION_TAG,
  spanBatchKeyValues,
  spansByTrace,
  summarizeSpans,
  traceFromSpans,
  widenTrace,
} from '../rules/span-batch.ts';
import { FINALIZED_KEY } from '../rules/start-trace.ts';
import { addToSum, roundCost, sumDeltas, type StoredContribution, type Sums } from '../rules/usage-sums.ts';
import type { SpanRecord } from '../span-record.ts';
import { unpackSpans } from '../packed-spans.ts';
import type { PackedSpanBatch, SpanBatch } from '../trace-store.ts';
import { num, numOrNull, type PgContext, type Sql } from './pg-context.ts';
import type { PgExperiments } from './pg-experiments.ts';
import { insertOrLockTrace, putKeyValues } from './pg-trace-writes.ts';

/**
 * Upserts spans of any traces of the batch in one statement. The arrays travel as JSON: nanosecond times as text
 * (beyond 2^53). A (trace, span id) repeated in the input would make ON CONFLICT touch a row twice: callers pass
 * the last of each (spansJson).
 */
const UPSERT_SPANS = `INSERT INTO spans (trace_key, span_id, experiment_id, parent_span_id, name, type, status, start_time_ns, end_time_ns, content)
  SELECT x.trace_key::bigint, x.span_id, $1, x.parent_span_id, x.name, x.type, x.status, x.start_time_ns::bigint, x.end_time_ns::bigint, x.content
  FROM json_to_recordset($2::json) AS x(trace_key text, span_id text, parent_span_id text, name text, type text, status text,
    start_time_ns text, end_time_ns text, content text)
  ON CONFLICT (trace_key, span_id) DO UPDATE SET parent_span_id = excluded.parent_span_id, name = excluded.name, type = excluded.type,
    status = excluded.status, start_time_ns = excluded.start_time_ns, end_time_ns = excluded.end_time_ns, content = excluded.content`;

/** Key/value rows of several traces in one statement; each (trace, key) appears once (a batch names a trace once). */
function putTraceKeyValues(
  sql: Sql,
  table: 'trace_tags' | 'trace_metadata',
  rows: KeyValueRow[],
  onConflict: 'replace' | 'keep',
): Promise<number> | undefined {
  if (rows.length === 0) return undefined;
  return sql.run(
    `INSERT INTO ${table} (trace_key, key, value) SELECT t, k, v FROM unnest($1::bigint[], $2::text[], $3::text[]) AS x(t, k, v)
     ON CONFLICT (trace_key, key) DO ${onConflict === 'replace' ? 'UPDATE SET value = excluded.value' : 'NOTHING'}`,
    [rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2])],
  );
}

type KeyValueRow = [traceKey: string, key: string, value: string];

function spansJson(spans: { traceKey: string; span: SpanRecord }[]): string {
  const last = new Map<string, { traceKey: string; span: SpanRecord }>();
  for (const s of spans) last.set(`${s.traceKey} ${s.span.spanId}`, s);
  return JSON.stringify(
    [...last.values()].map(({ traceKey, span: s }) => ({
      trace_key: traceKey,
      span_id: s.spanId,
      parent_span_id: s.parentSpanId,
      name: s.name,
      type: s.type,
      status: s.status,
      start_time_ns: s.startTimeNs.toString(),
      end_time_ns: s.endTimeNs === null ? null : s.endTimeNs.toString(),
      content: s.content,
    })),
  );
}

/** Spans per upsert statement: a 100,000-span batch is not one JSON text of its whole content built at once. */
const UPSERT_ROWS = 2000;

/**
 * Upserts in statements of UPSERT_ROWS spans, in batch order: a span id repeated across two statements ends as
 * its later copy, as the last-of-each rule within one statement has it.
 */
async function upsertSpans(sql: Sql, experimentId: number | string, spans: { traceKey: string; span: SpanRecord }[]) {
  for (let i = 0; i < spans.length; i += UPSERT_ROWS)
    await sql.run(UPSERT_SPANS, [experimentId, spansJson(spans.slice(i, i + UPSERT_ROWS))]);
}

/** What a batch writes besides the trace rows, gathered over its traces and written once per kind. */
interface BatchWrites {
  spans: { traceKey: string; span: SpanRecord }[];
  sums: KeyValueRow[];
  metadataIfAbsent: KeyValueRow[];
  tagsSet: KeyValueRow[];
  tagsIfAbsent: KeyValueRow[];
}

export class PgSpanWrites {
  constructor(
    private readonly ctx: PgContext,
    private readonly experiments: PgExperiments,
  ) {}

  /**
   * OTLP ingestion: one transaction for the batch. Each trace row is inserted or locked (and an existing one
   * read and widened) in trace id order; then the batch's spans, sums, metadata and tags are one statement each.
   */
  log(batch: SpanBatch): Promise<void> {
    return this.ctx.write((sql) => this.logIn(sql, batch));
  }

  /**
   * A packed batch (a large OTLP request): unpacked and logged a chunk at a time in one transaction, so the
   * event loop holds one chunk's records at a time and each step between round trips is bounded.
   */
  logPacked(batch: PackedSpanBatch): Promise<void> {
    return this.ctx.write(async (sql) => {
      for (const spans of unpackSpans(batch.spans, batch.limits))
        await this.logIn(sql, { experimentId: batch.experimentId, spans });
    });
  }

  /** One batch inside the caller's transaction. */
  private async logIn(sql: Sql, batch: SpanBatch): Promise<void> {
    const experimentId = await this.experiments.requireActive(sql, batch.experimentId);
    const byTrace = [...spansByTrace(batch.spans)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const writes: BatchWrites = { spans: [], sums: [], metadataIfAbsent: [], tagsSet: [], tagsIfAbsent: [] };
    for (const [traceId, spans] of byTrace) await this.logTraceSpans(sql, experimentId, traceId, spans, writes);
    await upsertSpans(sql, experimentId, writes.spans);
    await putTraceKeyValues(sql, 'trace_metadata', writes.sums, 'replace');
    await putTraceKeyValues(sql, 'trace_metadata', writes.metadataIfAbsent, 'keep');
    await putTraceKeyValues(sql, 'trace_tags', writes.tagsSet, 'replace');
    await putTraceKeyValues(sql, 'trace_tags', writes.tagsIfAbsent, 'keep');
  }

  /** Inserts or locks and widens the trace row; what the spans write besides goes to `writes`. */
  private async logTraceSpans(
    sql: Sql,
    experimentId: number,
    traceId: string,
    spans: SpanRecord[],
    writes: BatchWrites,
  ): Promise<void> {
    const summary = summarizeSpans(spans);
    const fresh = traceFromSpans(summary);
    const locked = await insertOrLockTrace(sql, traceId, {
      experimentId,
      clientRequestId: null,
      timestampMs: fresh.timestampMs,
      executionTimeMs: fresh.executionTimeMs,
      state: fresh.state,
      requestPreview: fresh.requestPreview,
      responsePreview: fresh.responsePreview,
    });
    let finalized = false;
    let stored = new Map<string, StoredContribution>();
    if (!locked.created) {
      const existing = locked.row;
      finalized =
        (await sql.one('SELECT 1 FROM trace_metadata WHERE trace_key = $1 AND key = $2', [
          locked.key,
          FINALIZED_KEY,
        ])) !== undefined;
      const t = widenTrace(
        {
          timestampMs: num(existing.timestamp_ms),
          executionTimeMs: numOrNull(existing.execution_time_ms),
          state: existing.state,
          requestPreview: existing.request_preview,
          responsePreview: existing.response_preview,
        },
        summary,
        finalized,
      );
      await sql.run(
        'UPDATE traces SET timestamp_ms = $1, execution_time_ms = $2, state = $3, request_preview = $4, response_preview = $5 WHERE trace_key = $6',
        [t.timestampMs, t.executionTimeMs, t.state, t.requestPreview, t.responsePreview, locked.key],
      );
      // What re-sent spans contributed before, read before the batch's upsert replaces them.
      if (!finalized && spans.some((s) => s.derived?.tokenUsage || s.derived?.cost))
        stored = await this.storedSums(sql, locked.key, spans);
    }
    // A finalized trace (StartTraceV3 seen) keeps the sums the SDK sent.
    const deltas = finalized ? {} : sumDeltas(spans, stored);
    for (const span of spans) writes.spans.push({ traceKey: locked.key, span });
    const created = locked.created;
    if (deltas.usage) writes.sums.push(await this.newSum(sql, locked.key, created, METADATA.tokenUsage, deltas.usage));
    if (deltas.cost)
      writes.sums.push(await this.newSum(sql, locked.key, created, METADATA.cost, deltas.cost, roundCost));

    const keyValues = spanBatchKeyValues(summary);
    for (const [k, v] of Object.entries(keyValues.metadata.ifAbsent)) writes.metadataIfAbsent.push([locked.key, k, v]);
    for (const [k, v] of Object.entries(keyValues.tags.set)) writes.tagsSet.push([locked.key, k, v]);
    for (const [k, v] of Object.entries(keyValues.tags.ifAbsent)) writes.tagsIfAbsent.push([locked.key, k, v]);
  }

  /** The usage and cost attributes the batch's span ids hold now (one statement), as the raw attribute text. */
  private async storedSums(sql: Sql, traceKey: string, spans: SpanRecord[]): Promise<Map<string, StoredContribution>> {
    const rows = await sql.rows<{ span_id: string; u: string | null; c: string | null }>(
      `SELECT span_id, try_jsonb(content) -> 'attributes' ->> 'mlflow.chat.tokenUsage' AS u,
         try_jsonb(content) -> 'attributes' ->> 'mlflow.llm.cost' AS c
       FROM spans WHERE trace_key = $1 AND span_id = ANY($2::text[])`,
      [traceKey, spans.map((s) => s.spanId)],
    );
    return new Map(rows.map((r) => [r.span_id, { usage: r.u, cost: r.c }]));
  }

  /** A sum kept in trace metadata (token usage, cost) after adding per-key deltas; the trace is locked, a new one has none. */
  private async newSum(
    sql: Sql,
    traceKey: string,
    created: boolean,
    key: string,
    delta: Sums,
    round?: (n: number) => number,
  ): Promise<KeyValueRow> {
    const current = created
      ? undefined
      : await sql.one<{ value: string }>('SELECT value FROM trace_metadata WHERE trace_key = $1 AND key = $2', [
          traceKey,
          key,
        ]);
    return [traceKey, key, addToSum(current?.value, delta, round)];
  }

  /** traces.json upload: the trace's spans become these. */
  replace(traceId: string, spans: SpanRecord[]): Promise<void> {
    return this.ctx.write(async (sql) => {
      const row = await sql.one<{ trace_key: string; experiment_id: string }>(
        'SELECT trace_key, experiment_id FROM traces WHERE trace_id = $1 FOR UPDATE',
        [traceId],
      );
      if (!row) throw traceNotFound(traceId);
      await sql.run('DELETE FROM spans WHERE trace_key = $1', [row.trace_key]);
      await upsertSpans(
        sql,
        row.experiment_id,
        spans.map((span) => ({ traceKey: row.trace_key, span })),
      );
      await putKeyValues(sql, 'trace_tags', row.trace_key, { [SPANS_LOCATION_TAG.key]: SPANS_LOCATION_TAG.value });
    });
  }
}
