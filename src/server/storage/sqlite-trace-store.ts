import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import type {
  Assessment,
  CountResponse,
  Experiment,
  GroupsResponse,
  KeyKind,
  KeysResponse,
  TraceInfo,
  ValuesResponse,
} from '../../core/model.ts';
import { METADATA, TAGS } from '../../core/model.ts';
import { invalidParameter, MlflowError, notFound } from '../errors.ts';
import { BackgroundCheckpointer } from './checkpointer.ts';
import { GroupCommit } from './group-commit.ts';
import { MetricsColumns } from './metrics-columns.ts';
import type { MetricDataPoint, MetricsQuery } from './metrics-query.ts';
import { compileSearchFilter, compileSearchOrder, correlatedFilter } from './search-sql.ts';
import type { SpanRecord } from './span-record.ts';
import { queryMetricsSql } from './sqlite-metrics.ts';
import { countTracesSql, listGroupsSql, listKeysSql, listValuesSql } from './sqlite-extensions.ts';
import {
  toAssessment,
  toTraceInfo,
  TRACE_COLUMNS,
  type AssessmentRow,
  type KeyValueRow,
  type TraceRow,
} from './trace-rows.ts';
import type {
  AssessmentInput,
  AssessmentUpdate,
  DeleteTracesInput,
  ExperimentOrder,
  ExperimentOrderKey,
  GroupsQuery,
  SearchExperimentsQuery,
  SearchTracesQuery,
  SearchTracesResult,
  SpanBatch,
  TraceInfoInput,
  TraceStore,
} from './trace-store.ts';

interface ExperimentRow {
  experiment_id: number;
  name: string;
  artifact_location: string;
  lifecycle_stage: 'active' | 'deleted';
  creation_time: number;
  last_update_time: number;
}

interface SpanRow {
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  name: string;
  type: string | null;
  status: string;
  start_time_ns: bigint;
  end_time_ns: bigint | null;
  content: string;
}

export const DEFAULT_EXPERIMENT_ID = '0';

/** A complete trace for bulkLoad. */
export interface BulkTrace {
  traceId: string;
  experimentId: string;
  clientRequestId?: string;
  timestampMs: number;
  executionTimeMs: number | null;
  state: string;
  requestPreview?: string;
  responsePreview?: string;
  tags: Record<string, string>;
  metadata: Record<string, string>;
  spans: SpanRecord[];
  assessments?: AssessmentInput[];
}
const IDS_JSON = '(SELECT value FROM json_each(?))';
/** The only columns SearchExperiments filters and orders by (identifiers from this allowlist only). */
const EXPERIMENT_COLUMNS: Record<ExperimentOrderKey, string> = {
  name: 'e.name',
  experiment_id: 'e.experiment_id',
  creation_time: 'e.creation_time',
  last_update_time: 'e.last_update_time',
};
const DEFAULT_EXPERIMENT_ORDER: ExperimentOrder[] = [
  { key: 'creation_time', ascending: false },
  { key: 'experiment_id', ascending: true },
];

/** `col <op> ?` with MLflow's string semantics: = and LIKE case-sensitive (case_sensitive_like is on), ILIKE folded. */
function stringCondition(column: string, comparator: '=' | '!=' | 'LIKE' | 'ILIKE'): string {
  return comparator === 'ILIKE' ? `lower(${column}) LIKE lower(?)` : `${column} ${comparator} ?`;
}
/** Rows of the time index a filtered search probes before judging the filter rare. */
const FIRST_WINDOW = 2000;
const MAX_WINDOW = 60_000;

export class SqliteTraceStore implements TraceStore {
  readonly db: Database.Database;
  readonly commit: GroupCommit;
  readonly metricsColumns: MetricsColumns;
  private readonly checkpointer: BackgroundCheckpointer | undefined;
  private readonly now: () => number;
  private readonly statements = new Map<string, Database.Statement>();
  /** Counts statements run by reads (benchmark: statements per search page). */
  statementCount = 0;

  /** `backgroundCheckpoints: false` keeps SQLite's own auto-checkpoint on the write connection (benchmark baseline). */
  constructor(db: Database.Database, now: () => number = Date.now, options: { backgroundCheckpoints?: boolean } = {}) {
    this.db = db;
    this.now = now;
    this.commit = new GroupCommit(db);
    this.metricsColumns = new MetricsColumns(db);
    this.ensureDefaultExperiment();
    this.checkpointer =
      options.backgroundCheckpoints !== false && BackgroundCheckpointer.applies(db)
        ? new BackgroundCheckpointer(db)
        : undefined;
  }

