// The metrics accelerator's reads on PostgreSQL (../metrics-source.ts), exact across replicas. Several
// processes write one database, so no write hook can tell this process's columns what changed; instead
// each accelerator call runs in one REPEATABLE READ transaction and first catches up on what was committed
// since the previous call's snapshot, in one index seek on `traces.touched_xid` (migration 7: the id of the
// transaction that last wrote the trace or any of its child rows).
//
// Why nothing is missed: a transaction id is assigned at a transaction's first write, and a snapshot says
// exactly which are visible: every id below its xmax except those in its in-progress list (xip). So a view
// at snapshot S reflects every write of the transactions S sees, and the writes it does not reflect are
// those of transactions with id ≥ xmax(S) or in xip(S). The next call, at snapshot S', reads the traces
// whose touched_xid is ≥ xmax(S) or in xip(S) (visible in S' or not yet: a transaction still open at S'
// stays in xip(S') or above xmax(S'), and is read by a later call once it commits). A later write to the
// same trace only raises its touched_xid, so it is still found. A write acknowledged by any replica has
// committed, so it is visible to the next call's snapshot, which reads it: read-your-writes across
// replicas. Deletes leave no row to find: they bump `metrics_generation`, and a call that sees it change
// starts its columns over (as SQLite does on its write hook's reset).
import type { CheckedFilter } from '../../../core/filter/check-filter.ts';
import type { AssessmentRow, BaseRow, DimensionRow, MetricsReader, MetricsSource } from '../metrics-source.ts';
import type { StoreChange } from '../store-change.ts';
import type { PgContext, Sql } from './pg-context.ts';
import { Binds, traceScope } from './pg-search.ts';

/** Rows per FETCH of a full read (bounded arrays in Node; the cursor keeps the snapshot). */
const FETCH = 50_000;
/** Beyond this many changed traces a catch-up starts over instead (the accelerator reloads too). */
const MAX_CHANGED = 200_000;

const TABLES = { tag: 'trace_tags', metadata: 'trace_metadata' } as const;

/** What the previous call's snapshot reflected: ids below xmax not in xip, and the delete generation. */
interface Position {
  xmax: string;
  xip: string[];
  generation: string;
}

type RawBase = [string, string, string, string | null, string];

const toBase = (r: RawBase): BaseRow => [
  Number(r[0]),
  Number(r[1]),
  Number(r[2]),
  r[3] === null ? null : Number(r[3]),
  r[4],
];

export class PgMetricsSource implements MetricsSource {
  /** Where the last call's snapshot left off; calls run one at a time (metrics-columns.ts), so it is never raced. */
  private position: Position | undefined;

  constructor(private readonly ctx: PgContext) {}

  read<T>(work: (reader: MetricsReader) => Promise<T>, options: { timeoutMs?: number } = {}): Promise<T> {
    return this.ctx.snapshotRead((sql) => work(new PgMetricsReader(sql, this)), options.timeoutMs);
  }

  /** The changes since the previous call's snapshot (`loaded` false: only the position moves). */
  async catchUp(sql: Sql, loaded: boolean): Promise<StoreChange | undefined> {
    const now = await sql.one<{ xmax: string; xip: string[]; generation: string }>(
      `SELECT pg_snapshot_xmax(s)::text AS xmax, ARRAY(SELECT x::text FROM pg_snapshot_xip(s) x) AS xip,
              (SELECT generation::text FROM metrics_generation) AS generation
         FROM pg_current_snapshot() s`,
    );
    const before = this.position;
    this.position = { xmax: now!.xmax, xip: now!.xip, generation: now!.generation };
    if (!loaded) return undefined;
    const change: StoreChange = { traces: new Set(), assessments: false, reset: false };
    if (before === undefined || before.generation !== now!.generation) {
      change.reset = true;
      return change;
    }
    const rows = await sql.arrays<[string, boolean]>(
      `SELECT trace_id, assessed_xid >= $1::xid8 OR assessed_xid = ANY($2::xid8[]) FROM traces
        WHERE touched_xid >= $1::xid8 OR touched_xid = ANY($2::xid8[]) LIMIT $3`,
      [before.xmax, before.xip, MAX_CHANGED + 1],
    );
    if (rows.length > MAX_CHANGED) change.reset = true;
    else
      for (const [traceId, assessed] of rows) {
        change.traces.add(traceId);
        if (assessed) change.assessments = true;
      }
    return change;
  }
}

