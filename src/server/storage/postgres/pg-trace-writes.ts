// Trace info writes on PostgreSQL: StartTraceV3, deletes, tags and links. The rules are in
// ../rules/start-trace.ts and ../rules/artifact-location.ts.
//
// Replicas: every write of one trace first inserts its row or, when it exists, locks it (insertOrLockTrace).
// Concurrent writes of the same trace (StartTraceV3 and OTLP spans racing through two replicas, re-sent
// spans) therefore run one after the other, each reading what the previous one committed, and the trace
// ends as after some sequential order of the same writes: one row, no duplicate children.
import type { TraceInfo } from '../../../core/model.ts';
import { TAGS } from '../../../core/model.ts';
import { traceArtifactLocation } from '../rules/artifact-location.ts';
import { traceNotFound, traceTagNotFound } from '../rules/mlflow-errors.ts';
import { DEFAULT_REQUEST_TIME_MS, startTraceMetadata, startTraceTags } from '../rules/start-trace.ts';
import { toAssessment, toTraceInfo, type TraceRow } from '../trace-rows.ts';
import type { DeleteTracesInput, TraceInfoInput } from '../trace-store.ts';
import type { PgAssessments } from './pg-assessments.ts';
import type { PgContext, Sql } from './pg-context.ts';
import type { PgExperiments } from './pg-experiments.ts';
import type { PgTraceReads, PgTraceRow } from './pg-trace-reads.ts';

/** The columns a new trace row is inserted with. */
export interface NewTraceRow {
  experimentId: number;
  clientRequestId: string | null;
  timestampMs: number;
  executionTimeMs: number | null;
  state: string;
  requestPreview: string | null;
  responsePreview: string | null;
}

export type LockedTraceRow = { created: true; key: string } | { created: false; key: string; row: PgTraceRow };

/**
 * Inserts the trace row, or locks the existing one (FOR UPDATE) until the transaction ends. ON CONFLICT DO
 * NOTHING waits for a concurrent insert of the same id to commit, so the SELECT then finds its row.
 */
export async function insertOrLockTrace(sql: Sql, traceId: string, fresh: NewTraceRow): Promise<LockedTraceRow> {
  for (;;) {
    const inserted = await sql.one<{ trace_key: string }>(
      `INSERT INTO traces (trace_id, experiment_id, client_request_id, timestamp_ms, execution_time_ms, state, request_preview, response_preview)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (trace_id) DO NOTHING RETURNING trace_key`,
      [
        traceId,
        fresh.experimentId,
        fresh.clientRequestId,
        fresh.timestampMs,
        fresh.executionTimeMs,
        fresh.state,
        fresh.requestPreview,
        fresh.responsePreview,
      ],
    );
    if (inserted) return { created: true, key: inserted.trace_key };
    const row = await sql.one<PgTraceRow>('SELECT t.* FROM traces t WHERE t.trace_id = $1 FOR UPDATE', [traceId]);
    // Deleted between the two statements: insert again.
    if (row) return { created: false, key: row.trace_key, row };
  }
}

/** Upserts key/value rows of one trace in one statement (keys are unique: they come from an object). */
export function putKeyValues(
  sql: Sql,
  table: 'trace_tags' | 'trace_metadata',
  traceKey: string,
  pairs: Record<string, string>,
  onConflict: 'replace' | 'keep' = 'replace',
): Promise<number> | undefined {
  const keys = Object.keys(pairs);
  if (keys.length === 0) return undefined;
  return sql.run(
    `INSERT INTO ${table} (trace_key, key, value) SELECT $1, k, v FROM unnest($2::text[], $3::text[]) AS x(k, v)
     ON CONFLICT (trace_key, key) DO ${onConflict === 'replace' ? 'UPDATE SET value = excluded.value' : 'NOTHING'}`,
    [traceKey, keys, Object.values(pairs)],
  );
}

export class PgTraceWrites {
  constructor(
    private readonly ctx: PgContext,
    private readonly experiments: PgExperiments,
    private readonly assessments: PgAssessments,
    private readonly reads: PgTraceReads,
  ) {}

