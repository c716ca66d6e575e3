// The SQLite engine behind TraceStore: a facade over modules named after what they do
// (sqlite/experiments.ts, trace-writes.ts, span-writes.ts, trace-reads.ts, assessments.ts).
// MLflow's rules live in rules/ and are shared by every engine; this file adds the dispatch:
// writes (sqlite/sqlite-writer.ts, in group commits) run in the writer thread
// (sqlite/write-thread.ts), heavy reads (sqlite/sqlite-reader.ts) in read workers
// (sqlite/read-pool.ts); and the write hook feeding the optional metrics accelerator.
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
import { BackgroundCheckpointer, FALLBACK_AUTOCHECKPOINT_PAGES } from './checkpointer.ts';
import {
  acceleratedGroups,
  acceleratedMetrics,
  type AcceleratorMemory,
  type AcceleratorOptions,
  type MetricsAccelerator,
} from './metrics-accelerator.ts';
import { MetricsColumns } from './metrics-columns.ts';
import type { MetricDataPoint, MetricsQuery } from './metrics-query.ts';
import type { SpanRecord } from './span-record.ts';
import { SqliteAssessments } from './sqlite/assessments.ts';
import { bulkLoad, type BulkTrace } from './sqlite/bulk-load.ts';
import { SqliteExperiments } from './sqlite/experiments.ts';
import { DEFAULT_READ_BUDGET_MS, DEFAULT_READ_WORKERS, ReadPool } from './sqlite/read-pool.ts';
import { SqliteContext } from './sqlite/sqlite-context.ts';
import { SqliteReader, type ReadMethod } from './sqlite/sqlite-reader.ts';
import { SqliteTraceChanges } from './sqlite/trace-changes.ts';
import { SqliteTraceReads } from './sqlite/trace-reads.ts';
import { applyWrite, SqliteWriter, type WriteMethod } from './sqlite/sqlite-writer.ts';
import { WriterThread } from './sqlite/write-thread.ts';
import type { GroupCommitStats } from './group-commit.ts';
import type { StoreChange, WriteDeclaration } from './store-change.ts';
import type {
  AssessmentInput,
  AssessmentUpdate,
  ChangesQuery,
  ChangesResult,
  CountQuery,
  DatabaseHealth,
  DeleteTracesInput,
  GroupsQuery,
  PackedSpanBatch,
  SearchExperimentsQuery,
  SearchTracesQuery,
  SearchTracesResult,
  SpanBatch,
  SpanChunks,
  TraceInfoInput,
  TraceStore,
  ValuesQuery,
} from './trace-store.ts';

export type { BulkTrace };

/** Spans per chunk of a streamed trace read (≈ 300 KB of JSON). */
const SPAN_CHUNK = 1000;

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
  /**
   * Threads running the heavy reads (`--read-workers`, default DEFAULT_READ_WORKERS); 0 reads on
   * the event loop. An in-memory database has no file to share, so it always reads here.
   */
  readWorkers?: number;
  /**
   * Writes run in a writer thread with its own connection (default); false runs them on the event
   * loop, as an in-memory database (no file to share) and a store given its own `now` (a function
   * cannot cross threads) always do.
   */
  writerThread?: boolean;
  /** Start the read workers and the writer thread with the store instead of at first use (the server does). */
  warmReadWorkers?: boolean;
  /** A read's time budget in a worker, queueing included (`--read-timeout`; default DEFAULT_READ_BUDGET_MS). */
  readBudgetMs?: number;
  /** The read workers' RLIKE budget (tests that need a read to outlast readBudgetMs; sqlite-functions.ts). */
  regexpBudgetMs?: number;
}

export class SqliteTraceStore implements TraceStore {
  private readonly ctx: SqliteContext;
  private readonly accelerator: MetricsAccelerator | undefined;
  private readonly checkpointer: BackgroundCheckpointer | undefined;
  private readonly experiments: SqliteExperiments;
  private readonly reader: SqliteReader;
  private readonly pool: ReadPool | undefined;
  private readonly assessments: SqliteAssessments;
  private readonly changes: SqliteTraceChanges;
  /** The writer thread, or undefined when writes run here (in-memory database, `writerThread: false`). */
  private readonly writerThread: WriterThread | undefined;
  private readonly localWriter: SqliteWriter | undefined;

