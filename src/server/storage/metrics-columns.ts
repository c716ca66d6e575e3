// In-memory columns for trace-level metrics at a million traces. A join of traces with a
// metadata key costs one B-tree seek per trace (~1 s at 1M), too slow for the version-comparison
// page, so the first metrics query loads (experiment, start, duration, state) per trace rowid
// into typed arrays, and each dimension key it meets into a dictionary-encoded column; later
// queries are a linear scan (~10 ms per million). The store's write hook (changed()) marks
// traces dirty and the next query re-reads just those rows; deletes drop everything (they are
// rare). Dimensions are kept least-recently-used under a byte cap. SQL stays the source of
// truth: anything these columns cannot answer exactly goes to the SQL path.
import type Database from 'better-sqlite3';
import type { ComparisonNode, FilterExpr } from '../../core/filter/ast.ts';
import { checkFilter } from '../../core/filter/index.ts';
import { numericValue } from '../../core/filter/validate-filter.ts';
import { SOURCE_RUN_METADATA } from '../../core/filter/vocabulary.ts';
import { TAGS } from '../../core/model.ts';
import { DurationOrder } from './duration-order.ts';
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
import { compileSearchFilter, type SqlFragment } from './search-sql.ts';
import type { StoreChange } from './store-change.ts';

const STATES = ['', 'OK', 'ERROR', 'IN_PROGRESS', 'STATE_UNSPECIFIED'];
const STATE_CODE = new Map(STATES.map((s, i) => [s, i]));

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

/** Beyond this many dirty traces a full reload is cheaper than a refresh. */
const MAX_DIRTY = 200_000;
/** A filter may load a metadata/tag column it names while fewer than this many are loaded. */
const MAX_FILTER_COLUMNS = 16;

/** Thrown inside the column filter evaluator for a clause it cannot answer exactly. */
class Unsupported extends Error {}

export interface MetricsColumnsOptions extends AcceleratorOptions {
  /** Evaluate filters on the columns where they can (false: always through SQL). */
  columnFilters?: boolean;
}

export class MetricsColumns implements MetricsAccelerator {
  private readonly db: Database.Database;
  private readonly maxDimensionBytes: number;
  private readonly columnFilters: boolean;
  /** Numbers the public calls, so a call's own dimensions are pinned while it runs. */
  private call = 0;
  private loaded = false;
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
  private assessmentList?: { stamp: string; rows: [number, string, string, string | null][] };
  private assessmentGeneration = 0;
  /** Rows by ascending duration: percentiles by one walk instead of a sort per group. */
  private readonly byDuration = new DurationOrder();
  private dirty = new Set<string>();
  /** Bumped on every touch/invalidate; part of the write stamp of cached filter masks. */
  private generation = 0;
  /** Filter → rowid masks, reused while no write happened (metrics-mask-cache.ts). */
  readonly masks = new MaskCache(8);
  /** How masks were computed (tests, benchmarks). */
  readonly maskSources = { columns: 0, sql: 0 };

  constructor(db: Database.Database, options: MetricsColumnsOptions = {}) {
    this.db = db;
    this.maxDimensionBytes = options.maxDimensionBytes ?? DEFAULT_MAX_DIMENSION_BYTES;
    this.columnFilters = options.columnFilters ?? true;
  }

  changed(change: StoreChange): void {
    if (change.reset) {
      this.invalidate();
      return;
    }
    if (change.assessments) this.assessmentGeneration++;
    if (change.traces.size === 0) return;
    this.generation++;
    if (!this.loaded) return;
    for (const id of change.traces) this.dirty.add(id);
    if (this.dirty.size > MAX_DIRTY) this.invalidate();
  }

  memory(): AcceleratorMemory {
    let dimensionBytes = 0;
    for (const col of this.dims.values()) dimensionBytes += col.codes.byteLength + col.dictBytes;
    const baseBytes =
      this.exp.byteLength + this.ts.byteLength + this.dur.byteLength + this.state.byteLength + this.byDuration.bytes();
    return { dimensionBytes, dimensions: this.dims.size, baseBytes };
  }

  private invalidate(): void {
    this.generation++;
    this.masks.clear();
    this.loaded = false;
    this.dims.clear();
    this.dirty.clear();
    this.byDuration.reset();
    this.assessmentList = undefined;
  }

