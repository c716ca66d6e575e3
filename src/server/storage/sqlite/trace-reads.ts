// Reading traces on SQLite: infos with their tags, metadata and assessments in a fixed number of
// statements whatever the count, and spans in storage order.
import type { Assessment, TraceInfo } from '../../../core/model.ts';
import { withArtifactLocation } from '../rules/artifact-location.ts';
import type { SpanRecord } from '../span-record.ts';
import {
  groupKeyValues,
  pushTo,
  toAssessment,
  toSpanRecord,
  toTraceInfo,
  TRACE_COLUMNS,
  type AssessmentRow,
  type KeyValueRow,
  type SpanRow,
  type TraceRow,
} from '../trace-rows.ts';
import { ASSESSMENT_COLUMNS } from './assessments.ts';
import type { SqliteExperiments } from './experiments.ts';
import { IDS_JSON, type SqliteContext } from './sqlite-context.ts';

const SPAN_COLUMNS =
  't.trace_id, s.span_id, s.parent_span_id, s.name, s.type, s.status, s.start_time_ns, s.end_time_ns, s.content';
/** getSpans order within a trace: root first, then by start time. */
const SPAN_ORDER = 's.parent_span_id IS NOT NULL, s.start_time_ns, s.span_id';
/** Child rows of the traces whose ids are bound as one JSON array (child tables are keyed by trace_key). */
const OF_TRACES = `traces t ON t.trace_key = c.trace_key WHERE t.trace_id IN ${IDS_JSON}`;

export class SqliteTraceReads {
  private readonly ctx: SqliteContext;
  private readonly experiments: SqliteExperiments;

  constructor(ctx: SqliteContext, experiments: SqliteExperiments) {
    this.ctx = ctx;
    this.experiments = experiments;
  }

  exists(traceId: string): boolean {
    return this.ctx.stmt('SELECT 1 FROM traces WHERE trace_id = ?').get(traceId) !== undefined;
  }

  /** The stored trace's key (what its child rows reference), or undefined when there is no such trace. */
  key(traceId: string): number | undefined {
    return this.ctx.stmt('SELECT trace_key FROM traces WHERE trace_id = ?').pluck().get(traceId) as number | undefined;
  }

  /** Trace infos for ids in the given order (unknown ids skipped): four statements whatever the count. */
  infos(traceIds: string[]): TraceInfo[] {
    if (traceIds.length === 0) return [];
    const rows = this.ctx
      .stmt(`SELECT ${TRACE_COLUMNS} FROM traces t WHERE t.trace_id IN ${IDS_JSON}`)
      .all(JSON.stringify(traceIds)) as TraceRow[];
    const byId = new Map(rows.map((r) => [r.trace_id, r]));
    return this.assemble(traceIds.map((id) => byId.get(id)).filter((r): r is TraceRow => r !== undefined));
  }

  /** Attaches tags, metadata and assessments to trace rows with three batched statements. */
  assemble(rows: TraceRow[]): TraceInfo[] {
    if (rows.length === 0) return [];
    const idsJson = JSON.stringify(rows.map((r) => r.trace_id));
    const tags = groupKeyValues(
      this.ctx
        .stmt(`SELECT t.trace_id, c.key, c.value FROM trace_tags c JOIN ${OF_TRACES}`)
        .all(idsJson) as KeyValueRow[],
      (r) => r.trace_id,
    );
    const metadata = groupKeyValues(
      this.ctx
        .stmt(`SELECT t.trace_id, c.key, c.value FROM trace_metadata c JOIN ${OF_TRACES}`)
        .all(idsJson) as KeyValueRow[],
      (r) => r.trace_id,
    );
    const assessments = new Map<string, Assessment[]>();
    const assessmentRows = this.ctx
      .stmt(
        `SELECT ${ASSESSMENT_COLUMNS} FROM assessments a JOIN traces t ON t.trace_key = a.trace_key
         WHERE t.trace_id IN ${IDS_JSON} ORDER BY a.create_time, a.assessment_id`,
      )
      .all(idsJson) as AssessmentRow[];
    for (const row of assessmentRows) pushTo(assessments, row.trace_id, toAssessment(row));
    return rows.map((r) =>
      toTraceInfo(
        r,
        withArtifactLocation(tags.get(r.trace_id) ?? {}, this.experiments.artifactRoot(r.experiment_id), r.trace_id),
        metadata.get(r.trace_id) ?? {},
        assessments.get(r.trace_id) ?? [],
      ),
    );
  }

  /** Stored span count by trace (traces without spans absent): one statement, each count a primary-key range. */
  spanCounts(traceIds: string[]): Map<string, number> {
    const rows = this.ctx
      .stmt(`SELECT t.trace_id, COUNT(*) AS n FROM spans c JOIN ${OF_TRACES} GROUP BY t.trace_key`)
      .all(JSON.stringify(traceIds)) as { trace_id: string; n: number }[];
    return new Map(rows.map((r) => [r.trace_id, r.n]));
  }

  /** Stored spans by trace (root first, then by start time). */
  spansOfTraces(traceIds: string[]): Map<string, SpanRecord[]> {
    const rows = this.ctx
      .stmt(
        `SELECT ${SPAN_COLUMNS} FROM traces t JOIN spans s ON s.trace_key = t.trace_key
         WHERE t.trace_id IN ${IDS_JSON} ORDER BY t.trace_id, ${SPAN_ORDER}`,
      )
      .safeIntegers(true)
      .all(JSON.stringify(traceIds)) as SpanRow[];
    const out = new Map<string, SpanRecord[]>();
    for (const r of rows) pushTo(out, r.trace_id, toSpanRecord(r));
    return out;
  }

  /** A trace's span ids in spansOfTraces order, from the key columns only (streamed reads page by them). */
  spanOrder(traceId: string): string[] {
    return this.ctx
      .stmt(
        `SELECT s.span_id FROM traces t JOIN spans s ON s.trace_key = t.trace_key WHERE t.trace_id = ? ORDER BY ${SPAN_ORDER}`,
      )
      .pluck()
      .all(traceId) as string[];
  }

  /** The trace's spans with these ids, in the ids' order (ids no longer stored are skipped). */
  spansByIds(traceId: string, spanIds: string[]): SpanRecord[] {
    const rows = this.ctx
      .stmt(
        `SELECT ${SPAN_COLUMNS} FROM traces t JOIN spans s ON s.trace_key = t.trace_key
         WHERE t.trace_id = ? AND s.span_id IN ${IDS_JSON}`,
      )
      .safeIntegers(true)
      .all(traceId, JSON.stringify(spanIds)) as SpanRow[];
    const byId = new Map(rows.map((r) => [r.span_id, r]));
    return spanIds.flatMap((id) => {
      const row = byId.get(id);
      return row ? [toSpanRecord(row)] : [];
    });
  }
}
