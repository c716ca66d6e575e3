// In-memory columns for trace-level metrics at a million traces. A join of traces with a
// metadata key costs one B-tree seek per trace (~1 s at 1M), too slow for the version-comparison
// page, so (experiment, start, duration, state) per trace rowid are loaded into typed arrays, and
// each dimension key the queries meet into a dictionary-encoded column (both in the background); later
// queries are a linear scan (~10 ms per million). The store's write hook (changed()) marks
// traces dirty and the next query re-reads just those rows; deletes drop everything (they are
// rare). Dimensions are kept least-recently-used under a byte cap. SQL stays the source of
// truth: anything these columns cannot answer exactly goes to the SQL path.
//
// One implementation for every engine: what it reads goes through a MetricsSource
// (metrics-source.ts; SQLite: sqlite-metrics-source.ts, PostgreSQL: postgres/pg-metrics-source.ts).
// Each call first catches up (SQLite's write hook has already called changed(); PostgreSQL's source
// reads what other replicas committed since the previous call), then answers on one view of the
// data. Calls run one at a time; so do loads, and only the base load waits for the running call.
//
// Nothing loads inside a request: neither the base columns (≈ 30 s at 1M traces on PostgreSQL, beyond a
// request's budget) nor a dimension (≈ 1 s per 100,000 traces). A call that needs something not loaded
// answers undefined at once (the caller's SQL path is exact) and asks for it; the loads run in the
// background, one at a time (the base columns first), each in its own read with its own time limit,
// abandoned on close or reset, retried after a backoff when one fails. Calls do not wait for a dimension
// load. Every write reaches the columns through changed() (SQLite's write hook, PostgreSQL's catch-up),
// and a load keeps the traces changed while it runs and hands them to the dirty set when it is installed,
// so a write that landed in a chunk already read is refreshed by the next call as any other write.
import Database from 'better-sqlite3';
import type { CheckedFilter } from '../../core/filter/check-filter.ts';
import { printFilter } from '../../core/filter/print-filter.ts';
import { METADATA, TAGS, type GroupSummary } from '../../core/model.ts';
import { DurationOrder } from './duration-order.ts';
import { GroupTally, jsonNumberMember } from './group-summaries.ts';
import { assessmentNumber, bucketLabel, ranksRead, type GroupValues, type RankedValues } from './metrics-aggregate.ts';
import {
  DEFAULT_MAX_DIMENSION_BYTES,
  type AcceleratorMemory,
  type AcceleratorOptions,
  type GroupPageInput,
  type MetricsAccelerator,
} from './metrics-accelerator.ts';
import { MaskCache } from './metrics-mask-cache.ts';
import type { MetricFilter, MetricsQuery } from './metrics-query.ts';
import { columnFilterMask } from './metrics-filter-mask.ts';
import type { AssessmentRow, BaseRow, MetricsReader, MetricsSource } from './metrics-source.ts';
import { SqliteMetricsSource } from './sqlite-metrics-source.ts';
import type { StoreChange } from './store-change.ts';

const STATES = ['', 'OK', 'ERROR', 'IN_PROGRESS', 'STATE_UNSPECIFIED'];
const STATE_CODE = new Map(STATES.map((s, i) => [s, i]));
const ERROR = STATE_CODE.get('ERROR')!;

interface DimColumn {
  codes: Int32Array;
  dict: string[];
  index: Map<string, number>;
  /** Approximate bytes of dict + index (UTF-16 text and per-entry overhead). */
  dictBytes: number;
  /** The call that last used it; columns of the running call are never evicted. */
  usedIn: number;
}

/** Per-entry overhead of a dictionary value in the array and the Map (V8, approximate). */
const DICT_ENTRY_BYTES = 64;

type DimRef = { kind: 'tag' | 'metadata'; key: string } | { kind: 'state' };

/** What a background load fills: the base columns, one dimension, or the cost column. */
type LoadTarget = { kind: 'base' } | { kind: 'tag' | 'metadata'; key: string } | { kind: 'cost' };

/** A load under way: the traces changed since it began (undefined: too many, it is abandoned). */
interface RunningLoad {
  missed: Set<string> | undefined;
}

/** filterMask()'s answer when a column the filter names is still loading: SQL answers the call. */
const UNLOADED = Symbol('unloaded');

/** Stands in for a column still loading, so one evaluation finds every such column (its mask is discarded). */
const PLACEHOLDER = { codes: new Int32Array(0), dict: [] as string[] };

const dimName = (kind: 'tag' | 'metadata', key: string) => `${kind}\u0000${key}`;

/** Beyond this many dirty traces a full reload is cheaper than a refresh. */
const MAX_DIRTY = 200_000;
/** A filter may load a metadata/tag column it names while fewer than this many are loaded. */
const MAX_FILTER_COLUMNS = 16;
/** Dimensions (and the cost column) that may wait for a background load; later requests are dropped. */
const MAX_WANTED = 16;
/** A background load's own limit: generous, but a stuck load must end and be retried. */
const LOAD_TIMEOUT_MS = 5 * 60_000;
/** The wait after a failed load before the next, doubled per failure up to LOAD_TIMEOUT_MS. */
const RETRY_DELAY_MS = 10_000;