  /** Group values for the query, or undefined when it needs the SQL path. */
  tryQuery(query: MetricsQuery): GroupValues[] | undefined {
    this.call++;
    if (query.viewType !== 'TRACES' || (query.metricName !== 'trace_count' && query.metricName !== 'latency'))
      return undefined;
    const dimRefs: DimRef[] = [];
    for (const d of query.dimensions) {
      if (d.kind !== 'builtin') dimRefs.push({ kind: d.kind, key: d.key });
      else if (d.name === 'trace_status') dimRefs.push({ kind: 'state' });
      else if (d.name === 'trace_name') dimRefs.push({ kind: 'tag', key: TAGS.traceName });
      else return undefined;
    }
    this.ensureLoaded();
    const filterCols: { col: DimColumn; code: number }[] = [];
    let stateFilter = -1;
    for (const f of query.filters) {
      if (f.entity === 'trace.status') {
        const code = STATE_CODE.get(f.value) ?? 99;
        if (stateFilter !== -1 && stateFilter !== code) return [];
        stateFilter = code;
      } else if (f.entity === 'trace.tag' || f.entity === 'trace.metadata') {
        const col = this.dimension(f.entity === 'trace.tag' ? 'tag' : 'metadata', f.key ?? '');
        filterCols.push({ col, code: col.index.get(f.value) ?? -2 });
      } else return undefined;
    }
    const mask = this.filterMask(query);
    const cols = dimRefs.map((d) => (d.kind === 'state' ? undefined : this.dimension(d.kind, d.key)));
    const expIds = new Set(query.experimentIds.map(Number).filter((n) => Number.isInteger(n)));
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
  tryAssessments(query: MetricsQuery): GroupValues[] | undefined {
    this.call++;
    if (query.viewType !== 'ASSESSMENTS') return undefined;
    type Dim = { kind: 'name' } | { kind: 'value' } | { kind: 'col'; col: DimColumn };
    const assessmentFilters: MetricFilter[] = [];
    let stateFilter = -1;
    const filterCols: { col: DimColumn; code: number }[] = [];
    this.ensureLoaded();
    for (const f of query.filters) {
      if (f.entity === 'assessment.name' || f.entity === 'assessment.type') assessmentFilters.push(f);
      else if (f.entity === 'trace.status') stateFilter = STATE_CODE.get(f.value) ?? 99;
      else if (f.entity === 'trace.tag' || f.entity === 'trace.metadata') {
        const col = this.dimension(f.entity === 'trace.tag' ? 'tag' : 'metadata', f.key ?? '');
        filterCols.push({ col, code: col.index.get(f.value) ?? -2 });
      } else return undefined;
    }
    const dims: Dim[] = [];
    for (const d of query.dimensions) {
      if (d.kind !== 'builtin') dims.push({ kind: 'col', col: this.dimension(d.kind, d.key) });
      else if (d.name === 'assessment_name') dims.push({ kind: 'name' });
      else if (d.name === 'assessment_value') dims.push({ kind: 'value' });
      else return undefined;
    }
    const mask = this.filterMask(query);
    const expIds = new Set(query.experimentIds.map(Number).filter((n) => Number.isInteger(n)));
    const start = query.startTimeMs ?? -Infinity;
    const end = query.endTimeMs ?? Infinity;
    const interval = query.timeIntervalSeconds !== undefined ? query.timeIntervalSeconds * 1000 : undefined;
    const wantValues = query.metricName === 'assessment_value';
    const groups = new Map<string, GroupValues>();
    const { exp, ts, state } = this;
    outer: for (const [r, name, type, value] of this.validAssessments()) {
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

  private validAssessments(): [number, string, string, string | null][] {
    // data_version: commits by other connections, which do not call assessmentsChanged().
    const stamp = `${this.assessmentGeneration}:${this.db.pragma('data_version', { simple: true }) as number}`;
    if (this.assessmentList?.stamp !== stamp) {
      const rows = this.db
        .prepare(
          'SELECT t.rowid, a.name, a.type, a.value FROM assessments a CROSS JOIN traces t ON t.trace_id = a.trace_id WHERE a.valid = 1',
        )
        .raw(true)
        .all() as [number, string, string, string | null][];
      this.assessmentList = { stamp, rows };
    }
    return this.assessmentList.rows;
  }

  /**
   * The page of group values for the groups extension, ordered by trace count or by latest trace,
   * from the columns: one linear scan instead of a join of every trace with the key.
   */
  groupPage(input: GroupPageInput): { values: string[]; hasMore: boolean } | undefined {
    this.call++;
    this.ensureLoaded();
    const col = this.dimension(input.kind, input.key);
    const mask = this.filterMask({ experimentIds: input.experimentIds, filter: input.filter });
    const expIds = new Set(input.experimentIds.map(Number).filter((n) => Number.isInteger(n)));
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
    const page = present.slice(input.offset, input.offset + input.limit).map((c) => col.dict[c]);
    return { values: page, hasMore: present.length > input.offset + input.limit };
  }

  /**
   * Rowids matching the extension `filter` (full search grammar) as a mask over the rowids, or
   * undefined when there is no filter. From the columns when every clause is one they hold
   * exactly (status, time, duration, metadata/tag equality and presence, AND/OR/NOT), else via
   * SQL; either way cached until the next write. Call ensureLoaded() first.
   */
  private filterMask(query: Pick<MetricsQuery, 'experimentIds' | 'filter'>): Uint8Array | undefined {
    const compiled = compileSearchFilter(query.filter);
    if (!compiled || query.filter === undefined) return undefined;
    const ids = query.experimentIds.map(Number).filter((n) => Number.isInteger(n));
    const key = MaskCache.key(ids, query.filter);
    const stamp = this.writeStamp();
    const cached = this.masks.get(key, stamp);
    if (cached && cached.length === this.capacity) return cached;
    let mask = this.columnFilters ? this.columnMask(query.filter, ids) : undefined;
    if (mask) this.maskSources.columns++;
    else {
      mask = this.sqlMask(compiled, ids);
      this.maskSources.sql++;
    }
    this.masks.set(key, stamp, mask);
    return mask;
  }

  /**
   * The write state a cached mask is valid for: this object's write generation (traces touched
   * by the store), this connection's total_changes() (any row written through it, assessments
   * and spans included) and data_version (commits by other connections).
   */
  private writeStamp(): string {
    const changes = this.db.prepare('SELECT total_changes()').pluck().get() as number;
    const version = this.db.pragma('data_version', { simple: true }) as number;
    return `${this.generation}:${changes}:${version}`;
  }

  private sqlMask(compiled: SqlFragment, ids: number[]): Uint8Array {
    const mask = new Uint8Array(this.capacity);
    // all() instead of iterate(): half the time for a few hundred thousand rowids.
    const rows = this.db
      .prepare(
        `SELECT t.rowid FROM traces t WHERE t.experiment_id IN (${ids.map(() => '?').join(', ') || 'NULL'}) AND (${compiled.sql})`,
      )
      .pluck()
      .all(...ids, ...compiled.params) as number[];
    for (const r of rows) if (r < mask.length) mask[r] = 1;
    return mask;
  }

  /** The filter evaluated on the columns, or undefined when a clause needs SQL. */
  private columnMask(filter: string, ids: number[]): Uint8Array | undefined {
    const checked = checkFilter(filter, 'extended');
    if (!checked.ok || checked.expr === null) return undefined;
    const n = this.capacity;
    const expIds = new Set(ids);
    const universe = new Uint8Array(n);
    for (let r = 0; r < n; r++) if (this.state[r] !== 0 && expIds.has(this.exp[r])) universe[r] = 1;
    try {
      const mask = this.evalExpr(checked.expr, universe);
      for (let r = 0; r < n; r++) mask[r] &= universe[r];
      return mask;
    } catch (error) {
      if (error instanceof Unsupported) return undefined;
      throw error;
    }
  }

  private evalExpr(e: FilterExpr, universe: Uint8Array): Uint8Array {
    const n = this.capacity;
    switch (e.type) {
      case 'group':
        return this.evalExpr(e.expr, universe);
      case 'not': {
        // The compiled SQL is two-valued (nullable columns are guarded), so NOT is the complement.
        const inner = this.evalExpr(e.expr, universe);
        for (let r = 0; r < n; r++) inner[r] = universe[r] & (inner[r] ^ 1);
        return inner;
      }
      case 'and':
      case 'or': {
        const [first, ...rest] = e.children.map((c) => this.evalExpr(c, universe));
        for (const m of rest) {
          if (e.type === 'and') for (let r = 0; r < n; r++) first[r] &= m[r];
          else for (let r = 0; r < n; r++) first[r] |= m[r];
        }
        return first;
      }
      case 'comparison':
        return this.evalComparison(e);
      default:
        throw new Unsupported();
    }
  }

  private evalComparison(c: ComparisonNode): Uint8Array {
    const ref = c.field.ref;
    const op = c.op?.op;
    if (!ref || !op) throw new Unsupported();
    const n = this.capacity;
    const out = new Uint8Array(n);
    const strings = (): string[] => {
      const v = c.value;
      if (v === null) throw new Unsupported();
      const items = v.type === 'list' ? v.items : [v];
      return items.map((i) => (i.type === 'string' ? i.value : unsupported()));
    };
    if (ref.kind === 'attribute' && (ref.key === 'timestamp_ms' || ref.key === 'execution_time_ms')) {
      const v = c.value;
      if (v === null || (v.type !== 'number' && v.type !== 'string')) throw new Unsupported();
      let bound = v.type === 'number' ? v.value : (numericValue(v.value) ?? unsupported());
      const col = ref.key === 'timestamp_ms' ? this.ts : this.dur;
      let cmp = op;
      // As compile-filter: columns hold integer milliseconds, so a fractional bound is rounded.
      if (!Number.isInteger(bound) && Number.isFinite(bound)) {
        if (op === '=') return out;
        if (op === '<' || op === '>=') bound = Math.ceil(bound);
        else if (op === '>' || op === '<=') bound = Math.floor(bound);
        else if (op === '!=') cmp = 'IS NOT NULL';
      }
      for (let r = 0; r < n; r++) {
        const x = col[r];
        if (Number.isNaN(x)) continue;
        let hit: boolean;
        switch (cmp) {
          case '=':
            hit = x === bound;
            break;
          case '!=':
            hit = x !== bound;
            break;
          case '<':
            hit = x < bound;
            break;
          case '<=':
            hit = x <= bound;
            break;
          case '>':
            hit = x > bound;
            break;
          case '>=':
            hit = x >= bound;
            break;
          case 'IS NOT NULL':
            hit = true;
            break;
          default:
            throw new Unsupported();
        }
        if (hit) out[r] = 1;
      }
      return out;
    }
    if (ref.kind === 'attribute' && ref.key === 'status') {
      if (op !== '=' && op !== '!=' && op !== 'IN' && op !== 'NOT IN') throw new Unsupported();
      const wanted = new Set(strings());
      const negate = op === '!=' || op === 'NOT IN';
      const byCode = STATES.map((s, code) => code !== 0 && wanted.has(s) !== negate);
      for (let r = 0; r < n; r++) if (byCode[this.state[r]]) out[r] = 1;
      return out;
    }
    if (ref.kind === 'tag' || ref.kind === 'metadata') {
      // run_id = X also matches linked runs (a UNION in SQL): leave it to SQL.
      if (ref.kind === 'metadata' && ref.key === SOURCE_RUN_METADATA) throw new Unsupported();
      if (!this.dims.has(`${ref.kind}\u0000${ref.key}`) && this.dims.size >= MAX_FILTER_COLUMNS)
        throw new Unsupported();
      let test: (code: number) => boolean;
      if (op === 'IS NULL') test = (code) => code < 0;
      else if (op === 'IS NOT NULL') test = (code) => code >= 0;
      else if (op === '=' || op === '!=' || op === 'IN' || op === 'NOT IN') {
        const values = strings();
        const col = this.dimension(ref.kind, ref.key);
        const codes = new Set(values.map((v) => col.index.get(v) ?? -2));
        const negate = op === '!=' || op === 'NOT IN';
        test = (code) => code >= 0 && codes.has(code) !== negate;
      } else throw new Unsupported();
      const col = this.dimension(ref.kind, ref.key);
      // Decide once per dictionary code instead of once per row.
      const byCode = new Uint8Array(col.dict.length + 1);
      for (let code = -1; code < col.dict.length; code++) byCode[code + 1] = test(code) ? 1 : 0;
      const codes = col.codes;
      for (let r = 0; r < n; r++) {
        const code = codes[r];
        out[r] = byCode[(code < 0 ? -1 : code) + 1];
      }
      return out;
    }
    throw new Unsupported();
  }

  private grow(minCapacity: number): void {
    if (minCapacity <= this.capacity) return;
    const cap = Math.max(minCapacity, Math.ceil(this.capacity * 1.5), 1024);
    const grow = <T extends Int32Array | Float64Array | Uint8Array>(
      old: T,
      make: (n: number) => T,
      fill?: number,
    ): T => {
      const next = make(cap);
      if (fill !== undefined) next.fill(fill);
      next.set(old);
      return next;
    };
    this.exp = grow(this.exp, (k) => new Int32Array(k));
    this.ts = grow(this.ts, (k) => new Float64Array(k));
    this.dur = grow(this.dur, (k) => new Float64Array(k), Number.NaN);
    this.state = grow(this.state, (k) => new Uint8Array(k));
    for (const col of this.dims.values()) col.codes = grow(col.codes, (k) => new Int32Array(k), -1);
    this.capacity = cap;
  }

  private setRow(row: [number, number, number, number | null, string]): void {
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

  private ensureLoaded(): void {
    if (!this.loaded) {
      this.capacity = 0;
      this.exp = new Int32Array(0);
      this.ts = new Float64Array(0);
      this.dur = new Float64Array(0);
      this.state = new Uint8Array(0);
      this.minTs = Infinity;
      this.maxTs = -Infinity;
      this.byDuration.reset();
      const max = (this.db.prepare('SELECT COALESCE(MAX(rowid), 0) FROM traces').pluck().get() as number) + 1;
      this.grow(max);
      const rows = this.db
        .prepare('SELECT rowid, experiment_id, timestamp_ms, execution_time_ms, state FROM traces')
        .raw(true)
        .iterate() as IterableIterator<[number, number, number, number | null, string]>;
      for (const row of rows) this.setRow(row);
      this.loaded = true;
      this.dirty.clear();
      return;
    }
    if (this.dirty.size === 0) return;
    const ids = JSON.stringify([...this.dirty]);
    this.dirty.clear();
    const rows = this.db
      .prepare(
        'SELECT rowid, experiment_id, timestamp_ms, execution_time_ms, state FROM traces WHERE trace_id IN (SELECT value FROM json_each(?))',
      )
      .raw(true)
      .all(ids) as [number, number, number, number | null, string][];
    for (const row of rows) this.setRow(row);
    for (const [name, col] of this.dims) {
      const [kind, key] = name.split('\u0000') as ['tag' | 'metadata', string];
      for (const row of rows) col.codes[row[0]] = -1;
      const values = this.db
        .prepare(
          `SELECT t.rowid, g.value FROM ${kind === 'tag' ? 'trace_tags' : 'trace_metadata'} g JOIN traces t ON t.trace_id = g.trace_id
           WHERE g.key = ? AND g.trace_id IN (SELECT value FROM json_each(?))`,
        )
        .raw(true)
        .all(key, ids) as [number, string][];
      for (const [rowid, value] of values) col.codes[rowid] = this.code(col, value);
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
   * Drops least recently used dimensions until the loaded ones fit the cap, except those the
   * running call uses (a single call needing more than the cap holds them until the next call).
   * A dropped column is unreferenced here and its memory goes back to the heap.
   */
  private evict(): void {
    let bytes = 0;
    for (const col of this.dims.values()) bytes += col.codes.byteLength + col.dictBytes;
    for (const [name, col] of this.dims) {
      if (bytes <= this.maxDimensionBytes) break;
      if (col.usedIn === this.call) continue;
      this.dims.delete(name);
      bytes -= col.codes.byteLength + col.dictBytes;
    }
  }

  private dimension(kind: 'tag' | 'metadata', key: string): DimColumn {
    const name = `${kind}\u0000${key}`;
    let col = this.dims.get(name);
    if (col) {
      // Most recently used last.
      this.dims.delete(name);
      this.dims.set(name, col);
      col.usedIn = this.call;
      return col;
    }
    col = {
      codes: new Int32Array(this.capacity).fill(-1),
      dict: [],
      index: new Map(),
      dictBytes: 0,
      usedIn: this.call,
    };
    const rows = this.db
      .prepare(
        `SELECT t.rowid, g.value FROM ${kind === 'tag' ? 'trace_tags' : 'trace_metadata'} g JOIN traces t ON t.trace_id = g.trace_id WHERE g.key = ?`,
      )
      .raw(true)
      .iterate(key) as IterableIterator<[number, string]>;
    for (const [rowid, value] of rows) if (rowid < col.codes.length) col.codes[rowid] = this.code(col, value);
    this.dims.set(name, col);
    this.evict();
    return col;
  }
}

function unsupported(): never {
  throw new Unsupported();
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