  start(input: TraceInfoInput): Promise<TraceInfo> {
    return this.ctx.write(async (sql) => {
      const experimentId = await this.experiments.requireActive(sql, input.experimentId);
      const row: TraceRow = {
        trace_id: input.traceId,
        experiment_id: experimentId,
        client_request_id: input.clientRequestId ?? null,
        timestamp_ms: input.requestTimeMs ?? DEFAULT_REQUEST_TIME_MS,
        execution_time_ms: input.executionTimeMs ?? null,
        state: input.state,
        request_preview: input.requestPreview ?? null,
        response_preview: input.responsePreview ?? null,
      };
      const locked = await insertOrLockTrace(sql, input.traceId, {
        experimentId,
        clientRequestId: row.client_request_id,
        timestampMs: row.timestamp_ms,
        executionTimeMs: row.execution_time_ms,
        state: row.state,
        requestPreview: row.request_preview,
        responsePreview: row.response_preview,
      });
      const exists = !locked.created;
      if (exists) {
        // Times the request omits keep what OTLP spans (or an earlier call) recorded.
        await sql.run(
          `UPDATE traces SET client_request_id = COALESCE($1, client_request_id), timestamp_ms = COALESCE($2, timestamp_ms),
             execution_time_ms = COALESCE($3, execution_time_ms), state = $4,
             request_preview = COALESCE($5, request_preview), response_preview = COALESCE($6, response_preview) WHERE trace_key = $7`,
          [
            input.clientRequestId ?? null,
            input.requestTimeMs ?? null,
            input.executionTimeMs ?? null,
            input.state,
            input.requestPreview ?? null,
            input.responsePreview ?? null,
            locked.key,
          ],
        );
      }
      const tags = startTraceTags(input.tags, exists);
      const metadata = startTraceMetadata(input.metadata);
      await putKeyValues(sql, 'trace_tags', locked.key, tags);
      // A stored artifact location (set-tag earlier) is reset to the derived one, as StartTraceV3 overwrites it.
      if (exists)
        await sql.run('DELETE FROM trace_tags WHERE trace_key = $1 AND key = $2', [locked.key, TAGS.artifactLocation]);
      await putKeyValues(sql, 'trace_metadata', locked.key, metadata);
      const trace = { key: locked.key, experimentId: String(exists ? locked.row.experiment_id : experimentId) };
      const assessments = [];
      for (const a of input.assessments)
        assessments.push(toAssessment(await this.assessments.insert(sql, trace, { ...a, traceId: input.traceId })));
      if (exists) return (await this.reads.infos(sql, [input.traceId]))[0];
      // A new trace holds exactly what was just written: answer without reading it back.
      const roots = await this.experiments.artifactRoots(sql, [experimentId]);
      const location = traceArtifactLocation(roots.get(experimentId)!, input.traceId);
      return toTraceInfo(row, { ...tags, [TAGS.artifactLocation]: location }, metadata, assessments);
    });
  }

  delete(input: DeleteTracesInput): Promise<number> {
    const experimentId = Number(input.experimentId);
    return this.ctx.write((sql) => {
      if ('traceIds' in input)
        return sql.run('DELETE FROM traces WHERE experiment_id = $1 AND trace_id = ANY($2::text[])', [
          experimentId,
          input.traceIds,
        ]);
      return sql.run(
        `DELETE FROM traces WHERE trace_key IN (SELECT trace_key FROM traces WHERE experiment_id = $1 AND timestamp_ms <= $2
           ORDER BY timestamp_ms ASC LIMIT $3)`,
        [experimentId, input.maxTimestampMillis, input.maxTraces ?? null],
      );
    });
  }

  /** The trace's key, locked against deletion for the rest of the transaction. */
  private async requireTrace(sql: Sql, traceId: string): Promise<string> {
    const row = await sql.one<{ trace_key: string }>('SELECT trace_key FROM traces WHERE trace_id = $1 FOR KEY SHARE', [
      traceId,
    ]);
    if (!row) throw traceNotFound(traceId);
    return row.trace_key;
  }

  setTag(traceId: string, key: string, value: string): Promise<void> {
    return this.ctx.write(async (sql) => {
      await putKeyValues(sql, 'trace_tags', await this.requireTrace(sql, traceId), { [key]: value });
    });
  }

  deleteTag(traceId: string, key: string): Promise<void> {
    return this.ctx.write(async (sql) => {
      const traceKey = await this.requireTrace(sql, traceId);
      const deleted = await sql.run('DELETE FROM trace_tags WHERE trace_key = $1 AND key = $2', [traceKey, key]);
      if (deleted === 0) throw traceTagNotFound(traceId, key);
    });
  }

  linkToRun(traceIds: string[], runId: string): Promise<void> {
    return this.ctx.write(async (sql) => {
      await sql.run(
        `INSERT INTO trace_run_links (trace_key, run_id) SELECT trace_key, $2 FROM traces WHERE trace_id = ANY($1::text[])
         ORDER BY trace_key FOR KEY SHARE ON CONFLICT DO NOTHING`,
        [traceIds, runId],
      );
    });
  }

  linkPrompts(traceId: string, prompts: { name: string; version: string }[]): Promise<void> {
    return this.ctx.write(async (sql) => {
      // FOR UPDATE: the tag below is rebuilt from every link, so two replicas linking at once must take turns.
      const row = await sql.one<{ trace_key: string }>('SELECT trace_key FROM traces WHERE trace_id = $1 FOR UPDATE', [
        traceId,
      ]);
      if (!row) throw traceNotFound(traceId);
      await sql.run(
        `INSERT INTO trace_prompt_links (trace_key, name, version) SELECT $1, n, v FROM unnest($2::text[], $3::text[]) AS x(n, v)
         ON CONFLICT DO NOTHING`,
        [row.trace_key, prompts.map((p) => p.name), prompts.map((p) => p.version)],
      );
      // MLflow also records the links in the mlflow.linkedPrompts tag.
      const all = await sql.rows<{ name: string; version: string }>(
        'SELECT name, version FROM trace_prompt_links WHERE trace_key = $1 ORDER BY name, version',
        [row.trace_key],
      );
      await putKeyValues(sql, 'trace_tags', row.trace_key, { [TAGS.linkedPrompts]: JSON.stringify(all) });
    });
  }
}
