// Reading traces on PostgreSQL: infos with their tags, metadata and assessments in a fixed number of
// statements whatever the count, and spans in storage order. Child tables are keyed by trace_key.
import type { Assessment, TraceInfo } from '../../../core/model.ts';
import { withArtifactLocation } from '../rules/artifact-location.ts';
import type { SpanRecord } from '../span-record.ts';
import {
  groupKeyValues,
  pushTo,
  toAssessment,
  toSpanRecord,
  toTraceInfo,
  type AssessmentRow,
  type SpanRow,
  type TraceRow,
} from '../trace-rows.ts';
import { num, numOrNull, type Sql } from './pg-context.ts';
import type { PgExperiments } from './pg-experiments.ts';

/** A trace row as PostgreSQL returns it: BIGINT columns as strings, plus the key child rows reference. */
export interface PgTraceRow {
  trace_key: string;
  trace_id: string;
  experiment_id: string;
  client_request_id: string | null;
  timestamp_ms: string;
  execution_time_ms: string | null;
  state: string;
  request_preview: string | null;
  response_preview: string | null;
}

export const PG_TRACE_COLUMNS =
  't.trace_key, t.trace_id, t.experiment_id, t.client_request_id, t.timestamp_ms, t.execution_time_ms, t.state, t.request_preview, t.response_preview';

/** Assessment columns in the shape of AssessmentRow (trace_id from the trace, valid as 0/1), over `a` joined to `t`. */
export const PG_ASSESSMENT_COLUMNS = `a.assessment_id, t.trace_id, a.name, a.type, a.value, a.valid::int AS valid, a.overrides,
  a.span_id, a.source_type, a.source_id, a.rationale, a.metadata, a.error, a.create_time, a.last_update_time`;

export function toTraceRow(r: PgTraceRow): TraceRow {
  return {
    trace_id: r.trace_id,
    experiment_id: num(r.experiment_id),
    client_request_id: r.client_request_id,
    timestamp_ms: num(r.timestamp_ms),
    execution_time_ms: numOrNull(r.execution_time_ms),
    state: r.state,
    request_preview: r.request_preview,
    response_preview: r.response_preview,
  };
}

export function toAssessmentRow(r: AssessmentRow): AssessmentRow {
  return { ...r, create_time: num(r.create_time), last_update_time: num(r.last_update_time) };
}

export class PgTraceReads {
  constructor(private readonly experiments: PgExperiments) {}

  /** Trace infos for ids in the given order (unknown ids skipped): four statements whatever the count. */
  async infos(sql: Sql, traceIds: string[]): Promise<TraceInfo[]> {
    if (traceIds.length === 0) return [];
    const rows = await sql.rows<PgTraceRow>(
      `SELECT ${PG_TRACE_COLUMNS} FROM traces t WHERE t.trace_id = ANY($1::text[])`,
      [traceIds],
    );
    const byId = new Map(rows.map((r) => [r.trace_id, r]));
    return this.assemble(
      sql,
      traceIds.map((id) => byId.get(id)).filter((r): r is PgTraceRow => r !== undefined),
    );
  }

  /** Attaches tags, metadata and assessments to trace rows with three batched statements. */
  async assemble(sql: Sql, rows: PgTraceRow[]): Promise<TraceInfo[]> {
    if (rows.length === 0) return [];
    const keys = rows.map((r) => r.trace_key);
    const [tagRows, metadataRows, assessmentRows, roots] = [
      await sql.rows<{ trace_key: string; key: string; value: string }>(
        'SELECT trace_key, key, value FROM trace_tags WHERE trace_key = ANY($1::bigint[])',
        [keys],
      ),
      await sql.rows<{ trace_key: string; key: string; value: string }>(
        'SELECT trace_key, key, value FROM trace_metadata WHERE trace_key = ANY($1::bigint[])',
        [keys],
      ),
      await sql.rows<AssessmentRow>(
        `SELECT ${PG_ASSESSMENT_COLUMNS} FROM assessments a JOIN traces t ON t.trace_key = a.trace_key
         WHERE a.trace_key = ANY($1::bigint[]) ORDER BY a.create_time, a.assessment_id`,
        [keys],
      ),
      await this.experiments.artifactRoots(
        sql,
        rows.map((r) => num(r.experiment_id)),
      ),
    ];
    const tags = groupKeyValues(tagRows, (r) => r.trace_key);
    const metadata = groupKeyValues(metadataRows, (r) => r.trace_key);
    const assessments = new Map<string, Assessment[]>();
    for (const row of assessmentRows) pushTo(assessments, row.trace_id, toAssessment(toAssessmentRow(row)));
    return rows.map((r) =>
      toTraceInfo(
        toTraceRow(r),
        withArtifactLocation(tags.get(r.trace_key) ?? {}, roots.get(num(r.experiment_id))!, r.trace_id),
        metadata.get(r.trace_key) ?? {},
        assessments.get(r.trace_id) ?? [],
      ),
    );
  }

  async exists(sql: Sql, traceId: string): Promise<boolean> {
    return (await sql.one('SELECT 1 FROM traces WHERE trace_id = $1', [traceId])) !== undefined;
  }

  /** Stored span count by trace (traces without spans absent): one statement. */
  async spanCounts(sql: Sql, traceIds: string[]): Promise<Map<string, number>> {
    const rows = await sql.rows<{ trace_id: string; n: string }>(
      `SELECT t.trace_id, COUNT(*) AS n FROM traces t JOIN spans s ON s.trace_key = t.trace_key
       WHERE t.trace_id = ANY($1::text[]) GROUP BY t.trace_id`,
      [traceIds],
    );
    return new Map(rows.map((r) => [r.trace_id, num(r.n)]));
  }

  /** Stored spans by trace (root first, then by start time). Nanosecond times exceed 2^53: read as text, kept as bigint. */
  async spansOfTraces(sql: Sql, traceIds: string[]): Promise<Map<string, SpanRecord[]>> {
    const out = new Map<string, SpanRecord[]>();
    if (traceIds.length === 0) return out;
    const rows = await sql.rows<SpanRow>(
      `SELECT t.trace_id, s.span_id, s.parent_span_id, s.name, s.type, s.status, s.start_time_ns::text AS start_time_ns,
         s.end_time_ns::text AS end_time_ns, s.content
       FROM traces t JOIN spans s ON s.trace_key = t.trace_key WHERE t.trace_id = ANY($1::text[])
       ORDER BY s.trace_key, s.parent_span_id IS NOT NULL, s.start_time_ns, s.span_id`,
      [traceIds],
    );
    for (const r of rows) pushTo(out, r.trace_id, toSpanRecord(r));
    return out;
  }
}