class PgMetricsReader implements MetricsReader {
  constructor(
    private readonly sql: Sql,
    private readonly source: PgMetricsSource,
  ) {}

  catchUp(loaded: boolean): Promise<StoreChange | undefined> {
    return this.source.catchUp(this.sql, loaded);
  }

  async maxRow(): Promise<number> {
    const row = await this.sql.one<{ max: string }>('SELECT COALESCE(MAX(trace_key), 0) AS max FROM traces');
    return Number(row!.max);
  }

  async baseRows(each: (chunk: BaseRow[]) => void): Promise<void> {
    await this.cursor<RawBase>(
      'SELECT trace_key, experiment_id, timestamp_ms, execution_time_ms, state FROM traces',
      [],
      (rows) => each(rows.map(toBase)),
    );
  }

  async rowsOf(traceIds: string[]): Promise<BaseRow[]> {
    const rows = await this.sql.arrays<RawBase>(
      'SELECT trace_key, experiment_id, timestamp_ms, execution_time_ms, state FROM traces WHERE trace_id = ANY($1::text[])',
      [traceIds],
    );
    return rows.map(toBase);
  }

  async dimensionRows(
    kind: 'tag' | 'metadata',
    key: string,
    traceIds: string[] | undefined,
    each: (chunk: DimensionRow[]) => void,
  ): Promise<void> {
    const toRows = (rows: [string, string][]) => each(rows.map(([k, v]): DimensionRow => [Number(k), v]));
    if (traceIds === undefined) {
      await this.cursor<[string, string]>(`SELECT trace_key, value FROM ${TABLES[kind]} WHERE key = $1`, [key], toRows);
      return;
    }
    toRows(
      await this.sql.arrays<[string, string]>(
        `SELECT g.trace_key, g.value FROM ${TABLES[kind]} g JOIN traces t ON t.trace_key = g.trace_key
          WHERE g.key = $1 AND t.trace_id = ANY($2::text[])`,
        [key, traceIds],
      ),
    );
  }

  async validAssessments(): Promise<AssessmentRow[]> {
    const rows = await this.sql.arrays<[string, string, string, string | null]>(
      'SELECT trace_key, name, type, value FROM assessments WHERE valid',
    );
    return rows.map(([k, name, type, value]) => [Number(k), name, type, value]);
  }

  async matchingRows(filter: CheckedFilter, experimentIds: number[]): Promise<number[]> {
    const binds = new Binds();
    const rows = await this.sql.arrays<[string]>(
      `SELECT t.trace_key FROM traces t WHERE ${traceScope(binds, experimentIds, filter)}`,
      binds.values,
    );
    return rows.map((r) => Number(r[0]));
  }

  /** Every write touches a trace, so the catch-up's generation covers it. */
  maskStamp(): string {
    return '';
  }

  assessmentStamp(): string {
    return '';
  }

  /** A large read through a cursor in the call's transaction (its snapshot), FETCH rows at a time. */
  private async cursor<R extends unknown[]>(text: string, params: unknown[], each: (rows: R[]) => void): Promise<void> {
    await this.sql.run(`DECLARE metrics_rows NO SCROLL CURSOR FOR ${text}`, params);
    for (;;) {
      const rows = await this.sql.arrays<R>(`FETCH ${FETCH} FROM metrics_rows`);
      if (rows.length > 0) each(rows);
      if (rows.length < FETCH) break;
    }
    await this.sql.run('CLOSE metrics_rows');
  }
}
