// Assessments on SQLite. The rules (ids, times, update checks, overrides) are in
// ../rules/assessments.ts and the messages in ../rules/mlflow-errors.ts; this module runs SQL.
import type { Assessment } from '../../../core/model.ts';
import { assessmentRow, restoredOnDelete, updatedAssessment } from '../rules/assessments.ts';
import {
  assessmentIdTaken,
  assessmentNotFound,
  overriddenAssessmentNotFound,
  traceRequestIdNotFound,
} from '../rules/mlflow-errors.ts';
import { toAssessment, type AssessmentRow } from '../trace-rows.ts';
import type { AssessmentInput, AssessmentUpdate } from '../trace-store.ts';
import type { SqliteContext } from './sqlite-context.ts';

/** An assessment row as the wire needs it (`a`, with its trace `t` joined for the external trace id). */
export const ASSESSMENT_COLUMNS = `a.assessment_id, t.trace_id, a.name, a.type, a.value, a.valid, a.overrides, a.span_id,
  a.source_type, a.source_id, a.rationale, a.metadata, a.error, a.create_time, a.last_update_time`;
/** Assessments of one trace, by its external id. */
const OF_TRACE =
  'assessments a JOIN traces t ON t.trace_key = a.trace_key WHERE a.assessment_id = ? AND t.trace_id = ?';

const INSERT = `INSERT INTO assessments (assessment_id, trace_key, name, type, value, valid, overrides, span_id, source_type, source_id,
     rationale, metadata, error, create_time, last_update_time)
   VALUES (@assessment_id, @trace_key, @name, @type, @value, @valid, @overrides, @span_id, @source_type, @source_id,
     @rationale, @metadata, @error, @create_time, @last_update_time)`;

export class SqliteAssessments {
  private readonly ctx: SqliteContext;

  constructor(ctx: SqliteContext) {
    this.ctx = ctx;
  }

  private traceKey(traceId: string): number | undefined {
    return this.ctx.stmt('SELECT trace_key FROM traces WHERE trace_id = ?').pluck().get(traceId) as number | undefined;
  }

  /**
   * Writes an assessment, inside a write transaction. Without an id it is inserted under a new
   * one. With a client id (inside StartTraceV3, bulk loads) it is inserted, or updated when that
   * id already belongs to the same trace (re-sending a trace is idempotent); an id that belongs
   * to another trace is refused rather than moved. `traceKey`: the stored trace's key (the caller has it).
   */
  insert(input: AssessmentInput, traceKey: number | bigint): AssessmentRow {
    const row = assessmentRow(input, this.ctx.now());
    if (!input.assessmentId) {
      this.ctx.stmt(INSERT).run({ ...row, trace_key: traceKey });
      return row;
    }
    // A re-sent assessment keeps its first create_time unless the client sends one.
    const { changes } = this.ctx
      .stmt(
        `${INSERT}
       ON CONFLICT (assessment_id) DO UPDATE SET name = excluded.name, type = excluded.type, value = excluded.value, valid = excluded.valid,
         overrides = excluded.overrides, span_id = excluded.span_id, source_type = excluded.source_type, source_id = excluded.source_id,
         rationale = excluded.rationale, metadata = excluded.metadata, error = excluded.error,
         create_time = COALESCE(@given_create_time, assessments.create_time), last_update_time = excluded.last_update_time
       WHERE assessments.trace_key = excluded.trace_key`,
      )
      .run({ ...row, trace_key: traceKey, given_create_time: input.createTimeMs || null });
    if (changes === 0) throw assessmentIdTaken(row.assessment_id);
    return row;
  }

  /** CreateAssessment, inside a write transaction: always a new server-chosen id. */
  create(input: AssessmentInput): Assessment {
    const traceKey = this.traceKey(input.traceId);
    if (traceKey === undefined) throw traceRequestIdNotFound(input.traceId);
    if (input.overrides) {
      const { changes } = this.ctx
        .stmt('UPDATE assessments SET valid = 0 WHERE assessment_id = ? AND trace_key = ?')
        .run(input.overrides, traceKey);
      if (changes === 0) throw overriddenAssessmentNotFound(input.overrides);
    }
    // A client-chosen id could take over another trace's row (src/server/README.md, "Assessment ids").
    return toAssessment(this.insert({ ...input, assessmentId: undefined }, traceKey));
  }

  private require(traceId: string, assessmentId: string): AssessmentRow {
    const row = this.ctx.stmt(`SELECT ${ASSESSMENT_COLUMNS} FROM ${OF_TRACE}`).get(assessmentId, traceId) as
      AssessmentRow | undefined;
    if (row) return row;
    if (this.traceKey(traceId) === undefined) throw traceRequestIdNotFound(traceId);
    throw assessmentNotFound(traceId, assessmentId);
  }

  get(traceId: string, assessmentId: string): Assessment {
    return toAssessment(this.require(traceId, assessmentId));
  }

  /** UpdateAssessment, inside a write transaction. */
  update(traceId: string, assessmentId: string, update: AssessmentUpdate): Assessment {
    const next = updatedAssessment(this.require(traceId, assessmentId), update, this.ctx.now());
    this.ctx
      .stmt(
        `UPDATE assessments SET name = @name, value = @value, error = @error, rationale = @rationale, metadata = @metadata, valid = @valid,
           last_update_time = @last_update_time WHERE assessment_id = @assessment_id`,
      )
      .run(next);
    return toAssessment(next);
  }

  /** DeleteAssessment, inside a write transaction: idempotent, and restores what it overrode. */
  delete(traceId: string, assessmentId: string): void {
    const row = this.ctx.stmt(`SELECT a.overrides FROM ${OF_TRACE}`).get(assessmentId, traceId) as
      { overrides: string | null } | undefined;
    if (!row) return;
    this.ctx.stmt('DELETE FROM assessments WHERE assessment_id = ?').run(assessmentId);
    const restored = restoredOnDelete(row);
    if (restored) this.ctx.stmt('UPDATE assessments SET valid = 1 WHERE assessment_id = ?').run(restored);
  }
}