  /** A cached prepared statement; SQL text here is always a constant or built from allowlisted parts. */
  stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    this.statementCount++;
    return s;
  }

  private ensureDefaultExperiment(): void {
    const t = this.now();
    // MLflow's default experiment has id 0 and name "Default".
    this.db
      .prepare(
        `INSERT OR IGNORE INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
         VALUES (0, 'Default', 'mlflow-artifacts:/0', 'active', ?, ?)`,
      )
      .run(t, t);
  }

  // ---- experiments ----------------------------------------------------------------------------

  createExperiment(input: {
    name: string;
    artifactLocation?: string;
    tags?: { key: string; value: string }[];
  }): Promise<string> {
    return this.commit.run(() => {
      const t = this.now();
      if (this.stmt('SELECT 1 FROM experiments WHERE name = ?').get(input.name)) {
        throw new MlflowError('RESOURCE_ALREADY_EXISTS', `Experiment(name=${input.name}) already exists.`);
      }
      const next = this.stmt('SELECT COALESCE(MAX(experiment_id), 0) + 1 AS id FROM experiments').get() as {
        id: number;
      };
      this.stmt(
        `INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
         VALUES (?, ?, ?, 'active', ?, ?)`,
      ).run(next.id, input.name, input.artifactLocation ?? `mlflow-artifacts:/${next.id}`, t, t);
      const insertTag = this.stmt(
        'INSERT OR REPLACE INTO experiment_tags (experiment_id, key, value) VALUES (?, ?, ?)',
      );
      for (const tag of input.tags ?? []) insertTag.run(next.id, tag.key, tag.value);
      return String(next.id);
    });
  }

  async getExperiment(experimentId: string): Promise<Experiment | undefined> {
    if (!/^\d+$/.test(experimentId)) return undefined;
    const row = this.stmt('SELECT * FROM experiments WHERE experiment_id = ?').get(Number(experimentId)) as
      ExperimentRow | undefined;
    return row && this.toExperiment(row);
  }

  async getExperimentByName(name: string): Promise<Experiment | undefined> {
    const row = this.stmt('SELECT * FROM experiments WHERE name = ?').get(name) as ExperimentRow | undefined;
    return row && this.toExperiment(row);
  }

  async searchExperiments(input: SearchExperimentsQuery): Promise<Experiment[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (input.viewType !== 'ALL')
      where.push(`e.lifecycle_stage = '${input.viewType === 'ACTIVE_ONLY' ? 'active' : 'deleted'}'`);
    for (const c of input.filter ?? []) {
      if (c.kind === 'tag') {
        where.push(
          `EXISTS (SELECT 1 FROM experiment_tags g WHERE g.experiment_id = e.experiment_id AND g.key = ? AND ${stringCondition('g.value', c.comparator)})`,
        );
        params.push(c.key, c.value);
      } else {
        where.push(
          c.key === 'name' ? stringCondition('e.name', c.comparator) : `${EXPERIMENT_COLUMNS[c.key]} ${c.comparator} ?`,
        );
        params.push(c.value);
      }
    }
    // MLflow's default order, and experiment_id DESC as the tie-breaker when the order lacks it.
    const order = input.orderBy && input.orderBy.length > 0 ? input.orderBy : DEFAULT_EXPERIMENT_ORDER;
    const terms = order.map((o) => `${EXPERIMENT_COLUMNS[o.key]} ${o.ascending ? 'ASC' : 'DESC'}`);
    if (!order.some((o) => o.key === 'experiment_id')) terms.push('e.experiment_id DESC');
    const rows = this.stmt(
      `SELECT e.* FROM experiments e ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${terms.join(', ')} LIMIT ? OFFSET ?`,
    ).all(...params, input.maxResults, input.offset) as ExperimentRow[];
    return rows.map((row) => this.toExperiment(row));
  }

  private toExperiment(row: ExperimentRow): Experiment {
    const tags = this.stmt('SELECT key, value FROM experiment_tags WHERE experiment_id = ? ORDER BY key').all(
      row.experiment_id,
    ) as {
      key: string;
      value: string;
    }[];
    return {
      experiment_id: String(row.experiment_id),
      name: row.name,
      artifact_location: row.artifact_location,
      lifecycle_stage: row.lifecycle_stage,
      creation_time: row.creation_time,
      last_update_time: row.last_update_time,
      ...(tags.length > 0 ? { tags } : {}),
    };
  }

  /** MLflow's checks when a trace names its experiment (StartTraceV3, OTLP). */
  /** Active experiments seen by writes; there is no API to delete or rename one, so entries stay valid. */
  private readonly activeExperiments = new Map<string, ExperimentRow>();

  private requireActiveExperiment(experimentId: string): ExperimentRow {
    const cached = this.activeExperiments.get(experimentId);
    if (cached) return cached;
    if (!/^-?\d+$/.test(experimentId)) {
      throw invalidParameter(`Invalid experiment ID '${experimentId}'. Experiment ID must be a valid integer.`);
    }
    const row = this.stmt('SELECT * FROM experiments WHERE experiment_id = ?').get(Number(experimentId)) as
      ExperimentRow | undefined;
    if (row?.lifecycle_stage === 'active') this.activeExperiments.set(experimentId, row);
    if (!row) throw notFound(`No Experiment with id=${experimentId} exists`);
    if (row.lifecycle_stage !== 'active') {
      throw invalidParameter(
        `The experiment ${experimentId} must be in the 'active' state. Current state is ${row.lifecycle_stage}.`,
      );
    }
    return row;
  }

  // ---- trace writes -----------------------------------------------------------------------------

  startTrace(input: TraceInfoInput): Promise<TraceInfo> {
    return this.commit.run(() => {
      const experiment = this.requireActiveExperiment(input.experimentId);
      const existing = this.stmt('SELECT experiment_id FROM traces WHERE trace_id = ?').get(input.traceId) as
        { experiment_id: number } | undefined;
      if (existing) {
        this.stmt(
          // Times the request omits keep what OTLP spans (or an earlier call) recorded.
          `UPDATE traces SET client_request_id = COALESCE(?, client_request_id), timestamp_ms = COALESCE(?, timestamp_ms),
             execution_time_ms = COALESCE(?, execution_time_ms), state = ?,
             request_preview = COALESCE(?, request_preview), response_preview = COALESCE(?, response_preview) WHERE trace_id = ?`,
        ).run(
          input.clientRequestId ?? null,
          input.requestTimeMs ?? null,
          input.executionTimeMs ?? null,
          input.state,
          input.requestPreview ?? null,
          input.responsePreview ?? null,
          input.traceId,
        );
      } else {
        this.stmt(
          `INSERT INTO traces (trace_id, experiment_id, client_request_id, timestamp_ms, execution_time_ms, state, request_preview, response_preview)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          input.traceId,
          experiment.experiment_id,
          input.clientRequestId ?? null,
          input.requestTimeMs ?? 0,
          input.executionTimeMs ?? null,
          input.state,
          input.requestPreview ?? null,
          input.responsePreview ?? null,
        );
      }
      // The server sets mlflow.artifactLocation (a client's value is replaced, as MLflow does). It is
      // derived from the experiment, so it is added when traces are read rather than stored per trace.
      const tagsToWrite: Record<string, string> = { ...input.tags };
      delete tagsToWrite[TAGS.artifactLocation];
      // Keep the spans location OTLP ingestion recorded: it tells clients the spans are stored here.
      if (existing) delete tagsToWrite[TAGS.spansLocation];
      // One statement per table: the pairs travel as one JSON array.
      this.stmt(
        "INSERT OR REPLACE INTO trace_tags (trace_id, key, value) SELECT ?, j.value ->> '$[0]', j.value ->> '$[1]' FROM json_each(?) j",
      ).run(input.traceId, JSON.stringify(Object.entries(tagsToWrite)));
      // An upsert resets it to the derived value, as MLflow's StartTraceV3 overwrites it.
      if (existing)
        this.stmt('DELETE FROM trace_tags WHERE trace_id = ? AND key = ?').run(input.traceId, TAGS.artifactLocation);
      this.stmt(
        "INSERT OR REPLACE INTO trace_metadata (trace_id, key, value) SELECT ?, j.value ->> '$[0]', j.value ->> '$[1]' FROM json_each(?) j",
      ).run(input.traceId, JSON.stringify([...Object.entries(input.metadata), [METADATA.infoFinalized, 'true']]));
      const assessments = input.assessments.map((a) =>
        toAssessment(this.insertAssessment({ ...a, traceId: input.traceId })),
      );
      this.metricsColumns.touch(input.traceId);
      if (existing) return this.loadInfos([input.traceId])[0];
      // A new trace holds exactly what we just wrote: answer without reading it back.
      const row: TraceRow = {
        trace_id: input.traceId,
        experiment_id: experiment.experiment_id,
        client_request_id: input.clientRequestId ?? null,
        timestamp_ms: input.requestTimeMs ?? 0,
        execution_time_ms: input.executionTimeMs ?? null,
        state: input.state,
        request_preview: input.requestPreview ?? null,
        response_preview: input.responsePreview ?? null,
      };
      return toTraceInfo(
        row,
        { ...tagsToWrite, [TAGS.artifactLocation]: this.artifactLocation(experiment.experiment_id, input.traceId) },
        { ...input.metadata, [METADATA.infoFinalized]: 'true' },
        assessments,
      );
    });
  }

  deleteTraces(input: DeleteTracesInput): Promise<number> {
    return this.commit.run(() => {
      this.metricsColumns.invalidate();
      const experimentId = Number(input.experimentId);
      if ('traceIds' in input) {
        return this.stmt(`DELETE FROM traces WHERE experiment_id = ? AND trace_id IN ${IDS_JSON}`).run(
          experimentId,
          JSON.stringify(input.traceIds),
        ).changes;
      }
      return this.stmt(
        `DELETE FROM traces WHERE trace_id IN (SELECT trace_id FROM traces WHERE experiment_id = ? AND timestamp_ms <= ?
           ORDER BY timestamp_ms ASC LIMIT ?)`,
      ).run(experimentId, input.maxTimestampMillis, input.maxTraces ?? -1).changes;
    });
  }

  private requireTrace(traceId: string): void {
    if (!this.stmt('SELECT 1 FROM traces WHERE trace_id = ?').get(traceId))
      throw notFound(`Trace with ID '${traceId}' not found.`);
  }

  setTraceTag(traceId: string, key: string, value: string): Promise<void> {
    return this.commit.run(() => {
      this.requireTrace(traceId);
      this.stmt('INSERT OR REPLACE INTO trace_tags (trace_id, key, value) VALUES (?, ?, ?)').run(traceId, key, value);
      this.metricsColumns.touch(traceId);
    });
  }

  deleteTraceTag(traceId: string, key: string): Promise<void> {
    return this.commit.run(() => {
      this.requireTrace(traceId);
      const { changes } = this.stmt('DELETE FROM trace_tags WHERE trace_id = ? AND key = ?').run(traceId, key);
      this.metricsColumns.touch(traceId);
      if (changes === 0) throw notFound(`No trace tag with key '${key}' for trace with ID '${traceId}'`);
    });
  }

  linkTracesToRun(traceIds: string[], runId: string): Promise<void> {
    return this.commit.run(() => {
      const link = this.stmt(
        'INSERT OR IGNORE INTO trace_run_links (trace_id, run_id) SELECT trace_id, ? FROM traces WHERE trace_id = ?',
      );
      for (const id of traceIds) link.run(runId, id);
    });
  }

  linkPrompts(traceId: string, prompts: { name: string; version: string }[]): Promise<void> {
    return this.commit.run(() => {
      this.requireTrace(traceId);
      const link = this.stmt('INSERT OR IGNORE INTO trace_prompt_links (trace_id, name, version) VALUES (?, ?, ?)');
      for (const p of prompts) link.run(traceId, p.name, p.version);
      // MLflow also records the links in the mlflow.linkedPrompts tag.
      const all = this.stmt(
        'SELECT name, version FROM trace_prompt_links WHERE trace_id = ? ORDER BY name, version',
      ).all(traceId) as {
        name: string;
        version: string;
      }[];
      this.stmt('INSERT OR REPLACE INTO trace_tags (trace_id, key, value) VALUES (?, ?, ?)').run(
        traceId,
        TAGS.linkedPrompts,
        JSON.stringify(all),
      );
      this.metricsColumns.touch(traceId);
    });
  }

  // ---- spans ------------------------------------------------------------------------------------

  logSpans(batch: SpanBatch): Promise<void> {
    return this.commit.run(() => {
      const experiment = this.requireActiveExperiment(batch.experimentId);
      const byTrace = new Map<string, SpanRecord[]>();
      for (const span of batch.spans) {
        const list = byTrace.get(span.traceId);
        if (list) list.push(span);
        else byTrace.set(span.traceId, [span]);
      }
      for (const [traceId, spans] of byTrace) this.logTraceSpans(experiment, traceId, spans);
    });
  }

  private logTraceSpans(experiment: ExperimentRow, traceId: string, spans: SpanRecord[]): void {
    this.metricsColumns.touch(traceId);
    let minStart = spans[0].startTimeNs;
    let maxEnd = spans[0].endTimeNs ?? spans[0].startTimeNs;
    for (const s of spans) {
      if (s.startTimeNs < minStart) minStart = s.startTimeNs;
      const end = s.endTimeNs ?? s.startTimeNs;
      if (end > maxEnd) maxEnd = end;
    }
    const startMs = Number(minStart / 1_000_000n);
    const endMs = Number(maxEnd / 1_000_000n);
    const root = spans.find((s) => s.parentSpanId === null);
    const rootState = root ? (root.status === 'ERROR' ? 'ERROR' : 'OK') : undefined;
    const existing = this.stmt('SELECT timestamp_ms, execution_time_ms, state FROM traces WHERE trace_id = ?').get(
      traceId,
    ) as { timestamp_ms: number; execution_time_ms: number | null; state: string } | undefined;
    let finalized = false;
    if (!existing) {
      this.stmt(
        `INSERT INTO traces (trace_id, experiment_id, client_request_id, timestamp_ms, execution_time_ms, state, request_preview, response_preview)
         VALUES (?, ?, NULL, ?, ?, ?, ?, ?)`,
      ).run(
        traceId,
        experiment.experiment_id,
        startMs,
        endMs - startMs,
        rootState ?? 'IN_PROGRESS',
        root?.derived?.requestPreview ?? null,
        root?.derived?.responsePreview ?? null,
      );
    } else {
      finalized =
        this.stmt('SELECT 1 FROM trace_metadata WHERE trace_id = ? AND key = ?').get(
          traceId,
          METADATA.infoFinalized,
        ) !== undefined;
      if (!finalized) {
        const oldEnd = existing.timestamp_ms + (existing.execution_time_ms ?? 0);
        const newStart = Math.min(existing.timestamp_ms, startMs);
        const newEnd = Math.max(oldEnd, endMs);
        this.stmt('UPDATE traces SET timestamp_ms = ?, execution_time_ms = ? WHERE trace_id = ?').run(
          newStart,
          newEnd - newStart,
          traceId,
        );
      }
      if (rootState && (existing.state === 'IN_PROGRESS' || existing.state === 'STATE_UNSPECIFIED')) {
        this.stmt('UPDATE traces SET state = ? WHERE trace_id = ?').run(rootState, traceId);
      }
      if (root) {
        this.stmt(
          'UPDATE traces SET request_preview = COALESCE(request_preview, ?), response_preview = COALESCE(response_preview, ?) WHERE trace_id = ?',
        ).run(root.derived?.requestPreview ?? null, root.derived?.responsePreview ?? null, traceId);
      }
    }

    // Token usage and cost are summed over spans; a re-sent span replaces its earlier contribution (idempotent).
    const usage: Record<string, number> = {};
    const cost: Record<string, number> = {};
    let usageChanged = false;
    let costChanged = false;
    const oldSums = this.stmt(
      `SELECT json_extract(content, '$.attributes."mlflow.chat.tokenUsage"') AS u, json_extract(content, '$.attributes."mlflow.llm.cost"') AS c
       FROM spans WHERE trace_id = ? AND span_id = ?`,
    );
    const upsert = this.stmt(
      `INSERT INTO spans (trace_id, span_id, parent_span_id, name, type, status, start_time_ns, end_time_ns, content)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (trace_id, span_id) DO UPDATE SET parent_span_id = excluded.parent_span_id, name = excluded.name, type = excluded.type,
         status = excluded.status, start_time_ns = excluded.start_time_ns, end_time_ns = excluded.end_time_ns, content = excluded.content`,
    );
    let sessionId: string | undefined;
    let userId: string | undefined;
    for (const span of spans) {
      const derived = span.derived;
      if (existing && (derived?.tokenUsage || derived?.cost)) {
        const old = oldSums.get(traceId, span.spanId) as { u: string | null; c: string | null } | undefined;
        if (old?.u && derived?.tokenUsage) addUsage(usage, parseUsage(old.u), -1);
        if (old?.c && derived?.cost) addUsage(cost, parseUsage(old.c), -1);
      }
      if (derived?.tokenUsage) {
        addUsage(usage, derived.tokenUsage, 1);
        usageChanged = true;
      }
      if (derived?.cost) {
        addUsage(cost, derived.cost, 1);
        costChanged = true;
      }
      sessionId ??= derived?.sessionId;
      userId ??= derived?.userId;
      upsert.run(
        traceId,
        span.spanId,
        span.parentSpanId,
        span.name,
        span.type,
        span.status,
        span.startTimeNs,
        span.endTimeNs,
        span.content,
      );
    }
    const putMetaIfAbsent = this.stmt('INSERT OR IGNORE INTO trace_metadata (trace_id, key, value) VALUES (?, ?, ?)');
    // A finalized trace (StartTraceV3 seen) keeps the sums the SDK sent.
    if (usageChanged && !finalized) this.addToMetadataSum(traceId, METADATA.tokenUsage, usage);
    if (costChanged && !finalized) this.addToMetadataSum(traceId, METADATA.cost, cost, roundCost);
    if (sessionId !== undefined) putMetaIfAbsent.run(traceId, METADATA.session, sessionId);
    if (userId !== undefined) putMetaIfAbsent.run(traceId, METADATA.user, userId);
    const putTag = this.stmt('INSERT OR REPLACE INTO trace_tags (trace_id, key, value) VALUES (?, ?, ?)');
    putTag.run(traceId, TAGS.spansLocation, 'TRACKING_STORE');
    // Our choice (MLflow leaves OTLP-only traces unnamed): name the trace after its root span.
    if (root)
      this.stmt('INSERT OR IGNORE INTO trace_tags (trace_id, key, value) VALUES (?, ?, ?)').run(
        traceId,
        TAGS.traceName,
        root.name,
      );
  }

  /** Adds per-key deltas to a JSON object of numbers kept in trace metadata (token usage, cost). */
  private addToMetadataSum(
    traceId: string,
    key: string,
    delta: Record<string, number>,
    round: (n: number) => number = (n) => n,
  ): void {
    const current = this.stmt('SELECT value FROM trace_metadata WHERE trace_id = ? AND key = ?').get(traceId, key) as
      { value: string } | undefined;
    const total = current ? parseUsage(current.value) : {};
    addUsage(total, delta, 1);
    for (const k of Object.keys(total)) total[k] = round(total[k]);
    this.stmt('INSERT OR REPLACE INTO trace_metadata (trace_id, key, value) VALUES (?, ?, ?)').run(
      traceId,
      key,
      JSON.stringify(total),
    );
  }

  putTraceSpans(traceId: string, spans: SpanRecord[]): Promise<void> {
    return this.commit.run(() => {
      this.requireTrace(traceId);
      this.stmt('DELETE FROM spans WHERE trace_id = ?').run(traceId);
      const insert = this.stmt(
        `INSERT OR REPLACE INTO spans (trace_id, span_id, parent_span_id, name, type, status, start_time_ns, end_time_ns, content)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      for (const s of spans)
        insert.run(traceId, s.spanId, s.parentSpanId, s.name, s.type, s.status, s.startTimeNs, s.endTimeNs, s.content);
      this.stmt('INSERT OR REPLACE INTO trace_tags (trace_id, key, value) VALUES (?, ?, ?)').run(
        traceId,
        TAGS.spansLocation,
        'TRACKING_STORE',
      );
    });
  }

  async getSpans(traceId: string): Promise<SpanRecord[] | undefined> {
    if (!this.stmt('SELECT 1 FROM traces WHERE trace_id = ?').get(traceId)) return undefined;
    return (await this.getSpansOfTraces([traceId])).get(traceId) ?? [];
  }

  async spanCounts(traceIds: string[]): Promise<Map<string, number>> {
    // One statement for the batch; each count walks the trace's primary-key range.
    const rows = this.stmt(
      `SELECT trace_id, COUNT(*) AS n FROM spans WHERE trace_id IN ${IDS_JSON} GROUP BY trace_id`,
    ).all(JSON.stringify(traceIds)) as { trace_id: string; n: number }[];
    return new Map(rows.map((r) => [r.trace_id, r.n]));
  }

  async getSpansOfTraces(traceIds: string[]): Promise<Map<string, SpanRecord[]>> {
    const rows = this.stmt(
      `SELECT trace_id, span_id, parent_span_id, name, type, status, start_time_ns, end_time_ns, content FROM spans
       WHERE trace_id IN ${IDS_JSON} ORDER BY trace_id, parent_span_id IS NOT NULL, start_time_ns, span_id`,
    )
      .safeIntegers(true)
      .all(JSON.stringify(traceIds)) as SpanRow[];
    const out = new Map<string, SpanRecord[]>();
    for (const r of rows) {
      const record: SpanRecord = {
        traceId: r.trace_id,
        spanId: r.span_id,
        parentSpanId: r.parent_span_id,
        name: r.name,
        type: r.type,
        status: r.status as SpanRecord['status'],
        startTimeNs: r.start_time_ns,
        endTimeNs: r.end_time_ns,
        content: r.content,
      };
      const list = out.get(r.trace_id);
      if (list) list.push(record);
      else out.set(r.trace_id, [record]);
    }
    return out;
  }

  // ---- trace reads ------------------------------------------------------------------------------

  async getTraceInfo(traceId: string): Promise<TraceInfo | undefined> {
    return this.loadInfos([traceId])[0];
  }

  async getTraceInfos(traceIds: string[]): Promise<TraceInfo[]> {
    return this.loadInfos(traceIds);
  }

  /** Trace infos for ids in the given order: four statements whatever the count. */
  private loadInfos(traceIds: string[]): TraceInfo[] {
    if (traceIds.length === 0) return [];
    const idsJson = JSON.stringify(traceIds);
    const rows = this.stmt(`SELECT ${TRACE_COLUMNS} FROM traces t WHERE t.trace_id IN ${IDS_JSON}`).all(
      idsJson,
    ) as TraceRow[];
    const byId = new Map(rows.map((r) => [r.trace_id, r]));
    return this.assemble(traceIds.map((id) => byId.get(id)).filter((r): r is TraceRow => r !== undefined));
  }

  /** Attaches tags, metadata and assessments to trace rows with three batched statements. */
  private assemble(rows: TraceRow[]): TraceInfo[] {
    if (rows.length === 0) return [];
    const idsJson = JSON.stringify(rows.map((r) => r.trace_id));
    const tags = groupKeyValues(
      this.stmt(`SELECT trace_id, key, value FROM trace_tags WHERE trace_id IN ${IDS_JSON}`).all(
        idsJson,
      ) as KeyValueRow[],
    );
    const metadata = groupKeyValues(
      this.stmt(`SELECT trace_id, key, value FROM trace_metadata WHERE trace_id IN ${IDS_JSON}`).all(
        idsJson,
      ) as KeyValueRow[],
    );
    const assessments = new Map<string, Assessment[]>();
    const assessmentRows = this.stmt(
      `SELECT * FROM assessments WHERE trace_id IN ${IDS_JSON} ORDER BY create_time, assessment_id`,
    ).all(idsJson) as AssessmentRow[];
    for (const row of assessmentRows) {
      const list = assessments.get(row.trace_id);
      if (list) list.push(toAssessment(row));
      else assessments.set(row.trace_id, [toAssessment(row)]);
    }
    return rows.map((r) => {
      const own = tags.get(r.trace_id) ?? {};
      // A stored value (set-tag, or databases written before it was derived) wins.
      const withLocation =
        TAGS.artifactLocation in own
          ? own
          : { ...own, [TAGS.artifactLocation]: this.artifactLocation(r.experiment_id, r.trace_id) };
      return toTraceInfo(r, withLocation, metadata.get(r.trace_id) ?? {}, assessments.get(r.trace_id) ?? []);
    });
  }

  /** Experiment id → artifact root; an experiment's artifact location never changes once created. */
  private readonly artifactRoots = new Map<number, string>();

  /** The trace's mlflow.artifactLocation tag: `<experiment artifact location>/traces/<trace id>/artifacts`. */
  private artifactLocation(experimentId: number, traceId: string): string {
    let root = this.artifactRoots.get(experimentId);
    if (root === undefined) {
      const row = this.stmt('SELECT artifact_location FROM experiments WHERE experiment_id = ?').get(experimentId) as
        { artifact_location: string } | undefined;
      root = (row?.artifact_location ?? `mlflow-artifacts:/${experimentId}`).replace(/\/+$/, '');
      this.artifactRoots.set(experimentId, root);
    }
    return `${root}/traces/${traceId}/artifacts`;
  }

  /** Turn off the newest-first window strategy (tests compare both plans). */
  searchWindows = true;

  async searchTraces(query: SearchTracesQuery): Promise<SearchTracesResult> {
    const before = this.statementCount;
    const experimentIds = query.experimentIds.map((id) => Number(id));
    if (experimentIds.length === 0) return { traces: [], statements: 0 };
    const scope =
      experimentIds.length === 1
        ? 't.experiment_id = ?'
        : `t.experiment_id IN (${experimentIds.map(() => '?').join(', ')})`;
    const filter = compileSearchFilter(query.filter);
    const order = compileSearchOrder(query.orderBy);
    let offset = query.cursor.offset;
    const after = query.cursor.after;
    const keyset: { sql: string; params: unknown[] } | undefined =
      order.isDefault && after
        ? {
            sql: 't.timestamp_ms <= ? AND (t.timestamp_ms < ? OR t.trace_id > ?)',
            params: [after.ts, after.ts, after.id],
          }
        : undefined;
    if (keyset) offset = 0;

    let rows: TraceRow[] | undefined;
    const correlated =
      filter && order.isDefault && offset === 0 && this.searchWindows ? correlatedFilter(filter.sql) : undefined;
    if (filter && correlated) {
      // Newest-first window: the page is the first matches in time order, found by probing each
      // row of the time index. A full page from a window prefix is exactly the answer. If the
      // first window shows the filter is rare, the index-driven plan below is the fast one.
      const windowed = (size: number) =>
        this.stmt(
          `SELECT * FROM (SELECT ${TRACE_COLUMNS} FROM traces t WHERE ${scope}${keyset ? ` AND ${keyset.sql}` : ''}
             ORDER BY t.timestamp_ms DESC, t.trace_id ASC LIMIT ?) t WHERE ${correlated} LIMIT ?`,
        ).all(...experimentIds, ...(keyset?.params ?? []), size, ...filter.params, query.maxResults) as TraceRow[];
      const first = windowed(FIRST_WINDOW);
      if (first.length === query.maxResults) rows = first;
      else if (first.length > 0) {
        const needed = Math.ceil((FIRST_WINDOW * query.maxResults * 1.5) / first.length);
        if (needed <= MAX_WINDOW) {
          const second = windowed(needed);
          if (second.length === query.maxResults) rows = second;
        }
      }
      rows?.sort(
        (a, b) => b.timestamp_ms - a.timestamp_ms || (a.trace_id < b.trace_id ? -1 : a.trace_id > b.trace_id ? 1 : 0),
      );
    }
    if (!rows) {
      const where = [scope, ...(filter ? [`(${filter.sql})`] : []), ...(keyset ? [keyset.sql] : [])];
      const params = [...experimentIds, ...(filter?.params ?? []), ...(keyset?.params ?? [])];
      const sql = `SELECT ${TRACE_COLUMNS} FROM traces t WHERE ${where.join(' AND ')} ORDER BY ${order.sql} LIMIT ? OFFSET ?`;
      rows = this.stmt(sql).all(...params, ...order.params, query.maxResults, offset) as TraceRow[];
    }
    const traces = this.assemble(rows);
    const last = rows[rows.length - 1];
    const next =
      rows.length === query.maxResults && last
        ? {
            offset: query.cursor.offset + rows.length,
            ...(order.isDefault ? { after: { ts: last.timestamp_ms, id: last.trace_id } } : {}),
          }
        : undefined;
    return { traces, next, statements: this.statementCount - before };
  }

  // ---- assessments ------------------------------------------------------------------------------

  /**
   * Writes an assessment. Without an id it gets a new `a-<uuid hex>` and is inserted. With a
   * client id (assessments inside StartTraceV3, bulk loads) it is inserted, or updated when that id
   * already belongs to the same trace (re-sending a trace is idempotent); an id that belongs to
   * another trace is refused rather than moved.
   */
  private insertAssessment(input: AssessmentInput): AssessmentRow {
    this.metricsColumns.assessmentsChanged();
    const t = this.now();
    const id = input.assessmentId || `a-${randomUUID().replace(/-/g, '')}`;
    const row: AssessmentRow = {
      assessment_id: id,
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
      create_time: input.createTimeMs || t,
      last_update_time: input.lastUpdateTimeMs || t,
    };
    const columns = `INSERT INTO assessments (assessment_id, trace_id, name, type, value, valid, overrides, span_id, source_type, source_id,
         rationale, metadata, error, create_time, last_update_time)
       VALUES (@assessment_id, @trace_id, @name, @type, @value, @valid, @overrides, @span_id, @source_type, @source_id,
         @rationale, @metadata, @error, @create_time, @last_update_time)`;
    if (!input.assessmentId) {
      this.stmt(columns).run(row);
      return row;
    }
    // A re-sent assessment keeps its first create_time unless the client sends one.
    const { changes } = this.stmt(
      `${columns}
       ON CONFLICT (assessment_id) DO UPDATE SET name = excluded.name, type = excluded.type, value = excluded.value, valid = excluded.valid,
         overrides = excluded.overrides, span_id = excluded.span_id, source_type = excluded.source_type, source_id = excluded.source_id,
         rationale = excluded.rationale, metadata = excluded.metadata, error = excluded.error,
         create_time = COALESCE(@given_create_time, assessments.create_time), last_update_time = excluded.last_update_time
       WHERE assessments.trace_id = excluded.trace_id`,
    ).run({ ...row, given_create_time: input.createTimeMs || null });
    if (changes === 0)
      throw new MlflowError('RESOURCE_ALREADY_EXISTS', `Assessment with ID '${id}' already exists on another trace.`);
    return row;
  }

  createAssessment(input: AssessmentInput): Promise<Assessment> {
    return this.commit.run(() => {
      if (!this.stmt('SELECT 1 FROM traces WHERE trace_id = ?').get(input.traceId)) {
        throw notFound(`Trace with request_id '${input.traceId}' not found`);
      }
      if (input.overrides) {
        const { changes } = this.stmt('UPDATE assessments SET valid = 0 WHERE assessment_id = ? AND trace_id = ?').run(
          input.overrides,
          input.traceId,
        );
        // The braces are in MLflow's message too (an f-string that lost its f).
        if (changes === 0) throw notFound(`Assessment with ID '${input.overrides}' not found for trace '{trace_id}'`);
      }
      // §3.11: the server sets assessment_id; a client-chosen one could take over another trace's row.
      return toAssessment(this.insertAssessment({ ...input, assessmentId: undefined }));
    });
  }

  private requireAssessment(traceId: string, assessmentId: string): AssessmentRow {
    const row = this.stmt('SELECT * FROM assessments WHERE assessment_id = ? AND trace_id = ?').get(
      assessmentId,
      traceId,
    ) as AssessmentRow | undefined;
    if (row) return row;
    if (!this.stmt('SELECT 1 FROM traces WHERE trace_id = ?').get(traceId))
      throw notFound(`Trace with request_id '${traceId}' not found`);
    throw notFound(`Assessment with ID '${assessmentId}' not found for trace '${traceId}'`);
  }

  async getAssessment(traceId: string, assessmentId: string): Promise<Assessment> {
    return toAssessment(this.requireAssessment(traceId, assessmentId));
  }

  updateAssessment(traceId: string, assessmentId: string, update: AssessmentUpdate): Promise<Assessment> {
    return this.commit.run(() => {
      this.metricsColumns.assessmentsChanged();
      const row = this.requireAssessment(traceId, assessmentId);
      const next: AssessmentRow = { ...row, last_update_time: this.now() };
      if (update.name !== undefined) next.name = update.name;
      if (update.valueJson) {
        if (update.valueJson.type !== row.type) {
          throw invalidParameter(
            update.valueJson.type === 'feedback'
              ? 'Cannot update feedback value on an Expectation assessment.'
              : 'Cannot update expectation value on a Feedback assessment.',
          );
        }
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
      this.stmt(
        `UPDATE assessments SET name = @name, value = @value, error = @error, rationale = @rationale, metadata = @metadata, valid = @valid,
           last_update_time = @last_update_time WHERE assessment_id = @assessment_id`,
      ).run(next);
      return toAssessment(next);
    });
  }

  deleteAssessment(traceId: string, assessmentId: string): Promise<void> {
    return this.commit.run(() => {
      this.metricsColumns.assessmentsChanged();
      const row = this.stmt('SELECT overrides FROM assessments WHERE assessment_id = ? AND trace_id = ?').get(
        assessmentId,
        traceId,
      ) as { overrides: string | null } | undefined;
      if (!row) return;
      this.stmt('DELETE FROM assessments WHERE assessment_id = ?').run(assessmentId);
      if (row.overrides) this.stmt('UPDATE assessments SET valid = 1 WHERE assessment_id = ?').run(row.overrides);
    });
  }

  // ---- aggregation and extensions ---------------------------------------------------------------

  async queryMetrics(query: MetricsQuery): Promise<MetricDataPoint[]> {
    return queryMetricsSql(this, query);
  }

  async listKeys(experimentIds: string[], limit: number): Promise<KeysResponse> {
    return listKeysSql(this, experimentIds, limit);
  }

  async listValues(input: {
    experimentIds: string[];
    kind: KeyKind;
    key: string;
    prefix?: string;
    limit: number;
  }): Promise<ValuesResponse> {
    return listValuesSql(this, input);
  }

  async countTraces(input: { experimentIds: string[]; filter?: string; cap: number }): Promise<CountResponse> {
    return countTracesSql(this, input);
  }

  async listGroups(query: GroupsQuery): Promise<GroupsResponse> {
    return listGroupsSql(this, query);
  }

  /**
   * Bulk load for benchmarks and imports: inserts new traces with their tags, metadata, spans and
   * assessments in one transaction, without the per-request checks of the API paths.
   */
  bulkLoad(traces: BulkTrace[]): void {
    const insertTrace = this.stmt(
      `INSERT INTO traces (trace_id, experiment_id, client_request_id, timestamp_ms, execution_time_ms, state, request_preview, response_preview)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertTag = this.stmt('INSERT INTO trace_tags (trace_id, key, value) VALUES (?, ?, ?)');
    const insertMeta = this.stmt('INSERT INTO trace_metadata (trace_id, key, value) VALUES (?, ?, ?)');
    const insertSpan = this.stmt(
      `INSERT INTO spans (trace_id, span_id, parent_span_id, name, type, status, start_time_ns, end_time_ns, content)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.db.transaction(() => {
      for (const t of traces) {
        insertTrace.run(
          t.traceId,
          Number(t.experimentId),
          t.clientRequestId ?? null,
          t.timestampMs,
          t.executionTimeMs,
          t.state,
          t.requestPreview ?? null,
          t.responsePreview ?? null,
        );
        for (const [k, v] of Object.entries(t.tags)) insertTag.run(t.traceId, k, v);
        for (const [k, v] of Object.entries(t.metadata)) insertMeta.run(t.traceId, k, v);
        for (const s of t.spans)
          insertSpan.run(
            t.traceId,
            s.spanId,
            s.parentSpanId,
            s.name,
            s.type,
            s.status,
            s.startTimeNs,
            s.endTimeNs,
            s.content,
          );
        for (const a of t.assessments ?? []) this.insertAssessment({ ...a, traceId: t.traceId });
      }
    })();
    this.metricsColumns.invalidate();
  }

  /** Refreshes planner statistics; cheap with analysis_limit, so it can run after bulk loads. */
  optimize(): void {
    this.db.pragma('analysis_limit = 1000');
    this.db.exec('PRAGMA optimize=0x10002');
  }

  close(): void {
    this.checkpointer?.stop();
    try {
      this.db.pragma('analysis_limit = 1000');
      this.db.exec('PRAGMA optimize');
    } catch {
      // Closing must not fail because statistics could not be refreshed.
    }
    this.db.close();
  }
}

function groupKeyValues(rows: KeyValueRow[]): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  for (const r of rows) {
    let map = out.get(r.trace_id);
    if (!map) {
      map = {};
      out.set(r.trace_id, map);
    }
    map[r.key] = r.value;
  }
  return out;
}

function parseUsage(text: string): Record<string, number> {
  try {
    let value: unknown = JSON.parse(text);
    if (typeof value === 'string') value = JSON.parse(value);
    const out: Record<string, number> = {};
    if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) if (typeof v === 'number') out[k] = v;
    }
    return out;
  } catch {
    return {};
  }
}

/**
 * Cost sums are floats (USD): re-sending a span subtracts and re-adds its cost, which leaves
 * binary noise (0.30000000000000004). Fifteen significant digits hold any real price sum and drop it.
 */
function roundCost(n: number): number {
  return Number.isFinite(n) ? Number(n.toPrecision(15)) : n;
}

function addUsage(into: Record<string, number>, add: Record<string, number>, sign: 1 | -1): void {
  for (const [k, v] of Object.entries(add)) into[k] = (into[k] ?? 0) + sign * v;
}
