// The PostgreSQL engine behind TraceStore: a facade over modules named after what they do (pg-experiments,
// pg-trace-writes, pg-span-writes, pg-trace-reads, pg-assessments, pg-search, pg-extensions, pg-metrics,
// pg-trace-changes).
// MLflow's rules live in ../rules/ and are shared with SQLite. Stateless across replicas: every answer is
// read from the database when asked, so a write acknowledged by one replica is in every replica's next
// answer. The one process-local copy of data, the optional metrics accelerator (../metrics-columns.ts),
// catches up from the database before each answer (pg-metrics-source.ts), so it keeps that promise. Each
// call is one transaction under the per-request statement timeout (pg-context.ts).
import type { Pool } from 'pg';
import type {
  Assessment,
  CountResponse,
  Experiment,
  GroupsResponse,
  KeysResponse,
  TraceInfo,
  ValuesResponse,
} from '../../../core/model.ts';
import {
  acceleratedMetrics,
  acceleratedGroups,
  type AcceleratorMemory,
  type AcceleratorOptions,
  type MetricsAccelerator,
} from '../metrics-accelerator.ts';
import { MetricsColumns } from '../metrics-columns.ts';
import type { MetricsSource } from '../metrics-source.ts';
import type { MetricDataPoint, MetricsQuery } from '../metrics-query.ts';
import type { SpanRecord } from '../span-record.ts';
import type {
  AssessmentInput,
  AssessmentUpdate,
  ChangesQuery,
  ChangesResult,
  CountQuery,
  DatabaseHealth,
  DeleteTracesInput,
  GroupsQuery,
  SearchExperimentsQuery,
  SearchTracesQuery,
  SearchTracesResult,
  PackedSpanBatch,
  SpanBatch,
  TraceInfoInput,
  TraceStore,
  ValuesQuery,
} from '../trace-store.ts';
import { checkPostgresHealth } from './check-postgres-health.ts';
import { migratePostgres } from './migrate-postgres.ts';
import { PgAssessments } from './pg-assessments.ts';
import { PgContext, type Sql } from './pg-context.ts';
import { PgExperiments } from './pg-experiments.ts';
import { listGroupsSql, listKeysSql, listValuesSql } from './pg-extensions.ts';
import { PgMetricsSource } from './pg-metrics-source.ts';
import { queryMetricsSql } from './pg-metrics.ts';
import { countTracesSql, searchTracesSql } from './pg-search.ts';
import { PgSpanWrites } from './pg-span-writes.ts';
import { DEFAULT_TAIL_SETTLE_MS, PgTraceChanges } from './pg-trace-changes.ts';
import { PgTraceReads } from './pg-trace-reads.ts';
import { PgTraceWrites } from './pg-trace-writes.ts';

export interface PostgresStoreOptions {
  now?: () => number;
  /** Every statement of a request stops after this long, answered 503 (default 30 s). */
  statementTimeoutMs?: number;
  /** How long a live-tail poll waits for transactions in flight when it starts (default 100 ms). */
  tailSettleMs?: number;
  /**
   * The in-memory metrics accelerator (default on, with these options); false answers from SQL alone;
   * a function builds it over this store's source (tests).
   */
  metricsAccelerator?: false | AcceleratorOptions | ((source: MetricsSource) => MetricsAccelerator);
}

const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;

export class PostgresTraceStore implements TraceStore {
  private readonly ctx: PgContext;
  private readonly experiments: PgExperiments;
  private readonly reads: PgTraceReads;
  private readonly assessments: PgAssessments;
  private readonly traceWrites: PgTraceWrites;
  private readonly spanWrites: PgSpanWrites;
  private readonly changes: PgTraceChanges;
  private readonly accelerator: MetricsAccelerator | undefined;

  private constructor(pool: Pool, options: PostgresStoreOptions) {
    this.ctx = new PgContext(pool, options.now ?? Date.now, options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS);
    this.experiments = new PgExperiments(this.ctx);
    this.reads = new PgTraceReads(this.experiments);
    this.assessments = new PgAssessments(this.ctx);
    this.traceWrites = new PgTraceWrites(this.ctx, this.experiments, this.assessments, this.reads);
    this.spanWrites = new PgSpanWrites(this.ctx, this.experiments);
    this.changes = new PgTraceChanges(
      this.ctx,
      this.experiments,
      this.reads,
      options.tailSettleMs ?? DEFAULT_TAIL_SETTLE_MS,
    );
    const choice = options.metricsAccelerator;
    const source = new PgMetricsSource(this.ctx);
    this.accelerator =
      choice === false ? undefined : typeof choice === 'function' ? choice(source) : new MetricsColumns(source, choice);
  }

