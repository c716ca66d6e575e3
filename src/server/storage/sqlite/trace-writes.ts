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

/** One statement per table: the pairs travel as one JSON array. Child rows name the trace by its trace_key. */
const PUT_TAGS =
  "INSERT OR REPLACE INTO trace_tags (trace_key, key, value) SELECT ?, j.value ->> '$[0]', j.value ->> '$[1]' FROM json_each(?) j";
const PUT_METADATA =
  "INSERT OR REPLACE INTO trace_metadata (trace_key, key, value) SELECT ?, j.value ->> '$[0]', j.value ->> '$[1]' FROM json_each(?) j";
const PUT_TAG = 'INSERT OR REPLACE INTO trace_tags (trace_key, key, value) VALUES (?, ?, ?)';

export class SqliteTraceWrites {
  constructor(
    private readonly ctx: SqliteContext,
    private readonly experiments: SqliteExperiments,
    private readonly assessments: SqliteAssessments,
    private readonly reads: SqliteTraceReads,
  ) {}

  start(input: TraceInfoInput): TraceInfo {
    const experiment = this.experiments.requireActive(input.experimentId);
    const storedKey = this.reads.key(input.traceId);
    const exists = storedKey !== undefined;
    if (exists) {
      this.ctx
        .stmt(
          // Times the request omits keep what OTLP spans (or an earlier call) recorded.
          `UPDATE traces SET client_request_id = COALESCE(?, client_request_id), timestamp_ms = COALESCE(?, timestamp_ms),
             execution_time_ms = COALESCE(?, execution_time_ms), state = ?,
             request_preview = COALESCE(?, request_preview), response_preview = COALESCE(?, response_preview) WHERE trace_key = ?`,
        )
        .run(
          input.clientRequestId ?? null,
          input.requestTimeMs ?? null,
          input.executionTimeMs ?? null,
          input.state,
          input.requestPreview ?? null,
          input.responsePreview ?? null,
          storedKey,
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
    // A new trace's key is the next rowid: its child rows append to every (trace_key, …) B-tree.
    const traceKey =
      storedKey ??
      this.ctx
        .stmt(
          `INSERT INTO traces (trace_id, experiment_id, client_request_id, timestamp_ms, execution_time_ms, state, request_preview, response_preview)
           VALUES (@trace_id, @experiment_id, @client_request_id, @timestamp_ms, @execution_time_ms, @state, @request_preview, @response_preview)`,
        )
        .run(row).lastInsertRowid;
    const tags = startTraceTags(input.tags, exists);
    const metadata = startTraceMetadata(input.metadata);
    this.ctx.stmt(PUT_TAGS).run(traceKey, JSON.stringify(Object.entries(tags)));
    // A stored artifact location (set-tag earlier) is reset to the derived one, as StartTraceV3 overwrites it.
    if (exists)
      this.ctx.stmt('DELETE FROM trace_tags WHERE trace_key = ? AND key = ?').run(traceKey, TAGS.artifactLocation);
    this.ctx.stmt(PUT_METADATA).run(traceKey, JSON.stringify(Object.entries(metadata)));
    const assessments = input.assessments.map((a) =>
      toAssessment(this.assessments.insert({ ...a, traceId: input.traceId }, traceKey)),
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
        `DELETE FROM traces WHERE trace_key IN (SELECT trace_key FROM traces WHERE experiment_id = ? AND timestamp_ms <= ?
           ORDER BY timestamp_ms ASC LIMIT ?)`,
      )
      .run(experimentId, input.maxTimestampMillis, input.maxTraces ?? -1).changes;
  }

  /** The trace's key, or MLflow's not-found error. */
  private requireTrace(traceId: string): number {
    const key = this.reads.key(traceId);
    if (key === undefined) throw traceNotFound(traceId);
    return key;
  }

  setTag(traceId: string, key: string, value: string): void {
    this.ctx.stmt(PUT_TAG).run(this.requireTrace(traceId), key, value);
  }

  deleteTag(traceId: string, key: string): void {
    const traceKey = this.requireTrace(traceId);
    const { changes } = this.ctx.stmt('DELETE FROM trace_tags WHERE trace_key = ? AND key = ?').run(traceKey, key);
    if (changes === 0) throw traceTagNotFound(traceId, key);
  }

  linkToRun(traceIds: string[], runId: string): void {
    this.ctx
      .stmt(
        `INSERT OR IGNORE INTO trace_run_links (trace_key, run_id) SELECT trace_key, ? FROM traces WHERE trace_id IN ${IDS_JSON}`,
      )
      .run(runId, JSON.stringify(traceIds));
  }

  linkPrompts(traceId: string, prompts: { name: string; version: string }[]): void {
    const traceKey = this.requireTrace(traceId);
    const link = this.ctx.stmt('INSERT OR IGNORE INTO trace_prompt_links (trace_key, name, version) VALUES (?, ?, ?)');
    for (const p of prompts) link.run(traceKey, p.name, p.version);
    // MLflow also records the links in the mlflow.linkedPrompts tag.
    const all = this.ctx
      .stmt('SELECT name, version FROM trace_prompt_links WHERE trace_key = ? ORDER BY name, version')
      .all(traceKey) as { name: string; version: string }[];
    this.ctx.stmt(PUT_TAG).run(traceKey, TAGS.linkedPrompts, JSON.stringify(all));
  }
}
