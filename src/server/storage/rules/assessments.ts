// Assessment rules (contract: src/server/README.md, "Assessments"): server-chosen ids, times
// defaulting to now, updates that may not change the value's kind, metadata merged on update,
// and overrides: a new assessment that overrides another marks it invalid; deleting the new
// one makes the overridden one valid again.
import { randomUUID } from 'node:crypto';
import type { AssessmentRow } from '../trace-rows.ts';
import type { AssessmentInput, AssessmentUpdate } from '../trace-store.ts';
import { assessmentValueKindMismatch } from './mlflow-errors.ts';

/** MLflow's id shape: `a-` and 32 hex digits. */
export function newAssessmentId(): string {
  return `a-${randomUUID().replace(/-/g, '')}`;
}

/** The row to store for an assessment; a missing or zero time is `now`, a missing id a new one. */
export function assessmentRow(input: AssessmentInput, now: number): AssessmentRow {
  return {
    assessment_id: input.assessmentId || newAssessmentId(),
    trace_id: input.traceId,
    name: input.name,
    type: input.type,
    value: input.valueJson,
    valid: input.valid === false ? 0 : 1,
    overrides: input.overrides ?? null,
    span_id: input.spanId ?? null,
    source_type: input.sourceType,
    source_id: input.sourceId ?? null,
    rationale: input.rationale ?? null,
    metadata: input.metadata && Object.keys(input.metadata).length > 0 ? JSON.stringify(input.metadata) : null,
    error: input.error ?? null,
    create_time: input.createTimeMs || now,
    last_update_time: input.lastUpdateTimeMs || now,
  };
}

/** The row after an UpdateAssessment; throws MLflow's error when the value's kind differs. */
export function updatedAssessment(row: AssessmentRow, update: AssessmentUpdate, now: number): AssessmentRow {
  const next: AssessmentRow = { ...row, last_update_time: now };
  if (update.name !== undefined) next.name = update.name;
  if (update.valueJson) {
    if (update.valueJson.type !== row.type) throw assessmentValueKindMismatch(update.valueJson.type);
    next.value = update.valueJson.json;
    if (update.valueJson.type === 'feedback') next.error = update.valueJson.error ?? null;
  }
  if (update.rationale !== undefined) next.rationale = update.rationale;
  if (update.metadata !== undefined) {
    const merged = {
      ...(row.metadata ? (JSON.parse(row.metadata) as Record<string, string>) : {}),
      ...update.metadata,
    };
    next.metadata = Object.keys(merged).length > 0 ? JSON.stringify(merged) : null;
  }
  if (update.valid !== undefined) next.valid = update.valid ? 1 : 0;
  return next;
}

/** The assessment that becomes valid again when `deleted` is deleted (the one it overrode), if any. */
export function restoredOnDelete(deleted: Pick<AssessmentRow, 'overrides'>): string | undefined {
  return deleted.overrides ?? undefined;
}
