// The metrics accelerator's reads on SQLite (metrics-source.ts): the connection it lives beside, rows
// numbered by rowid. better-sqlite3 is synchronous, so a call's reads run without yielding to the event
// loop's macrotasks (group commit's COMMIT is one, a setImmediate): nothing commits inside a call, and
// the write hook (`changed()`) reports every write, so catchUp has nothing to add.
import type Database from 'better-sqlite3';
import type { CheckedFilter } from '../../core/filter/check-filter.ts';
import type { AssessmentRow, BaseRow, DimensionRow, MetricsReader, MetricsSource } from './metrics-source.ts';
import { compileSearchFilter } from './search-sql.ts';

/** Rows per chunk of a full read (a dimension's iteration stays synchronous, chunks only bound the arrays). */
const CHUNK = 65_536;

const TABLES = { tag: 'trace_tags', metadata: 'trace_metadata' } as const;

function inChunks<T>(rows: IterableIterator<T>, each: (chunk: T[]) => void): void {
  let chunk: T[] = [];
  for (const row of rows) {
    chunk.push(row);
    if (chunk.length === CHUNK) {
      each(chunk);
      chunk = [];
    }
  }
  if (chunk.length > 0) each(chunk);
}

export class SqliteMetricsSource implements MetricsSource, MetricsReader {
  constructor(private readonly db: Database.Database) {}

  read<T>(work: (reader: MetricsReader) => Promise<T>): Promise<T> {
    return work(this);
  }

  async catchUp(): Promise<undefined> {
    return undefined;
  }

  async maxRow(): Promise<number> {
    return this.db.prepare('SELECT COALESCE(MAX(rowid), 0) FROM traces').pluck().get() as number;
  }

  /**
   * Keyset pages by rowid with a yield between them (the background load must not hold the event loop
   * for seconds at 1M traces): a write committing between pages is reported by the write hook.
   */
  async baseRows(each: (chunk: BaseRow[]) => void): Promise<void> {
    const page = this.db
      .prepare(
        'SELECT rowid, experiment_id, timestamp_ms, execution_time_ms, state FROM traces WHERE rowid > ? ORDER BY rowid LIMIT ?',
      )
      .raw(true);
    for (let after = 0; ;) {
      const rows = page.all(after, CHUNK) as BaseRow[];
      if (rows.length > 0) each(rows);
      if (rows.length < CHUNK) return;
      after = rows[rows.length - 1][0];
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  async rowsOf(traceIds: string[]): Promise<BaseRow[]> {
    return this.db
      .prepare(
        'SELECT rowid, experiment_id, timestamp_ms, execution_time_ms, state FROM traces WHERE trace_id IN (SELECT value FROM json_each(?))',
      )
      .raw(true)
      .all(JSON.stringify(traceIds)) as BaseRow[];
  }

  async dimensionRows(
    kind: 'tag' | 'metadata',
    key: string,
    traceIds: string[] | undefined,
    each: (chunk: DimensionRow[]) => void,
  ): Promise<void> {
    const join = `SELECT t.rowid, g.value FROM ${TABLES[kind]} g JOIN traces t ON t.trace_key = g.trace_key WHERE g.key = ?`;
    if (traceIds === undefined)
      inChunks(this.db.prepare(join).raw(true).iterate(key) as IterableIterator<DimensionRow>, each);
    else
      each(
        this.db
          .prepare(`${join} AND t.trace_id IN (SELECT value FROM json_each(?))`)
          .raw(true)
          .all(key, JSON.stringify(traceIds)) as DimensionRow[],
      );
  }

  async validAssessments(): Promise<AssessmentRow[]> {
    return this.db
      .prepare(
        'SELECT t.rowid, a.name, a.type, a.value FROM assessments a CROSS JOIN traces t ON t.trace_key = a.trace_key WHERE a.valid = 1',
      )
      .raw(true)
      .all() as AssessmentRow[];
  }

  async matchingRows(filter: CheckedFilter, experimentIds: number[]): Promise<number[]> {
    const compiled = compileSearchFilter(filter) ?? { sql: '1 = 1', params: [] };
    // all() instead of iterate(): half the time for a few hundred thousand rowids.
    return this.db
      .prepare(
        `SELECT t.rowid FROM traces t WHERE t.experiment_id IN (${experimentIds.map(() => '?').join(', ') || 'NULL'}) AND (${compiled.sql})`,
      )
      .pluck()
      .all(...experimentIds, ...compiled.params) as number[];
  }

  /** Rows written through this connection (assessments and spans included) and commits by other connections. */
  maskStamp(): string {
    const changes = this.db.prepare('SELECT total_changes()').pluck().get() as number;
    return `${changes}:${this.dataVersion()}`;
  }

  /** Commits by other connections, which do not call the write hook. */
  assessmentStamp(): string {
    return String(this.dataVersion());
  }

  private dataVersion(): number {
    return this.db.pragma('data_version', { simple: true }) as number;
  }
}
