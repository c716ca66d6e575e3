// The SQLite engine behind TraceStore: a facade over modules named after what they do
// (sqlite/experiments.ts, trace-writes.ts, span-writes.ts, trace-reads.ts, assessments.ts).
// MLflow's rules live in rules/ and are shared by every engine; this file adds the write
// queue (group commit), the write hook feeding the optional metrics accelerator, and search.
import type Database from 'better-sqlite3';
import type {
  Assessment,
  CountResponse,
  Experiment,
  GroupsResponse,
  KeysResponse,
  TraceInfo,
  ValuesResponse,
} from '../../core/model.ts';
import { BackgroundCheckpointer } from './checkpointer.ts';
import type { AcceleratorMemory, AcceleratorOptions, MetricsAccelerator } from './metrics-accelerator.ts';
import { MetricsColumns } from './metrics-columns.ts';
import type { MetricDataPoint, MetricsQuery } from './metrics-query.ts';
import { compileSearchFilter, compileSearchOrder, orderKeyColumns, orderKeyset } from './search-sql.ts';
import type { SpanRecord } from './span-record.ts';
import { SqliteAssessments } from './sqlite/assessments.ts';
import { bulkLoad, type BulkTrace } from './sqlite/bulk-load.ts';
import { SqliteExperiments } from './sqlite/experiments.ts';
import { SqliteContext, type SqliteReadContext } from './sqlite/sqlite-context.ts';
import { SqliteSpanWrites } from './sqlite/span-writes.ts';
import { SqliteTraceReads } from './sqlite/trace-reads.ts';
import { SqliteTraceWrites } from './sqlite/trace-writes.ts';
import { queryMetricsSql } from './sqlite-metrics.ts';
import { countTracesSql, listGroupsSql, listKeysSql, listValuesSql } from './sqlite-extensions.ts';
import type { GroupCommitStats } from './group-commit.ts';
import type { StoreChange } from './store-change.ts';
import { TRACE_COLUMNS, type TraceRow } from './trace-rows.ts';
import type {
  AssessmentInput,
  AssessmentUpdate,
  CountQuery,
  DeleteTracesInput,
  GroupsQuery,
  SearchExperimentsQuery,
  SearchTracesQuery,
  SearchTracesResult,
  SpanBatch,
  TraceInfoInput,
  TraceStore,
  ValuesQuery,
} from './trace-store.ts';

export type { BulkTrace };

export interface SqliteStoreOptions {
  now?: () => number;
  /**
   * The in-memory metrics accelerator (default on, MetricsColumns with these options); false
   * answers from SQL alone; a function builds another one over the connection.
   */
  metricsAccelerator?: false | AcceleratorOptions | ((db: Database.Database) => MetricsAccelerator);
  /** false keeps SQLite's own auto-checkpoint on the write connection (benchmark baseline). */
  backgroundCheckpoints?: boolean;
  /** false: filtered searches skip the newest-first window plan (tests compare both plans). */
  searchWindows?: boolean;
}

/** Rows of the time index a filtered search probes before judging the filter rare. */
const FIRST_WINDOW = 2000;
const MAX_WINDOW = 60_000;

export class SqliteTraceStore implements TraceStore {
  private readonly ctx: SqliteContext;
  private readonly accelerator: MetricsAccelerator | undefined;
  private readonly checkpointer: BackgroundCheckpointer | undefined;
  private readonly searchWindows: boolean;
  private readonly experiments: SqliteExperiments;
  private readonly reads: SqliteTraceReads;
  private readonly assessments: SqliteAssessments;
  private readonly traceWrites: SqliteTraceWrites;
  private readonly spanWrites: SqliteSpanWrites;

  constructor(db: Database.Database, options: SqliteStoreOptions = {}) {
    const choice = options.metricsAccelerator;
    const accelerator =
      choice === false ? undefined : typeof choice === 'function' ? choice(db) : new MetricsColumns(db, choice);
    this.accelerator = accelerator;
    // The write hook: every commit reports what it changed; the accelerator follows from it alone.
    this.ctx = new SqliteContext(db, options.now ?? Date.now, (change: StoreChange) => accelerator?.changed(change));
    this.searchWindows = options.searchWindows ?? true;
    this.experiments = new SqliteExperiments(this.ctx);
    this.reads = new SqliteTraceReads(this.ctx, this.experiments);
    this.assessments = new SqliteAssessments(this.ctx);
    this.traceWrites = new SqliteTraceWrites(this.ctx, this.experiments, this.assessments, this.reads);
    this.spanWrites = new SqliteSpanWrites(this.ctx, this.experiments);
    this.checkpointer =
      options.backgroundCheckpoints !== false && BackgroundCheckpointer.applies(db)
        ? new BackgroundCheckpointer(db)
        : undefined;
  }

  // ---- experiments ----------------------------------------------------------------------------

  createExperiment(input: {
    name: string;
    artifactLocation?: string;
    tags?: { key: string; value: string }[];
  }): Promise<string> {
    return this.ctx.write({}, () => this.experiments.create(input));
  }

