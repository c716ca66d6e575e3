// Trace info writes on SQLite: StartTraceV3, deletes, tags and links. Each method runs inside a
// write transaction; the rules are in ../rules/start-trace.ts and ../rules/artifact-location.ts.
import type { TraceInfo } from '../../../core/model.ts';
import { TAGS } from '../../../core/model.ts';
import { traceArtifactLocation } from '../rules/artifact-location.ts';
import { traceNotFound, traceTagNotFound } from '../rules/mlflow-errors.ts';
import { DEFAULT_REQUEST_TIME_MS, startTraceMetadata, startTraceTags } from '../rules/start-trace.ts';
import { toAssessment, toTraceInfo, type TraceRow } from '../trace-rows.ts';
import type { DeleteTracesInput, TraceInfoInput } from '../trace-store.ts';
import type { SqliteAssessments } from './assessments.ts';
import type { SqliteExperiments } from './experiments.ts';
import { IDS_JSON, type SqliteContext } from './sqlite-context.ts';
import type { SqliteTraceReads } from './trace-reads.ts';

/** One statement per table: the pairs travel as one JSON array. */
const PUT_TAGS =
  "INSERT OR REPLACE INTO trace_tags (trace_id, key, value) SELECT ?, j.value ->> '$[0]', j.value ->> '$[1]' FROM json_each(?) j";
const PUT_METADATA =
  "INSERT OR REPLACE INTO trace_metadata (trace_id, key, value) SELECT ?, j.value ->> '$[0]', j.value ->> '$[1]' FROM json_each(?) j";
const PUT_TAG = 'INSERT OR REPLACE INTO trace_tags (trace_id, key, value) VALUES (?, ?, ?)';

export class SqliteTraceWrites {
  constructor(
    private readonly ctx: SqliteContext,
    private readonly experiments: SqliteExperiments,
    private readonly assessments: SqliteAssessments,
    private readonly reads: SqliteTraceReads,
  ) {}

  start(input: TraceInfoInput): TraceInfo {
    const experiment = this.experiments.requireActive(input.experimentId);
    const exists = this.reads.exists(input.traceId);
    if (exists) {
      this.ctx
        .stmt(
          // Times the request omits keep what OTLP spans (or an earlier call) recorded.
          `UPDATE traces SET client_request_id = COALESCE(?, client_request_id), timestamp_ms = COALESCE(?, timestamp_ms),
             execution_time_ms = COALESCE(?, execution_time_ms), state = ?,
             request_preview = COALESCE(?, request_preview), response_preview = COALESCE(?, response_preview) WHERE trace_id = ?`,
        )
        .run(
          input.clientRequestId ?? null,
          input.requestTimeMs ?? null,
          input.executionTimeMs ?? null,
          input.state,
          input.requestPreview ?? null,
          input.responsePreview ?? null,
          input.traceId,
        );
    }
    const row: TraceRow = {
      trace_id: input.traceId,
      experiment_id: experiment.experiment_id,
      client_request_id: input.clientRequestId ?? null,
      timestamp_ms: input.requestTimeMs ?? DEFAULT_REQUEST_TIME_MS,
      execution_time_ms: input.executionTimeMs ?? null,
      state: input.state,
      request_preview: input.requestPreview ?? null,
      response_preview: input.responsePreview ?? null,
    };
    if (!exists) {
      this.ctx
        .stmt(
          `INSERT INTO traces (trace_id, experiment_id, client_request_id, timestamp_ms, execution_time_ms, state, request_preview, response_preview)
           VALUES (@trace_id, @experiment_id, @client_request_id, @timestamp_ms, @execution_time_ms, @state, @request_preview, @response_preview)`,
        )
        .run(row);
    }
    const tags = startTraceTags(input.tags, exists);
    const metadata = startTraceMetadata(input.metadata);
    this.ctx.stmt(PUT_TAGS).run(input.traceId, JSON.stringify(Object.entries(tags)));
    // A stored artifact location (set-tag earlier) is reset to the derived one, as StartTraceV3 overwrites it.
    if (exists)
      this.ctx.stmt('DELETE FROM trace_tags WHERE trace_id = ? AND key = ?').run(input.traceId, TAGS.artifactLocation);
    this.ctx.stmt(PUT_METADATA).run(input.traceId, JSON.stringify(Object.entries(metadata)));
    const assessments = input.assessments.map((a) =>
      toAssessment(this.assessments.insert({ ...a, traceId: input.traceId })),
    );
    if (exists) return this.reads.infos([input.traceId])[0];
    // A new trace holds exactly what was just written: answer without reading it back.
    const location = traceArtifactLocation(this.experiments.artifactRoot(experiment.experiment_id), input.traceId);
    return toTraceInfo(row, { ...tags, [TAGS.artifactLocation]: location }, metadata, assessments);
  }

  delete(input: DeleteTracesInput): number {
    const experimentId = Number(input.experimentId);
    if ('traceIds' in input) {
      return this.ctx
        .stmt(`DELETE FROM traces WHERE experiment_id = ? AND trace_id IN ${IDS_JSON}`)
        .run(experimentId, JSON.stringify(input.traceIds)).changes;
    }
    return this.ctx
      .stmt(
        `DELETE FROM traces WHERE trace_id IN (SELECT trace_id FROM traces WHERE experiment_id = ? AND timestamp_ms <= ?
           ORDER BY timestamp_ms ASC LIMIT ?)`,
      )
      .run(experimentId, input.maxTimestampMillis, input.maxTraces ?? -1).changes;
  }

  private requireTrace(traceId: string): void {
    if (!this.reads.exists(traceId)) throw traceNotFound(traceId);
  }

  setTag(traceId: string, key: string, value: string): void {
    this.requireTrace(traceId);
    this.ctx.stmt(PUT_TAG).run(traceId, key, value);
  }

  deleteTag(traceId: string, key: string): void {
    this.requireTrace(traceId);
    const { changes } = this.ctx.stmt('DELETE FROM trace_tags WHERE trace_id = ? AND key = ?').run(traceId, key);
    if (changes === 0) throw traceTagNotFound(traceId, key);
  }

  linkToRun(traceIds: string[], runId: string): void {
    const link = this.ctx.stmt(
      'INSERT OR IGNORE INTO trace_run_links (trace_id, run_id) SELECT trace_id, ? FROM traces WHERE trace_id = ?',
    );
    for (const id of traceIds) link.run(runId, id);
  }

  linkPrompts(traceId: string, prompts: { name: string; version: string }[]): void {
    this.requireTrace(traceId);
    const link = this.ctx.stmt('INSERT OR IGNORE INTO trace_prompt_links (trace_id, name, version) VALUES (?, ?, ?)');
    for (const p of prompts) link.run(traceId, p.name, p.version);
    // MLflow also records the links in the mlflow.linkedPrompts tag.
    const all = this.ctx
      .stmt('SELECT name, version FROM trace_prompt_links WHERE trace_id = ? ORDER BY name, version')
      .all(traceId) as { name: string; version: string }[];
    this.ctx.stmt(PUT_TAG).run(traceId, TAGS.linkedPrompts, JSON.stringify(all));
  }
}