export interface MetricsColumnsOptions extends AcceleratorOptions {
  /** Evaluate filters on the columns where they can (false: always through SQL). */
  columnFilters?: boolean;
  /** The wait after a failed background load before a call starts another (tests: 0). */
  retryDelayMs?: number;
}

export class MetricsColumns implements MetricsAccelerator {
  private readonly source: MetricsSource;
  /** The running call: the next one starts after it (loads never interleave). */
  private tail: Promise<unknown> = Promise.resolve();
  private readonly maxDimensionBytes: number;
  private readonly columnFilters: boolean;
  /** Numbers the public calls, so a call's own dimensions are pinned while it runs. */
  private call = 0;
  private loaded = false;
  /** The background load (base columns, a dimension or the cost column) queued or running, one at a time. */
  private loading: Promise<void> | undefined;
  /** The running load's record of changed traces. */
  private running: RunningLoad | undefined;
  /** Dimensions and the cost column asked for and not loaded yet, by name, in the order asked. */
  private readonly wanted = new Map<string, LoadTarget>();
  /** Bumped by invalidate(): a load that began before a reset is abandoned. */
  private epoch = 0;
  private failures = 0;
  /** No load starts before this time (Date.now()) after a failure. */
  private retryAt = 0;
  private closed = false;
  private readonly retryDelayMs: number;
  private capacity = 0;
  private exp = new Int32Array(0);
  private ts = new Float64Array(0);
  private dur = new Float64Array(0);
  private state = new Uint8Array(0);
  /** Bounds of every start time ever loaded (a superset after deletes or moves, which is enough). */
  private minTs = Infinity;
  private maxTs = -Infinity;
  /** Loaded dimensions, least recently used first (Map order). */
  private dims = new Map<string, DimColumn>();
  /**
   * Every valid assessment as (trace rowid, name, type, value JSON), read once and kept until an
   * assessment is written: joining 50k assessments to their traces cost ≈ 300 ms at 1M traces.
   */
  private assessmentList?: { stamp: string; rows: AssessmentRow[] };
  private assessmentGeneration = 0;
  /** Rows by ascending duration: percentiles by one walk instead of a sort per group. */
  private readonly byDuration = new DurationOrder();
  private dirty = new Set<string>();
  /** Total cost per row (NaN: none), for group summaries; loaded on first use. */
  private costs?: Float64Array;
  /** Bumped on every touch/invalidate; part of the write stamp of cached filter masks. */
  private generation = 0;
  /** Filter → rowid masks, reused while no write happened (metrics-mask-cache.ts). */
  readonly masks = new MaskCache(8);
  /** How masks were computed (tests, benchmarks). */
  readonly maskSources = { columns: 0, sql: 0 };

  /** A SQLite connection (the store's writer) or any engine's source. */
  constructor(source: Database.Database | MetricsSource, options: MetricsColumnsOptions = {}) {
    this.source = source instanceof Database ? new SqliteMetricsSource(source) : source;
    this.maxDimensionBytes = options.maxDimensionBytes ?? DEFAULT_MAX_DIMENSION_BYTES;
    this.columnFilters = options.columnFilters ?? true;
    this.retryDelayMs = options.retryDelayMs ?? RETRY_DELAY_MS;
  }

  changed(change: StoreChange): void {
    if (change.reset) {
      this.invalidate();
      return;
    }
    if (change.assessments) this.assessmentGeneration++;
    if (change.traces.size === 0) return;
    this.generation++;
    // During a load, a write may land in a chunk already read: the load hands it to the dirty set.
    const running = this.running;
    if (running?.missed) {
      for (const id of change.traces) running.missed.add(id);
      if (running.missed.size > MAX_DIRTY) running.missed = undefined;
    }
    if (!this.loaded) return;
    for (const id of change.traces) this.dirty.add(id);
    if (this.dirty.size > MAX_DIRTY) this.invalidate();
  }

  memory(): AcceleratorMemory {
    let dimensionBytes = 0;
    for (const col of this.dims.values()) dimensionBytes += col.codes.byteLength + col.dictBytes;
    const baseBytes =
      this.exp.byteLength +
      this.ts.byteLength +
      this.dur.byteLength +
      this.state.byteLength +
      this.byDuration.bytes() +
      (this.costs?.byteLength ?? 0);
    return { dimensionBytes, dimensions: this.dims.size, baseBytes };
  }