  async getExperiment(experimentId: string): Promise<Experiment | undefined> {
    return this.experiments.get(experimentId);
  }

  async getExperimentByName(name: string): Promise<Experiment | undefined> {
    return this.experiments.getByName(name);
  }

  async searchExperiments(input: SearchExperimentsQuery): Promise<Experiment[]> {
    return this.experiments.search(input);
  }

  deleteExperiment(experimentId: string): Promise<void> {
    return this.ctx.write({}, () => this.experiments.setStage(experimentId, 'delete'));
  }

  restoreExperiment(experimentId: string): Promise<void> {
    return this.ctx.write({}, () => this.experiments.setStage(experimentId, 'restore'));
  }

  renameExperiment(experimentId: string, newName: string): Promise<void> {
    return this.ctx.write({}, () => this.experiments.rename(experimentId, newName));
  }

  // ---- trace writes (each names what it changes, for the write hook) ---------------------------

  startTrace(input: TraceInfoInput): Promise<TraceInfo> {
    return this.ctx.write({ traces: [input.traceId], assessments: input.assessments.length > 0 }, () =>
      this.traceWrites.start(input),
    );
  }

  deleteTraces(input: DeleteTracesInput): Promise<number> {
    return this.ctx.write({ reset: true }, () => this.traceWrites.delete(input));
  }

  setTraceTag(traceId: string, key: string, value: string): Promise<void> {
    return this.ctx.write({ traces: [traceId] }, () => this.traceWrites.setTag(traceId, key, value));
  }

  deleteTraceTag(traceId: string, key: string): Promise<void> {
    return this.ctx.write({ traces: [traceId] }, () => this.traceWrites.deleteTag(traceId, key));
  }

  linkTracesToRun(traceIds: string[], runId: string): Promise<void> {
    return this.ctx.write({}, () => this.traceWrites.linkToRun(traceIds, runId));
  }

  linkPrompts(traceId: string, prompts: { name: string; version: string }[]): Promise<void> {
    return this.ctx.write({ traces: [traceId] }, () => this.traceWrites.linkPrompts(traceId, prompts));
  }

  logSpans(batch: SpanBatch): Promise<void> {
    return this.ctx.write({ traces: batch.spans.map((s) => s.traceId) }, () => this.spanWrites.log(batch));
  }

  putTraceSpans(traceId: string, spans: SpanRecord[]): Promise<void> {
    return this.ctx.write({ traces: [traceId] }, () => this.spanWrites.replace(traceId, spans));
  }

  // ---- trace reads ------------------------------------------------------------------------------

  async getTraceInfo(traceId: string): Promise<TraceInfo | undefined> {
    return this.reads.infos([traceId])[0];
  }

  async getTraceInfos(traceIds: string[]): Promise<TraceInfo[]> {
    return this.reads.infos(traceIds);
  }

  async getSpans(traceId: string): Promise<SpanRecord[] | undefined> {
    if (!this.reads.exists(traceId)) return undefined;
    return this.reads.spansOfTraces([traceId]).get(traceId) ?? [];
  }

  async getSpansOfTraces(traceIds: string[]): Promise<Map<string, SpanRecord[]>> {
    return this.reads.spansOfTraces(traceIds);
  }

  async spanCounts(traceIds: string[]): Promise<Map<string, number>> {
    return this.reads.spanCounts(traceIds);
  }

  async searchTraces(query: SearchTracesQuery): Promise<SearchTracesResult> {
    // Traces of a deleted experiment are not searchable.
    const experimentIds = this.experiments.activeIds(query.experimentIds);
    if (experimentIds.length === 0) return { traces: [] };
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
        : query.cursor.keys && orderKeyset(order, query.cursor.keys);
    if (keyset) offset = 0;

    let rows: TraceRow[] | undefined;
    const correlated =
      order.isDefault && offset === 0 && this.searchWindows
        ? compileSearchFilter(query.filter, 'correlated')
        : undefined;
    if (correlated) {
      // Newest-first window: the page is the first matches in time order, found by probing each
      // row of the time index. A full page from a window prefix is exactly the answer. If the
      // first window shows the filter is rare, the index-driven plan below is the fast one.
      const windowed = (size: number) =>
        this.ctx
          .stmt(
            `SELECT * FROM (SELECT ${TRACE_COLUMNS} FROM traces t WHERE ${scope}${keyset ? ` AND ${keyset.sql}` : ''}
             ORDER BY t.timestamp_ms DESC, t.trace_id ASC LIMIT ?) t WHERE ${correlated.sql} LIMIT ?`,
          )
          .all(...experimentIds, ...(keyset?.params ?? []), size, ...correlated.params, query.maxResults) as TraceRow[];
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
      const keyColumns = orderKeyColumns(order);
      const sql = `SELECT ${TRACE_COLUMNS}${keyColumns.sql} FROM traces t WHERE ${where.join(' AND ')} ORDER BY ${order.sql} LIMIT ? OFFSET ?`;
      rows = this.ctx
        .stmt(sql)
        .all(...keyColumns.params, ...params, ...order.params, query.maxResults, offset) as TraceRow[];
    }
    const traces = this.reads.assemble(rows);
    const last = rows[rows.length - 1];
    const next =
      rows.length === query.maxResults && last
        ? {
            offset: query.cursor.offset + rows.length,
            ...(order.isDefault
              ? { after: { ts: last.timestamp_ms, id: last.trace_id } }
              : { keys: order.terms.map((_, i) => orderKey((last as unknown as Record<string, unknown>)[`k${i}`])) }),
          }
        : undefined;
    return { traces, next };
  }