  /**
   * Migrates the database (under the advisory lock, so replicas starting together apply each version once)
   * and creates the Default experiment. The store owns the pool from here: close() ends it.
   */
  static async open(pool: Pool, options: PostgresStoreOptions = {}): Promise<PostgresTraceStore> {
    try {
      await migratePostgres(pool);
      const store = new PostgresTraceStore(pool, options);
      await store.experiments.ensureDefault();
      return store;
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
  }

  // ---- experiments ----------------------------------------------------------------------------

  createExperiment(input: {
    name: string;
    artifactLocation?: string;
    tags?: { key: string; value: string }[];
  }): Promise<string> {
    return this.experiments.create(input);
  }

  getExperiment(experimentId: string): Promise<Experiment | undefined> {
    return this.experiments.get(experimentId);
  }

  getExperimentByName(name: string): Promise<Experiment | undefined> {
    return this.experiments.getByName(name);
  }

  searchExperiments(input: SearchExperimentsQuery): Promise<Experiment[]> {
    return this.experiments.search(input);
  }

  deleteExperiment(experimentId: string): Promise<void> {
    return this.experiments.setStage(experimentId, 'delete');
  }

  restoreExperiment(experimentId: string): Promise<void> {
    return this.experiments.setStage(experimentId, 'restore');
  }

  renameExperiment(experimentId: string, newName: string): Promise<void> {
    return this.experiments.rename(experimentId, newName);
  }

  setExperimentTag(experimentId: string, key: string, value: string): Promise<void> {
    return this.experiments.setTag(experimentId, key, value);
  }

  deleteExperimentTag(experimentId: string, key: string): Promise<void> {
    return this.experiments.deleteTag(experimentId, key);
  }

  // ---- trace writes ---------------------------------------------------------------------------

  startTrace(input: TraceInfoInput): Promise<TraceInfo> {
    return this.traceWrites.start(input);
  }

  deleteTraces(input: DeleteTracesInput): Promise<number> {
    return this.traceWrites.delete(input);
  }

  setTraceTag(traceId: string, key: string, value: string): Promise<void> {
    return this.traceWrites.setTag(traceId, key, value);
  }

  deleteTraceTag(traceId: string, key: string): Promise<void> {
    return this.traceWrites.deleteTag(traceId, key);
  }

  linkTracesToRun(traceIds: string[], runId: string): Promise<void> {
    return this.traceWrites.linkToRun(traceIds, runId);
  }

  linkPrompts(traceId: string, prompts: { name: string; version: string }[]): Promise<void> {
    return this.traceWrites.linkPrompts(traceId, prompts);
  }

  logSpans(batch: SpanBatch): Promise<void> {
    return this.spanWrites.log(batch);
  }

  logPackedSpans(batch: PackedSpanBatch): Promise<void> {
    return this.spanWrites.logPacked(batch);
  }

  putTraceSpans(traceId: string, spans: SpanRecord[]): Promise<void> {
    return this.spanWrites.replace(traceId, spans);
  }

  // ---- trace reads ----------------------------------------------------------------------------

  async getTraceInfo(traceId: string): Promise<TraceInfo | undefined> {
    return (await this.getTraceInfos([traceId]))[0];
  }

  getTraceInfos(traceIds: string[]): Promise<TraceInfo[]> {
    return this.ctx.read((sql) => this.reads.infos(sql, traceIds));
  }

  getSpans(traceId: string): Promise<SpanRecord[] | undefined> {
    return this.ctx.read(async (sql) => {
      if (!(await this.reads.exists(sql, traceId))) return undefined;
      return (await this.reads.spansOfTraces(sql, [traceId])).get(traceId) ?? [];
    });
  }

  getSpansOfTraces(traceIds: string[]): Promise<Map<string, SpanRecord[]>> {
    return this.ctx.read((sql) => this.reads.spansOfTraces(sql, traceIds));
  }

  spanCounts(traceIds: string[]): Promise<Map<string, number>> {
    return this.ctx.read((sql) => this.reads.spanCounts(sql, traceIds));
  }

  searchTraces(query: SearchTracesQuery): Promise<SearchTracesResult> {
    return this.scoped(query.experimentIds, { traces: [] }, (sql, ids) => searchTracesSql(sql, this.reads, ids, query));
  }

  // ---- assessments ----------------------------------------------------------------------------

  createAssessment(input: AssessmentInput): Promise<Assessment> {
    return this.assessments.create(input);
  }

  getAssessment(traceId: string, assessmentId: string): Promise<Assessment> {
    return this.assessments.get(traceId, assessmentId);
  }

  updateAssessment(traceId: string, assessmentId: string, update: AssessmentUpdate): Promise<Assessment> {
    return this.assessments.update(traceId, assessmentId, update);
  }

  deleteAssessment(traceId: string, assessmentId: string): Promise<void> {
    return this.assessments.delete(traceId, assessmentId);
  }

  // ---- aggregation and extensions -------------------------------------------------------------

  async queryMetrics(query: MetricsQuery): Promise<MetricDataPoint[]> {
    if (this.accelerator) {
      const experimentIds = await this.activeIds(query.experimentIds);
      if (experimentIds.length === 0) return [];
      const fast = await acceleratedMetrics(this.accelerator, { ...query, experimentIds });
      if (fast) return fast;
    }
    return this.scoped(query.experimentIds, [], (sql, experimentIds) =>
      queryMetricsSql(sql, { ...query, experimentIds }),
    );
  }

  listKeys(experimentIds: number[], limit: number): Promise<KeysResponse> {
    return this.scoped(experimentIds, { keys: [] }, (sql, ids) => listKeysSql(sql, ids, limit));
  }

  listValues(input: ValuesQuery): Promise<ValuesResponse> {
    return this.scoped(input.experimentIds, { values: [] }, (sql, experimentIds) =>
      listValuesSql(sql, { ...input, experimentIds }),
    );
  }

  countTraces(input: CountQuery): Promise<CountResponse> {
    return this.scoped(input.experimentIds, { count: 0, exact: true }, (sql, ids) =>
      countTracesSql(sql, ids, input.filter, input.cap),
    );
  }

  async listGroups(query: GroupsQuery): Promise<GroupsResponse> {
    if (this.accelerator) {
      const experimentIds = await this.activeIds(query.experimentIds);
      if (experimentIds.length === 0) return { groups: [] };
      const fast = await acceleratedGroups(this.accelerator, { ...query, experimentIds });
      if (fast) return fast;
    }
    return this.scoped(query.experimentIds, { groups: [] }, (sql, experimentIds) =>
      listGroupsSql(sql, { ...query, experimentIds }),
    );
  }

  /**
   * The active experiments among `experimentIds`, in a short read of its own: the accelerator's call then
   * takes its own connection (holding one while waiting for the accelerator could exhaust the pool).
   */
  private activeIds(experimentIds: number[]): Promise<number[]> {
    return this.ctx.read((sql) => this.experiments.activeIds(sql, experimentIds));
  }

  /** The accelerator's memory, or undefined without one (the benchmark reports it). */
  acceleratorMemory(): AcceleratorMemory | undefined {
    return this.accelerator?.memory();
  }

  /** Resolves once the accelerator has nothing left to load (it loads in the background); tests await it. */
  async acceleratorReady(): Promise<void> {
    await this.accelerator?.ready();
  }

  changesSince(query: ChangesQuery): Promise<ChangesResult> {
    return this.changes.since(query);
  }

  /**
   * A read over the active experiments among `experimentIds` (a deleted experiment's traces are not
   * searchable, so they are not counted, grouped or measured either), or `empty` when there are none.
   */
  private scoped<T>(experimentIds: number[], empty: T, work: (sql: Sql, active: number[]) => Promise<T>): Promise<T> {
    return this.ctx.read(async (sql) => {
      const active = await this.experiments.activeIds(sql, experimentIds);
      return active.length === 0 ? empty : work(sql, active);
    });
  }

  readonly engine = 'postgresql';

  /** A bounded `SELECT 1` through this replica's own pool (check-postgres-health.ts). */
  health(timeoutMs: number): Promise<DatabaseHealth> {
    return checkPostgresHealth(this.ctx.pool, timeoutMs);
  }

  /** Ends the pool once its checked-out connections come back (in-flight requests finish first). */
  async close(): Promise<void> {
    // Both start before any await: a request sent after close() began is refused, not half served. The
    // pool ends once the accelerator's background load (if any) has stopped and released its client.
    const acceleratorClosed = this.accelerator?.close();
    const poolEnded = this.ctx.pool.end();
    await acceleratorClosed;
    await poolEnded;
  }
}