  /**
   * Runs one public call after the previous one ended, on one view of the data, after catching up on
   * the changes the engine's source reports (PostgreSQL: other replicas' commits).
   */
  private run<T>(work: (reader: MetricsReader) => Promise<T>): Promise<T | undefined> {
    if (!this.loaded) return this.cold();
    const result = this.tail.then(() => {
      if (!this.loaded) return this.cold();
      return this.source.read(async (reader) => {
        this.call++;
        try {
          const change = await reader.catchUp(this.loaded);
          if (change) this.changed(change);
          // A reset (a delete, another replica's delete) unloaded the columns: SQL answers meanwhile.
          if (!this.loaded) return this.cold();
          return await work(reader);
        } catch (error) {
          // A read that failed part way (a timeout, a lost connection) may have left rows refreshed
          // and others not: start over rather than answer from a mix.
          this.invalidate();
          throw error;
        }
      });
    });
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** The answer while the base columns are not loaded: none (SQL answers), and the load starts. */
  private cold(): Promise<undefined> {
    this.pump();
    return Promise.resolve(undefined);
  }

  /** Asks for a dimension or the cost column to be loaded in the background (MAX_WANTED wait at most). */
  private want(target: LoadTarget & { kind: 'tag' | 'metadata' | 'cost' }): void {
    const name = target.kind === 'cost' ? 'cost' : dimName(target.kind, target.key);
    if (this.wanted.size < MAX_WANTED) this.wanted.set(name, target);
    this.pump();
  }

  /**
   * Starts the next background load unless one is queued or running, the store closed, or a failure's
   * backoff runs: the base columns while they are not loaded, else the oldest dimension asked for.
   */
  private pump(): void {
    if (this.loading !== undefined || this.closed || Date.now() < this.retryAt) return;
    let target: LoadTarget | undefined;
    if (!this.loaded) target = { kind: 'base' };
    else
      for (const [name, t] of this.wanted) {
        this.wanted.delete(name);
        if (t.kind === 'cost' ? this.costs === undefined : !this.dims.has(name)) {
          target = t;
          break;
        }
      }
    if (target === undefined) return;
    const epoch = this.epoch;
    const what =
      target.kind === 'base'
        ? 'the columns'
        : target.kind === 'cost'
          ? 'the cost column'
          : `${target.kind}.${target.key}`;
    // The base columns replace every array: the running call ends first. A dimension is read beside
    // the calls (they do not wait for it) and installed at once when complete.
    const after = target.kind === 'base' ? this.tail : Promise.resolve();
    const loading: Promise<void> = after
      .then(() => this.load(target, epoch))
      .then(
        () => {
          this.failures = 0;
        },
        (error: unknown) => {
          // Closing or a reset abandons a load on purpose; the next call starts another.
          if (this.closed || epoch !== this.epoch) return;
          this.failures++;
          const delay = Math.min(this.retryDelayMs * 2 ** (this.failures - 1), LOAD_TIMEOUT_MS);
          this.retryAt = Date.now() + delay;
          console.warn(
            `metrics accelerator: loading ${what} failed (${error instanceof Error ? error.message : String(error)}); SQL answers, next attempt in ${Math.round(delay / 1000)} s`,
          );
        },
      )
      .finally(() => {
        if (this.loading !== loading) return;
        this.loading = undefined;
        this.running = undefined;
        this.pump();
      });
    this.loading = loading;
    if (target.kind === 'base') this.tail = loading;
  }

  /**
   * Reads one target in its own view (PostgreSQL: one snapshot; for the base columns it is where the
   * next call's catch-up starts), chunk by chunk, yielding between chunks. Checked at every chunk: a
   * reset or close abandons it, and it stops at LOAD_TIMEOUT_MS (as does each of its statements).
   * The traces changed from its start on are kept (changed()) and become dirty when it is installed.
   */
  private async load(target: LoadTarget, epoch: number): Promise<void> {
    if (this.closed || epoch !== this.epoch) return;
    const running: RunningLoad = { missed: new Set(this.dirty) };
    this.running = running;
    const deadline = Date.now() + LOAD_TIMEOUT_MS;
    const check = () => {
      if (this.closed) throw new Error('the store closed');
      if (epoch !== this.epoch) throw new Error('the data was reset');
      if (running.missed === undefined) throw new Error(`more than ${MAX_DIRTY} traces changed meanwhile`);
      if (Date.now() > deadline) throw new Error(`it took longer than ${LOAD_TIMEOUT_MS / 1000} s`);
    };
    /** The load's result goes in; the traces written meanwhile are refreshed by the next call. */
    const install = (put: () => void) => {
      check();
      put();
      for (const id of running.missed!) this.dirty.add(id);
    };
    await this.source.read(
      async (reader) => {
        if (target.kind === 'base') {
          // Calls are cold meanwhile (they neither read nor refresh these arrays).
          await reader.catchUp(false);
          this.capacity = 0;
          this.exp = new Int32Array(0);
          this.ts = new Float64Array(0);
          this.dur = new Float64Array(0);
          this.state = new Uint8Array(0);
          this.minTs = Infinity;
          this.maxTs = -Infinity;
          this.byDuration.reset();
          this.grow((await reader.maxRow()) + 1);
          await reader.baseRows((rows) => {
            check();
            for (const row of rows) this.setRow(row);
          });
          install(() => (this.loaded = true));
        } else if (target.kind === 'cost') {
          let costs = new Float64Array(this.capacity).fill(Number.NaN);
          await reader.dimensionRows('metadata', METADATA.cost, undefined, (rows) => {
            check();
            for (const [r, v] of rows) {
              if (r >= costs.length) costs = widened(costs, Math.max(r + 1, costs.length * 2), Number.NaN);
              costs[r] = jsonNumberMember(v, 'total_cost') ?? Number.NaN;
            }
          });
          install(() => (this.costs = widened(costs, this.capacity, Number.NaN)));
        } else {
          const col: DimColumn = {
            codes: new Int32Array(this.capacity).fill(-1),
            dict: [],
            index: new Map(),
            dictBytes: 0,
            usedIn: this.call,
          };
          await reader.dimensionRows(target.kind, target.key, undefined, (rows) => {
            check();
            for (const [r, value] of rows) {
              if (r >= col.codes.length) col.codes = widened(col.codes, Math.max(r + 1, col.codes.length * 2), -1);
              col.codes[r] = this.code(col, value);
            }
          });
          install(() => {
            col.codes = widened(col.codes, this.capacity, -1);
            this.dims.set(dimName(target.kind, target.key), col);
            this.evict(col);
          });
        }
      },
      { timeoutMs: LOAD_TIMEOUT_MS },
    );
  }

  /**
   * Resolves once nothing is left to load: the base columns (the load starts if needed, without waiting
   * for a failure's backoff) and every dimension asked for so far (tests and benchmarks that want the
   * accelerated path); rejects when the base columns failed to load.
   */
  async ready(): Promise<void> {
    this.retryAt = 0;
    this.pump();
    // Each load starts the next as it ends.
    while (this.loading !== undefined) await this.loading;
    if (!this.loaded) throw new Error('the metrics columns did not load');
  }

  /** Stops a background load (its read ends at the next chunk and rolls back); later calls answer undefined. */
  async close(): Promise<void> {
    this.closed = true;
    await this.loading;
  }

  private invalidate(): void {
    this.generation++;
    this.epoch++;
    this.masks.clear();
    this.loaded = false;
    this.dims.clear();
    this.dirty.clear();
    this.byDuration.reset();
    this.assessmentList = undefined;
    this.costs = undefined;
  }

  /** Group values for the query, or undefined when it needs the SQL path. */
  tryQuery(query: MetricsQuery): Promise<GroupValues[] | undefined> {
    return this.run((reader) => this.traceGroups(reader, query));
  }

  private async traceGroups(reader: MetricsReader, query: MetricsQuery): Promise<GroupValues[] | undefined> {
    if (query.viewType !== 'TRACES' || (query.metricName !== 'trace_count' && query.metricName !== 'latency'))
      return undefined;
    const dimRefs: DimRef[] = [];
    for (const d of query.dimensions) {
      if (d.kind !== 'builtin') dimRefs.push({ kind: d.kind, key: d.key });
      else if (d.name === 'trace_status') dimRefs.push({ kind: 'state' });
      else if (d.name === 'trace_name') dimRefs.push({ kind: 'tag', key: TAGS.traceName });
      else return undefined;
    }
    await this.ensureLoaded(reader);
    const filterRefs: { kind: 'tag' | 'metadata'; key: string; value: string }[] = [];
    let stateFilter = -1;
    for (const f of query.filters) {
      if (f.entity === 'trace.status') {
        const code = STATE_CODE.get(f.value) ?? 99;
        if (stateFilter !== -1 && stateFilter !== code) return [];
        stateFilter = code;
      } else if (f.entity === 'trace.tag' || f.entity === 'trace.metadata')
        filterRefs.push({ kind: f.entity === 'trace.tag' ? 'tag' : 'metadata', key: f.key ?? '', value: f.value });
      else return undefined;
    }
    // Every column the query needs is asked for before answering undefined, so they load in one go.
    const filterByCols = filterRefs.map((f) => this.dimension(f.kind, f.key));
    const cols = dimRefs.map((d) => (d.kind === 'state' ? undefined : this.dimension(d.kind, d.key)));
    if (filterByCols.includes(undefined) || cols.some((col, i) => col === undefined && dimRefs[i].kind !== 'state'))
      return this.declined(query);
    const filterCols = filterByCols.map((col, i) => ({ col: col!, code: col!.index.get(filterRefs[i].value) ?? -2 }));
    const mask = await this.filterMask(reader, query);
    if (mask === UNLOADED) return undefined;
    const expIds = new Set(query.experimentIds);
    const start = query.startTimeMs ?? -Infinity;
    const end = query.endTimeMs ?? Infinity;
    const interval = query.timeIntervalSeconds !== undefined ? query.timeIntervalSeconds * 1000 : undefined;
    const wantValues = query.metricName === 'latency' && query.aggregations.some((a) => a.type !== 'COUNT');
    const { exp, ts, dur, state } = this;
    const n = this.capacity;
    // This store numbers experiments from 0: a lookup table instead of a Set probe per row.
    const maxId = Math.max(-1, ...expIds);
    const expAllowed = maxId < 1_000_000 ? new Uint8Array(maxId + 1) : undefined;
    for (const id of expIds) if (expAllowed && id >= 0) expAllowed[id] = 1;
    // The row tests of pass 1, as plain locals so the hot loop stays monomorphic.
    const filterCodes = filterCols.map((f) => f.col.codes);
    const filterWant = Int32Array.from(filterCols.map((f) => f.code));
    const nf = filterCodes.length;
    // Pass 1: a group number per row from a mixed-radix key (bucket, dimension codes), no strings.
    const radices = cols.map((col) => (col === undefined ? STATES.length : col.dict.length));
    let bucketBase = 0;
    let buckets = 1;
    if (interval !== undefined) {
      // Like MLflow (a GROUP BY), only buckets holding data exist: the key space spans the selected
      // rows' first to last bucket, not the requested range (which may be millions of buckets).
      // The data's first and last timestamps bound it without a pass over the rows; empty
      // buckets inside get no group.
      const first = Math.floor(Math.max(start, this.minTs) / interval);
      const last = Math.floor(Math.min(end, this.maxTs) / interval);
      if (!(first <= last)) return [];
      bucketBase = first;
      buckets = last - first + 1;
    }
    const space = radices.reduce((a, b) => a * b, buckets);
    // Keys must stay exact doubles; beyond that (absurd spans at a fine interval with wide
    // dimensions) the SQL path groups by strings instead.
    if (space > Number.MAX_SAFE_INTEGER) return undefined;
    const useTable = space <= 4_000_000;
    const table = useTable ? new Int32Array(space).fill(-1) : undefined;
    const map = useTable ? undefined : new Map<number, number>();
    const composites: number[] = [];
    // Group + 1 per row (0: not selected), in the narrowest array the key space allows: pass 2's
    // one random access is this lookup, and a smaller array stays in cache.
    const groupOf = space < 0xff ? new Uint8Array(n) : space < 0xffff ? new Uint16Array(n) : new Int32Array(n);
    const counts: number[] = [];
    const valueCounts: number[] = [];
    const sums: number[] = [];
    outer: for (let r = 0; r < n; r++) {
      const st = state[r];
      if (st === 0 || (mask !== undefined && mask[r] === 0)) continue;
      if (expAllowed !== undefined ? expAllowed[exp[r]] !== 1 : !expIds.has(exp[r])) continue;
      const t = ts[r];
      if (t < start || t > end || (stateFilter !== -1 && st !== stateFilter)) continue;
      for (let k = 0; k < nf; k++) if (filterCodes[k][r] !== filterWant[k]) continue outer;
      let key = interval !== undefined ? Math.floor(t / interval) - bucketBase : 0;
      for (let i = 0; i < cols.length; i++) {
        const col = cols[i];
        const c = col === undefined ? st : col.codes[r];
        if (c < 0) continue outer;
        key = key * radices[i] + c;
      }
      let g = table ? table[key] : (map!.get(key) ?? -1);
      if (g === -1) {
        g = composites.length;
        composites.push(key);
        counts.push(0);
        valueCounts.push(0);
        sums.push(0);
        if (table) table[key] = g;
        else map!.set(key, g);
      }
      groupOf[r] = g + 1;
      counts[g]++;
      if (wantValues && !Number.isNaN(dur[r])) {
        valueCounts[g]++;
        sums[g] += dur[r];
      }
    }
    // Pass 2: go through the rows in ascending duration, counting each group's rows as they pass,
    // and keep the values at the ranks the aggregations read (exact, no sort per group).
    const values: (Float64Array | RankedValues)[] = valueCounts.map((c, g) =>
      wantValues ? { kind: 'ranked', length: c, sum: sums[g], at: new Map() } : new Float64Array(0),
    );
    if (wantValues) {
      const targets = valueCounts.map((c) => ranksRead(query, c));
      const next = new Int32Array(targets.length);
      const seen = new Int32Array(targets.length);
      let open = targets.filter((t) => t.length > 0).length;
      const { rows: byDuration, values: durations } = this.byDuration.current(dur, n);
      for (let i = 0; i < byDuration.length && open > 0; i++) {
        const g = groupOf[byDuration[i]] - 1;
        if (g < 0) continue;
        const rank = seen[g]++;
        const wanted = targets[g];
        if (next[g] < wanted.length && wanted[next[g]] === rank) {
          (values[g] as RankedValues).at.set(rank, durations[i]);
          if (++next[g] === wanted.length) open--;
        }
      }
    }
    return composites.map((composite, g) => {
      const dims: string[] = new Array(cols.length);
      let rest = composite;
      for (let i = cols.length - 1; i >= 0; i--) {
        const c = rest % radices[i];
        rest = Math.floor(rest / radices[i]);
        const col = cols[i];
        dims[i] = col === undefined ? STATES[c] : col.dict[c];
      }
      if (interval !== undefined) dims.unshift(bucketLabel((rest + bucketBase) * interval));
      return { dims, count: counts[g], values: values[g] };
    });
  }

  /**
   * ASSESSMENTS-view metrics with trace-level dimensions (e.g. 👍 share per app version): the
   * assessments come from SQL with their trace's rowid (one covering-index seek each), and the
   * trace's metadata, tags, state and time from the columns instead of three more seeks.
   */
  tryAssessments(query: MetricsQuery): Promise<GroupValues[] | undefined> {
    return this.run((reader) => this.assessmentGroups(reader, query));
  }

  private async assessmentGroups(reader: MetricsReader, query: MetricsQuery): Promise<GroupValues[] | undefined> {
    if (query.viewType !== 'ASSESSMENTS') return undefined;
    type Dim = { kind: 'name' } | { kind: 'value' } | { kind: 'col'; col: DimColumn };
    const assessmentFilters: MetricFilter[] = [];
    let stateFilter = -1;
    const filterCols: { col: DimColumn; code: number }[] = [];
    await this.ensureLoaded(reader);
    // Every column the query needs is asked for before answering undefined, so they load in one go.
    let missing = false;
    for (const f of query.filters) {
      if (f.entity === 'assessment.name' || f.entity === 'assessment.type') assessmentFilters.push(f);
      else if (f.entity === 'trace.status') stateFilter = STATE_CODE.get(f.value) ?? 99;
      else if (f.entity === 'trace.tag' || f.entity === 'trace.metadata') {
        const col = this.dimension(f.entity === 'trace.tag' ? 'tag' : 'metadata', f.key ?? '');
        if (col) filterCols.push({ col, code: col.index.get(f.value) ?? -2 });
        else missing = true;
      } else return undefined;
    }
    const dims: Dim[] = [];
    for (const d of query.dimensions) {
      if (d.kind !== 'builtin') {
        const col = this.dimension(d.kind, d.key);
        if (col) dims.push({ kind: 'col', col });
        else missing = true;
      } else if (d.name === 'assessment_name') dims.push({ kind: 'name' });
      else if (d.name === 'assessment_value') dims.push({ kind: 'value' });
      else return undefined;
    }
    if (missing) return this.declined(query);
    const mask = await this.filterMask(reader, query);
    if (mask === UNLOADED) return undefined;
    const expIds = new Set(query.experimentIds);
    const start = query.startTimeMs ?? -Infinity;
    const end = query.endTimeMs ?? Infinity;
    const interval = query.timeIntervalSeconds !== undefined ? query.timeIntervalSeconds * 1000 : undefined;
    const wantValues = query.metricName === 'assessment_value';
    const groups = new Map<string, GroupValues>();
    const { exp, ts, state } = this;
    outer: for (const [r, name, type, value] of await this.validAssessments(reader)) {
      for (const f of assessmentFilters) if ((f.entity === 'assessment.name' ? name : type) !== f.value) continue outer;
      if (r >= this.capacity || state[r] === 0 || !expIds.has(exp[r])) continue;
      const t = ts[r];
      if (t < start || t > end || (stateFilter !== -1 && state[r] !== stateFilter) || (mask && mask[r] === 0)) continue;
      for (const f of filterCols) if (f.col.codes[r] !== f.code) continue outer;
      const key: string[] = interval !== undefined ? [bucketLabel(Math.floor(t / interval) * interval)] : [];
      for (const d of dims) {
        if (d.kind === 'name') key.push(name);
        else if (d.kind === 'value') {
          const text = jsonDimension(value);
          if (text === null) continue outer;
          key.push(text);
        } else {
          const c = d.col.codes[r];
          if (c < 0) continue outer;
          key.push(d.col.dict[c]);
        }
      }
      const k = key.join('\u0000');
      let g = groups.get(k);
      if (!g) {
        g = { dims: key, count: 0, values: [] };
        groups.set(k, g);
      }
      g.count++;
      if (wantValues) {
        const v = assessmentNumber(value);
        if (v !== null && Number.isFinite(v)) (g.values as number[]).push(v);
      }
    }
    return [...groups.values()];
  }

  private async validAssessments(reader: MetricsReader): Promise<AssessmentRow[]> {
    const stamp = `${this.assessmentGeneration}:${reader.assessmentStamp()}`;
    if (this.assessmentList?.stamp !== stamp) this.assessmentList = { stamp, rows: await reader.validAssessments() };
    return this.assessmentList.rows;
  }

  /**
   * A page of the groups extension with each group's summary (groups-summaries.ts), all from the
   * columns: the page's order (by trace count or latest trace, one linear scan instead of a join of
   * every trace with the key), its members' times, durations, states and costs, and feedback from
   * the kept assessment list.
   */
  groupSummaries(input: GroupPageInput): Promise<{ groups: GroupSummary[]; hasMore: boolean } | undefined> {
    return this.run(async (reader) => {
      const page = await this.pageOfGroups(reader, input);
      if (page === undefined) return undefined;
      const { col, mask, codes } = page;
      const costs = this.costColumn();
      if (costs === undefined) return undefined;
      const tallies = page.values.map((value) => new GroupTally(value));
      const slot = new Int32Array(col.dict.length).fill(-1);
      codes.forEach((c, i) => (slot[c] = i));
      const expIds = new Set(input.experimentIds);
      const { exp, ts, dur, state } = this;
      const member = (r: number) => {
        const c = r < this.capacity ? col.codes[r] : -1;
        if (c < 0 || slot[c] < 0 || state[r] === 0 || !expIds.has(exp[r]) || (mask && mask[r] === 0)) return undefined;
        return tallies[slot[c]];
      };
      for (let r = 0; r < this.capacity; r++) {
        const tally = member(r);
        if (tally === undefined) continue;
        const d = dur[r];
        const cost = costs[r];
        tally.add(ts[r], Number.isNaN(d) ? null : d, state[r] === ERROR, Number.isNaN(cost) ? null : cost);
      }
      if (tallies.length > 0)
        for (const [r, , type, value] of await this.validAssessments(reader))
          if (type === 'feedback' && value !== null) member(r)?.feedback(value, 1);
      return { groups: tallies.map((t) => t.summary()), hasMore: page.hasMore };
    });
  }

  /** Each trace's total cost (NaN: none), or undefined while it loads (asked for on first use). */
  private costColumn(): Float64Array | undefined {
    if (this.costs === undefined) this.want({ kind: 'cost' });
    return this.costs;
  }

  private async pageOfGroups(
    reader: MetricsReader,
    input: GroupPageInput,
  ): Promise<
    { values: string[]; hasMore: boolean; codes: number[]; col: DimColumn; mask: Uint8Array | undefined } | undefined
  > {
    await this.ensureLoaded(reader);
    const col = this.dimension(input.kind, input.key);
    if (col === undefined) return this.declined(input);
    const mask = await this.filterMask(reader, { experimentIds: input.experimentIds, filter: input.filter });
    if (mask === UNLOADED) return undefined;
    const expIds = new Set(input.experimentIds);
    const counts = new Float64Array(col.dict.length);
    const latest = new Float64Array(col.dict.length).fill(-Infinity);
    const { exp, ts, state } = this;
    for (let r = 0; r < this.capacity; r++) {
      const c = col.codes[r];
      if (c < 0 || state[r] === 0 || !expIds.has(exp[r]) || (mask && mask[r] === 0)) continue;
      counts[c]++;
      if (ts[r] > latest[c]) latest[c] = ts[r];
    }
    const present: number[] = [];
    for (let c = 0; c < counts.length; c++) if (counts[c] > 0) present.push(c);
    if (input.order === 'count')
      present.sort(
        (a, b) => counts[b] - counts[a] || (col.dict[a] < col.dict[b] ? -1 : col.dict[a] > col.dict[b] ? 1 : 0),
      );
    else present.sort((a, b) => latest[b] - latest[a] || (col.dict[a] < col.dict[b] ? -1 : 1));
    const codes = present.slice(input.offset, input.offset + input.limit);
    return {
      values: codes.map((c) => col.dict[c]),
      hasMore: present.length > input.offset + input.limit,
      codes,
      col,
      mask,
    };
  }

  /**
   * Rowids matching the extension `filter` (full search grammar) as a mask over the rowids, or
   * undefined when there is no filter. From the columns when every clause is one they hold
   * exactly (metrics-filter-mask.ts), else via SQL; either way cached until the next write. Call
   * ensureLoaded() first.
   */
  private async filterMask(
    reader: MetricsReader,
    query: { experimentIds: readonly number[]; filter?: CheckedFilter },
  ): Promise<Uint8Array | undefined | typeof UNLOADED> {
    if (query.filter === undefined) return undefined;
    const ids = [...query.experimentIds];
    // The printed filter is canonical: equivalent spellings share one mask.
    const key = MaskCache.key(ids, printFilter(query.filter));
    const stamp = this.writeStamp(reader);
    const cached = this.masks.get(key, stamp);
    if (cached && cached.length === this.capacity) return cached;
    let mask = this.columnFilters ? this.columnMask(query.filter, ids) : undefined;
    if (mask === UNLOADED) return UNLOADED;
    if (mask) this.maskSources.columns++;
    else {
      mask = new Uint8Array(this.capacity);
      for (const r of await reader.matchingRows(query.filter, ids)) if (r < mask.length) mask[r] = 1;
      this.maskSources.sql++;
    }
    this.masks.set(key, stamp, mask);
    return mask;
  }

  /**
   * The write state a cached mask is valid for: this object's write generation (traces touched,
   * as the write hook or the catch-up reported them) and what the source adds (SQLite: rows
   * written through its connection, assessments and spans included, and commits by other connections).
   */
  private writeStamp(reader: MetricsReader): string {
    return `${this.generation}:${reader.maskStamp()}`;
  }

  /**
   * A call's answer when a column it needs is loading: undefined (SQL answers), after asking for the
   * columns its filter names as well, so that they all load before the next call.
   */
  private declined(query: { experimentIds: readonly number[]; filter?: CheckedFilter }): undefined {
    if (query.filter !== undefined && this.columnFilters) this.columnMask(query.filter, [...query.experimentIds]);
    return undefined;
  }

  /**
   * The filter evaluated on the columns, or undefined when a clause needs SQL. A column it reaches that
   * is not loaded (and may be: fewer than MAX_FILTER_COLUMNS are) is asked for, and the answer is
   * UNLOADED: a placeholder lets the one evaluation reach every such column, so they load in one go.
   */
  private columnMask(filter: CheckedFilter, ids: number[]): Uint8Array | undefined | typeof UNLOADED {
    const n = this.capacity;
    const expIds = new Set(ids);
    const universe = new Uint8Array(n);
    for (let r = 0; r < n; r++) if (this.state[r] !== 0 && expIds.has(this.exp[r])) universe[r] = 1;
    const missing: { kind: 'tag' | 'metadata'; key: string }[] = [];
    const mask = columnFilterMask(filter, universe, {
      capacity: n,
      state: this.state,
      stateNames: STATES,
      ts: this.ts,
      dur: this.dur,
      column: (kind, key) => {
        const col = this.loadedDimension(kind, key);
        if (col !== undefined || this.dims.size + missing.length >= MAX_FILTER_COLUMNS) return col;
        missing.push({ kind, key });
        return PLACEHOLDER;
      },
    });
    if (missing.length === 0) return mask;
    for (const m of missing) this.want(m);
    return UNLOADED;
  }

  private grow(minCapacity: number): void {
    if (minCapacity <= this.capacity) return;
    const cap = Math.max(minCapacity, Math.ceil(this.capacity * 1.5), 1024);
    this.exp = widened(this.exp, cap);
    this.ts = widened(this.ts, cap);
    this.dur = widened(this.dur, cap, Number.NaN);
    this.state = widened(this.state, cap);
    for (const col of this.dims.values()) col.codes = widened(col.codes, cap, -1);
    if (this.costs) this.costs = widened(this.costs, cap, Number.NaN);
    this.capacity = cap;
  }

  private setRow(row: BaseRow): void {
    const [rowid, experimentId, timestamp, duration, st] = row;
    if (rowid >= this.capacity) this.grow(rowid + 1);
    this.exp[rowid] = experimentId;
    this.ts[rowid] = timestamp;
    if (timestamp < this.minTs) this.minTs = timestamp;
    if (timestamp > this.maxTs) this.maxTs = timestamp;
    this.dur[rowid] = duration === null ? Number.NaN : duration;
    this.state[rowid] = STATE_CODE.get(st) ?? 4;
    this.byDuration.changed(rowid);
  }

  /** Re-reads the dirty traces' rows (run() only calls work with the base columns loaded). */
  private async ensureLoaded(reader: MetricsReader): Promise<void> {
    if (this.dirty.size === 0) return;
    const ids = [...this.dirty];
    this.dirty.clear();
    const rows = await reader.rowsOf(ids);
    for (const row of rows) this.setRow(row);
    for (const [name, col] of this.dims) {
      const [kind, key] = name.split('\u0000') as ['tag' | 'metadata', string];
      for (const row of rows) col.codes[row[0]] = -1;
      await reader.dimensionRows(kind, key, ids, (values) => {
        for (const [rowid, value] of values) col.codes[rowid] = this.code(col, value);
      });
    }
    const costs = this.costs;
    if (costs) {
      for (const row of rows) costs[row[0]] = Number.NaN;
      await reader.dimensionRows('metadata', METADATA.cost, ids, (values) => {
        for (const [rowid, value] of values) costs[rowid] = jsonNumberMember(value, 'total_cost') ?? Number.NaN;
      });
    }
  }

  private code(col: DimColumn, value: string): number {
    let c = col.index.get(value);
    if (c === undefined) {
      c = col.dict.length;
      col.dict.push(value);
      col.index.set(value, c);
      col.dictBytes += value.length * 2 + DICT_ENTRY_BYTES;
    }
    return c;
  }

  /**
   * Drops least recently used dimensions until the loaded ones fit the cap, except `keep` (the one
   * just loaded) and those the latest call used (a call needing more than the cap answers from SQL,
   * as its columns never all fit). A dropped column is unreferenced here and its memory goes back to
   * the heap (a call still holding it finishes with it).
   */
  private evict(keep: DimColumn): void {
    let bytes = 0;
    for (const col of this.dims.values()) bytes += col.codes.byteLength + col.dictBytes;
    for (const [name, col] of this.dims) {
      if (bytes <= this.maxDimensionBytes) break;
      if (col === keep || col.usedIn === this.call) continue;
      this.dims.delete(name);
      bytes -= col.codes.byteLength + col.dictBytes;
    }
  }

  /** A loaded dimension, marked used by this call (most recently used last), or undefined. */
  private loadedDimension(kind: 'tag' | 'metadata', key: string): DimColumn | undefined {
    const name = dimName(kind, key);
    const col = this.dims.get(name);
    if (col) {
      this.dims.delete(name);
      this.dims.set(name, col);
      col.usedIn = this.call;
    }
    return col;
  }

  /** A loaded dimension (marked used by this call), or undefined after asking for it to be loaded. */
  private dimension(kind: 'tag' | 'metadata', key: string): DimColumn | undefined {
    const col = this.loadedDimension(kind, key);
    if (col === undefined) this.want({ kind, key });
    return col;
  }
}

/**
 * `old` copied into an array of `length`, the rest filled with `fill`; `old` itself when it is that long
 * already (a column loaded in the background may have seen a row the base columns have not yet).
 */
function widened<T extends Int32Array | Float64Array | Uint8Array>(old: T, length: number, fill = 0): T {
  if (old.length >= length) return old;
  const next = new (old.constructor as new (n: number) => T)(length);
  if (fill !== 0) next.fill(fill, old.length);
  next.set(old);
  return next;
}

/** The assessment_value dimension as SQL computes it: a JSON string's content, else the stored text. */
function jsonDimension(value: string | null): string | null {
  if (value === null) return null;
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === 'string' ? parsed : value;
  } catch {
    return value;
  }
}