  // ---- assessments ------------------------------------------------------------------------------

  createAssessment(input: AssessmentInput): Promise<Assessment> {
    return this.ctx.write({ traces: [input.traceId], assessments: true }, () => this.assessments.create(input));
  }

  async getAssessment(traceId: string, assessmentId: string): Promise<Assessment> {
    return this.assessments.get(traceId, assessmentId);
  }

  updateAssessment(traceId: string, assessmentId: string, update: AssessmentUpdate): Promise<Assessment> {
    return this.ctx.write({ traces: [traceId], assessments: true }, () =>
      this.assessments.update(traceId, assessmentId, update),
    );
  }

  deleteAssessment(traceId: string, assessmentId: string): Promise<void> {
    return this.ctx.write({ traces: [traceId], assessments: true }, () =>
      this.assessments.delete(traceId, assessmentId),
    );
  }

  // ---- aggregation and extensions ---------------------------------------------------------------

  // Every read scoped by experiment answers for active experiments only: a deleted experiment's
  // traces are not searchable (MLflow), so they are not counted, grouped or measured either.
  async queryMetrics(query: MetricsQuery): Promise<MetricDataPoint[]> {
    const experimentIds = this.experiments.activeIds(query.experimentIds);
    if (experimentIds.length === 0) return [];
    return queryMetricsSql(this.readContext(), { ...query, experimentIds });
  }

  async listKeys(experimentIds: number[], limit: number): Promise<KeysResponse> {
    const active = this.experiments.activeIds(experimentIds);
    if (active.length === 0) return { keys: [] };
    return listKeysSql(this.readContext(), active, limit);
  }

  async listValues(input: ValuesQuery): Promise<ValuesResponse> {
    const experimentIds = this.experiments.activeIds(input.experimentIds);
    if (experimentIds.length === 0) return { values: [] };
    return listValuesSql(this.readContext(), { ...input, experimentIds });
  }

  async countTraces(input: CountQuery): Promise<CountResponse> {
    const experimentIds = this.experiments.activeIds(input.experimentIds);
    if (experimentIds.length === 0) return { count: 0, exact: true };
    return countTracesSql(this.readContext(), { ...input, experimentIds });
  }

  async listGroups(query: GroupsQuery): Promise<GroupsResponse> {
    const experimentIds = this.experiments.activeIds(query.experimentIds);
    if (experimentIds.length === 0) return { groups: [] };
    return listGroupsSql(this.readContext(), { ...query, experimentIds });
  }

  private readContext(): SqliteReadContext {
    return { stmt: (sql) => this.ctx.stmt(sql), accelerator: this.accelerator };
  }

  // ---- SQLite only (benchmarks, imports, operations) --------------------------------------------

  /** Inserts new traces in one transaction without the API's per-request checks (benchmarks, imports). */
  bulkLoad(traces: BulkTrace[]): void {
    bulkLoad(this.ctx, this.assessments, traces);
    this.accelerator?.changed({ traces: new Set(), assessments: true, reset: true });
  }

  /**
   * Statements run through the statement cache so far: SQLite-only instrumentation for the
   * benchmark's statements per page (not part of TraceStore).
   */
  statementsRun(): number {
    return this.ctx.statementCount;
  }

  /** Refreshes planner statistics; cheap with analysis_limit, so it can run after bulk loads. */
  optimize(): void {
    this.ctx.db.pragma('analysis_limit = 1000');
    this.ctx.db.exec('PRAGMA optimize=0x10002');
  }

  /** Group commit counters (the benchmark's mean group size). */
  commitStats(): GroupCommitStats {
    return this.ctx.commitStats();
  }

  /** The accelerator's memory, or undefined without one (the benchmark reports it). */
  acceleratorMemory(): AcceleratorMemory | undefined {
    return this.accelerator?.memory();
  }

  async close(): Promise<void> {
    await this.ctx.closeWrites();
    this.checkpointer?.stop();
    try {
      this.ctx.db.pragma('analysis_limit = 1000');
      this.ctx.db.exec('PRAGMA optimize');
    } catch {
      // Closing must not fail because statistics could not be refreshed.
    }
    this.ctx.db.close();
  }
}

/** A sort key as the page token carries it (SQLite answers text, numbers or NULL for every order term). */
function orderKey(value: unknown): string | number | null {
  return typeof value === 'string' || typeof value === 'number' ? value : null;
}