  constructor(db: Database.Database, options: SqliteStoreOptions = {}) {
    const choice = options.metricsAccelerator;
    const accelerator =
      choice === false ? undefined : typeof choice === 'function' ? choice(db) : new MetricsColumns(db, choice);
    this.accelerator = accelerator;
    // The write hook: every commit reports what it changed; the accelerator follows from it alone.
    const onCommit = (change: StoreChange) => accelerator?.changed(change);
    this.ctx = new SqliteContext(db, options.now ?? Date.now, onCommit);
    const searchWindows = options.searchWindows ?? true;
    this.experiments = new SqliteExperiments(this.ctx);
    const reads = new SqliteTraceReads(this.ctx, this.experiments);
    this.reader = new SqliteReader(this.ctx, this.experiments, reads, searchWindows);
    const workers = options.readWorkers ?? DEFAULT_READ_WORKERS;
    this.pool =
      workers > 0 && !db.memory
        ? new ReadPool({
            path: db.name,
            size: workers,
            budgetMs: options.readBudgetMs ?? DEFAULT_READ_BUDGET_MS,
            searchWindows,
            regexpBudgetMs: options.regexpBudgetMs,
            onStatements: (count) => (this.ctx.statementCount += count),
          })
        : undefined;
    if (options.warmReadWorkers) this.pool?.warm();
    this.assessments = new SqliteAssessments(this.ctx);
    this.changes = new SqliteTraceChanges(this.ctx, reads);
    this.checkpointer =
      options.backgroundCheckpoints !== false && BackgroundCheckpointer.applies(db)
        ? new BackgroundCheckpointer(db)
        : undefined;
    // This connection stays for cheap lookups (experiments, health, the accelerator, the live
    // tail) and bulk loads; trace writes go to the writer thread's own connection (WAL: one writer
    // beside any number of readers) with the same durability.
    this.writerThread =
      options.writerThread !== false && !db.memory && !options.now
        ? new WriterThread({
            path: db.name,
            synchronous: (db.pragma('synchronous', { simple: true }) as number) >= 2 ? 'FULL' : 'NORMAL',
            autocheckpointPages: this.checkpointer ? FALLBACK_AUTOCHECKPOINT_PAGES : undefined,
            onCommit,
            onStatements: (count) => (this.ctx.statementCount += count),
          })
        : undefined;
    this.localWriter = this.writerThread ? undefined : new SqliteWriter(this.ctx);
    // Lookups only now: a read worker's page cache (the writer thread keeps the writer's 64 MiB).
    if (this.writerThread) db.pragma('cache_size = -16384');
    if (options.warmReadWorkers) this.writerThread?.warm();
  }

  // ---- experiments ----------------------------------------------------------------------------

  createExperiment(input: {
    name: string;
    artifactLocation?: string;
    tags?: { key: string; value: string }[];
  }): Promise<string> {
    return this.write('createExperiment', [input], {});
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
    return this.write('setExperimentStage', [experimentId, 'delete'], {});
  }

  restoreExperiment(experimentId: string): Promise<void> {
    return this.write('setExperimentStage', [experimentId, 'restore'], {});
  }

  renameExperiment(experimentId: string, newName: string): Promise<void> {
    return this.write('renameExperiment', [experimentId, newName], {});
  }

  setExperimentTag(experimentId: string, key: string, value: string): Promise<void> {
    return this.write('setExperimentTag', [experimentId, key, value], {});
  }

  deleteExperimentTag(experimentId: string, key: string): Promise<void> {
    return this.write('deleteExperimentTag', [experimentId, key], {});
  }

  // ---- trace writes (each names what it changes, for the write hook) ---------------------------

  startTrace(input: TraceInfoInput): Promise<TraceInfo> {
    return this.write('startTrace', [input], { traces: [input.traceId], assessments: input.assessments.length > 0 });
  }

  deleteTraces(input: DeleteTracesInput): Promise<number> {
    return this.write('deleteTraces', [input], { reset: true });
  }

  setTraceTag(traceId: string, key: string, value: string): Promise<void> {
    return this.write('setTraceTag', [traceId, key, value], { traces: [traceId] });
  }

  deleteTraceTag(traceId: string, key: string): Promise<void> {
    return this.write('deleteTraceTag', [traceId, key], { traces: [traceId] });
  }

