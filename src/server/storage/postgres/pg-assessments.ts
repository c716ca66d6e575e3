// Assessments on PostgreSQL. The rules (ids, times, update checks, overrides) are in ../rules/assessments.ts
// and the messages in ../rules/mlflow-errors.ts; this module runs SQL. Each write locks what it changes
// (the trace against deletion, the assessment row for read-modify-write) so replicas serialise on it.
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
import type { PgContext, Sql } from './pg-context.ts';
import { PG_ASSESSMENT_COLUMNS, toAssessmentRow } from './pg-trace-reads.ts';

/** The trace an assessment write names, locked against deletion (FOR KEY SHARE lets other writers of it proceed). */
export interface LockedTrace {
  key: string;
  experimentId: string;
}

const INSERT = `INSERT INTO assessments (assessment_id, trace_key, experiment_id, name, type, value, valid, overrides, span_id,
     source_type, source_id, rationale, metadata, error, create_time, last_update_time)
   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`;

function insertParams(row: AssessmentRow, trace: LockedTrace): unknown[] {
  return [
    row.assessment_id,
    trace.key,
    trace.experimentId,
    row.name,
    row.type,
    row.value,
    row.valid === 1,
    row.overrides,
    row.span_id,
    row.source_type,
    row.source_id,
    row.rationale,
    row.metadata,
    row.error,
    row.create_time,
    row.last_update_time,
  ];
}

export class PgAssessments {
  constructor(private readonly ctx: PgContext) {}

  private async lockTrace(sql: Sql, traceId: string): Promise<LockedTrace> {
    const row = await sql.one<{ trace_key: string; experiment_id: string }>(
      'SELECT trace_key, experiment_id FROM traces WHERE trace_id = $1 FOR KEY SHARE',
      [traceId],
    );
    if (!row) throw traceRequestIdNotFound(traceId);
    return { key: row.trace_key, experimentId: row.experiment_id };
  }

  /**
   * Writes an assessment of a locked trace. Without an id it is inserted under a new one. With a client id
   * (inside StartTraceV3) it is inserted, or updated when that id already belongs to the same trace
   * (re-sending a trace is idempotent); an id that belongs to another trace is refused rather than moved.
   */
  async insert(sql: Sql, trace: LockedTrace, input: AssessmentInput): Promise<AssessmentRow> {
    const row = assessmentRow(input, this.ctx.now());
    if (!input.assessmentId) {
      await sql.run(INSERT, insertParams(row, trace));
      return row;
    }
    // A re-sent assessment keeps its first create_time unless the client sends one.
    const changed = await sql.run(
      `${INSERT}
       ON CONFLICT (assessment_id) DO UPDATE SET name = excluded.name, type = excluded.type, value = excluded.value, valid = excluded.valid,
         overrides = excluded.overrides, span_id = excluded.span_id, source_type = excluded.source_type, source_id = excluded.source_id,
         rationale = excluded.rationale, metadata = excluded.metadata, error = excluded.error,
         create_time = COALESCE($17, assessments.create_time), last_update_time = excluded.last_update_time
       WHERE assessments.trace_key = excluded.trace_key`,
      [...insertParams(row, trace), input.createTimeMs || null],
    );
    if (changed === 0) throw assessmentIdTaken(row.assessment_id);
    return row;
  }

  /** CreateAssessment: always a new server-chosen id. */
  create(input: AssessmentInput): Promise<Assessment> {
    return this.ctx.write(async (sql) => {
      const trace = await this.lockTrace(sql, input.traceId);
      if (input.overrides) {
        const changed = await sql.run(
          'UPDATE assessments SET valid = FALSE WHERE assessment_id = $1 AND trace_key = $2',
          [input.overrides, trace.key],
        );
        if (changed === 0) throw overriddenAssessmentNotFound(input.overrides);
      }
      // A client-chosen id could take over another trace's row (src/server/README.md, "Assessment ids").
      return toAssessment(await this.insert(sql, trace, { ...input, assessmentId: undefined }));
    });
  }

  private async require(sql: Sql, traceId: string, assessmentId: string, lock = ''): Promise<AssessmentRow> {
    const row = await sql.one<AssessmentRow>(
      `SELECT ${PG_ASSESSMENT_COLUMNS} FROM assessments a JOIN traces t ON t.trace_key = a.trace_key
       WHERE a.assessment_id = $1 AND t.trace_id = $2 ${lock}`,
      [assessmentId, traceId],
    );
    if (row) return toAssessmentRow(row);
    if ((await sql.one('SELECT 1 FROM traces WHERE trace_id = $1', [traceId])) === undefined)
      throw traceRequestIdNotFound(traceId);
    throw assessmentNotFound(traceId, assessmentId);
  }

  get(traceId: string, assessmentId: string): Promise<Assessment> {
    return this.ctx.read(async (sql) => toAssessment(await this.require(sql, traceId, assessmentId)));
  }

  update(traceId: string, assessmentId: string, update: AssessmentUpdate): Promise<Assessment> {
    return this.ctx.write(async (sql) => {
      const current = await this.require(sql, traceId, assessmentId, 'FOR UPDATE OF a');
      const next = updatedAssessment(current, update, this.ctx.now());
      await sql.run(
        `UPDATE assessments SET name = $1, value = $2, error = $3, rationale = $4, metadata = $5, valid = $6,
           last_update_time = $7 WHERE assessment_id = $8`,
        [
          next.name,
          next.value,
          next.error,
          next.rationale,
          next.metadata,
          next.valid === 1,
          next.last_update_time,
          next.assessment_id,
        ],
      );
      return toAssessment(next);
    });
  }

  /** DeleteAssessment: idempotent, and restores what it overrode. */
  delete(traceId: string, assessmentId: string): Promise<void> {
    return this.ctx.write(async (sql) => {
      const row = await sql.one<{ overrides: string | null }>(
        `DELETE FROM assessments a USING traces t WHERE a.assessment_id = $1 AND t.trace_key = a.trace_key AND t.trace_id = $2
         RETURNING a.overrides`,
        [assessmentId, traceId],
      );
      if (!row) return;
      const restored = restoredOnDelete(row);
      if (restored) await sql.run('UPDATE assessments SET valid = TRUE WHERE assessment_id = $1', [restored]);
    });
  }
}