  linkTracesToRun(traceIds: string[], runId: string): Promise<void> {
    return this.write('linkTracesToRun', [traceIds, runId], {});
  }

  linkPrompts(traceId: string, prompts: { name: string; version: string }[]): Promise<void> {
    return this.write('linkPrompts', [traceId, prompts], { traces: [traceId] });
  }

  logSpans(batch: SpanBatch): Promise<void> {
    return this.write('logSpans', [batch], { traces: new Set(batch.spans.map((s) => s.traceId)) });
  }

  logPackedSpans(batch: PackedSpanBatch): Promise<void> {
    // The chunks move to the writer thread (transferred, not copied): the event loop never unpacks them.
    return this.write('logPackedSpans', [batch], { traces: batch.traceIds }, batch.spans.chunks);
  }

  putTraceSpans(traceId: string, spans: SpanRecord[]): Promise<void> {
    return this.write('putTraceSpans', [traceId, spans], { traces: [traceId] });
  }

  // ---- trace reads (in a read worker when the store has a pool, see read()) --------------------

  // One trace by id (GetTrace, the explorer opening a trace): a few index seeks, so it goes before
  // queued searches rather than waiting behind a busy pool's backlog of them.
  getTraceInfo(traceId: string): Promise<TraceInfo | undefined> {
    return this.read('traceInfos', [[traceId]], true).then((infos) => infos[0]);
  }

  getTraceInfos(traceIds: string[]): Promise<TraceInfo[]> {
    return this.read('traceInfos', [traceIds]);
  }

  getSpans(traceId: string): Promise<SpanRecord[] | undefined> {
    return this.read('spans', [traceId]);
  }

  getSpansOfTraces(traceIds: string[]): Promise<Map<string, SpanRecord[]>> {
    return this.read('spansOfTraces', [traceIds]);
  }

  async spanChunks(traceId: string): Promise<SpanChunks | undefined> {
    // The order costs one pass over the trace's key columns; then each chunk is primary-key lookups.
    const head = await this.read('spanHead', [traceId, SPAN_CHUNK], true);
    if (!head) return undefined;
    const { order, first } = head;
    const read = (ids: string[]) => this.read('spansByIds', [traceId, ids], true);
    async function* chunks(): AsyncGenerator<SpanRecord[]> {
      yield first;
      for (let i = SPAN_CHUNK; i < order.length; i += SPAN_CHUNK) yield await read(order.slice(i, i + SPAN_CHUNK));
    }
    return { count: order.length, chunks: chunks() };
  }

  spanCounts(traceIds: string[]): Promise<Map<string, number>> {
    // Ingest waits on it (the span cap admits one batch at a time): it goes before queued searches.
    return this.read('spanCounts', [traceIds], true);
  }

  searchTraces(query: SearchTracesQuery): Promise<SearchTracesResult> {
    return this.read('searchTraces', [query]);
  }

  // ---- assessments ------------------------------------------------------------------------------

  createAssessment(input: AssessmentInput): Promise<Assessment> {
    return this.write('createAssessment', [input], { traces: [input.traceId], assessments: true });
  }

  async getAssessment(traceId: string, assessmentId: string): Promise<Assessment> {
    return this.assessments.get(traceId, assessmentId);
  }

  updateAssessment(traceId: string, assessmentId: string, update: AssessmentUpdate): Promise<Assessment> {
    return this.write('updateAssessment', [traceId, assessmentId, update], { traces: [traceId], assessments: true });
  }

  deleteAssessment(traceId: string, assessmentId: string): Promise<void> {
    return this.write('deleteAssessment', [traceId, assessmentId], { traces: [traceId], assessments: true });
  }

  // ---- aggregation and extensions ---------------------------------------------------------------

  // The metrics accelerator lives here, beside the write connection whose commits feed it; what it
  // cannot answer goes to SQL (SqliteReader), in a read worker when there is a pool.
  async queryMetrics(query: MetricsQuery): Promise<MetricDataPoint[]> {
    if (this.accelerator) {
      const experimentIds = this.experiments.activeIds(query.experimentIds);
      if (experimentIds.length === 0) return [];
      const fast = await acceleratedMetrics(this.accelerator, { ...query, experimentIds });
      if (fast) return fast;
    }
    return this.read('metrics', [query]);
  }

  listKeys(experimentIds: number[], limit: number): Promise<KeysResponse> {
    return this.read('listKeys', [experimentIds, limit]);
  }

  listValues(input: ValuesQuery): Promise<ValuesResponse> {
    return this.read('listValues', [input]);
  }

  countTraces(input: CountQuery): Promise<CountResponse> {
    return this.read('countTraces', [input]);
  }

  async listGroups(query: GroupsQuery): Promise<GroupsResponse> {
    const experimentIds = this.experiments.activeIds(query.experimentIds);
    if (experimentIds.length === 0) return { groups: [] };
    const active = { ...query, experimentIds };
    return (await acceleratedGroups(this.accelerator, active)) ?? this.read('listGroups', [active]);
  }

  async changesSince(query: ChangesQuery): Promise<ChangesResult> {
    return this.changes.since(query, this.experiments.activeIds(query.experimentIds));
  }

  /**
   * Runs a write in the writer thread, else here in this connection's group commit: the same
   * SqliteWriter method either way. Resolves after COMMIT and after the write hook heard of it.
   * `transfer`: buffers of `args` moved to the writer thread, not copied.
   */
  private write<M extends WriteMethod>(
    method: M,
    args: Parameters<SqliteWriter[M]>,
    declares: WriteDeclaration,
    transfer: ArrayBuffer[] = [],
  ): Promise<ReturnType<SqliteWriter[M]>> {
    if (this.writerThread)
      return this.writerThread.run(method, args, declares, transfer) as Promise<ReturnType<SqliteWriter[M]>>;
    const writer = this.localWriter!;
    return this.ctx.write(declares, () => applyWrite(writer, method, args) as ReturnType<SqliteWriter[M]>);
  }

  /**
   * Runs a read in a worker when the store has a pool, else here. Either way a failure is a
   * rejection, as from the async methods this replaced.
   */
  private read<M extends ReadMethod>(
    method: M,
    args: Parameters<SqliteReader[M]>,
    urgent = false,
  ): Promise<ReturnType<SqliteReader[M]>> {
    if (this.pool) return this.pool.run(method, args, urgent);
    try {
      const run = this.reader[method] as (...a: unknown[]) => ReturnType<SqliteReader[M]>;
      return Promise.resolve(run.apply(this.reader, args));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  // ---- SQLite only (benchmarks, imports, operations) --------------------------------------------

  /**
   * Inserts new traces in one transaction without the API's per-request checks (benchmarks,
   * imports). Synchronous, on this connection: it takes turns with the writer thread through
   * SQLite's write lock (busy_timeout).
   */
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
    return this.writerThread?.stats() ?? this.ctx.commitStats();
  }

  /** The accelerator's memory, or undefined without one (the benchmark reports it). */
  acceleratorMemory(): AcceleratorMemory | undefined {
    return this.accelerator?.memory();
  }

  /** Resolves once the accelerator has nothing left to load (it loads in the background); tests await it. */
  async acceleratorReady(): Promise<void> {
    await this.accelerator?.ready();
  }

  readonly engine = 'sqlite';

  /**
   * Reads the schema page, so a database whose file became unreadable (a failed disk, a full or
   * unmounted volume) reports so. Synchronous and a page read: `timeoutMs` never comes into play.
   */
  async health(_timeoutMs: number): Promise<DatabaseHealth> {
    const started = performance.now();
    try {
      this.ctx.db.prepare('SELECT count(*) FROM sqlite_schema').pluck().get();
      return { ok: true, latencyMs: Math.round((performance.now() - started) * 10) / 10 };
    } catch (error) {
      const e = error as { code?: string; message?: string };
      if (!this.ctx.db.open) return { ok: false, reason: 'the database is closed' };
      return { ok: false, reason: `unreadable (${e.code ?? (e.message ?? '').split('\n')[0].slice(0, 120)})` };
    }
  }

  async close(): Promise<void> {
    // Refuse new writes at once (before any await), so a write sent after close() began is never taken.
    const writerClosed = this.writerThread?.close();
    const writesClosed = this.ctx.closeWrites();
    await this.accelerator?.close();
    await writerClosed;
    await writesClosed;
    await this.pool?.close();
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
