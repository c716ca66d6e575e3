// The metrics accelerator's reads on SQLite (metrics-source.ts): the connection it lives beside, rows
// numbered by rowid. better-sqlite3 is synchronous and this connection is the event loop's, so every
// read is cut into statements of a few milliseconds (bench/RESULTS.md, "Metrics dimensions off the
// request") with a yield between them: a background load of 1M rows never holds the loop, nor does a call
// that refreshes many changed traces. Writes may commit between two statements; the write hook
// (`changed()`) reports every write, so catchUp has nothing to add, and the accelerator refreshes what
// changed during a load or a call on its next call.
import type Database from 'better-sqlite3';
import type { CheckedFilter } from '../../core/filter/check-filter.ts';
import type { AssessmentRow, BaseRow, DimensionRow, MetricsReader, MetricsSource } from './metrics-source.ts';
import { compileSearchFilter } from './search-sql.ts';

/** Base rows per statement of the background load (≈ 8 ms on the shared 2-core bench machine). */
const BASE_CHUNK = 2048;
/** Traces per statement of a dimension's load: a seek per trace into the key's table (≈ 30 µs each under load). */
const DIMENSION_CHUNK = 256;
/** Trace ids per statement of a refresh (two seeks each). */
const IDS_CHUNK = 256;

const yieldToLoop = () => new Promise((resolve) => setImmediate(resolve));

/** `read` over `ids` a chunk at a time, with a yield between chunks; the rows in order. */
async function inIdChunks<T>(ids: string[], read: (chunk: string) => T[]): Promise<T[]> {
  const rows: T[] = [];
  for (let i = 0; i < ids.length; i += IDS_CHUNK) {
    if (i > 0) await yieldToLoop();
    for (const row of read(JSON.stringify(ids.slice(i, i + IDS_CHUNK)))) rows.push(row);
  }
  return rows;
}

const TABLES = { tag: 'trace_tags', metadata: 'trace_metadata' } as const;

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
      const rows = page.all(after, BASE_CHUNK) as BaseRow[];
      if (rows.length > 0) each(rows);
      if (rows.length < BASE_CHUNK) return;
      after = rows[rows.length - 1][0];
      await yieldToLoop();
    }
  }

  async rowsOf(traceIds: string[]): Promise<BaseRow[]> {
    const rows = this.db
      .prepare(
        'SELECT rowid, experiment_id, timestamp_ms, execution_time_ms, state FROM traces WHERE trace_id IN (SELECT value FROM json_each(?))',
      )
      .raw(true);
    return inIdChunks(traceIds, (ids) => rows.all(ids) as BaseRow[]);
  }

  async dimensionRows(
    kind: 'tag' | 'metadata',
    key: string,
    traceIds: string[] | undefined,
    each: (chunk: DimensionRow[]) => void,
  ): Promise<void> {
    if (traceIds === undefined) {
      // Ranges of rowids, each trace's value by its primary key (CROSS JOIN keeps traces the outer loop).
      const range = this.db
        .prepare(
          `SELECT t.rowid, g.value FROM traces t CROSS JOIN ${TABLES[kind]} g ON g.trace_key = t.trace_key AND g.key = ? WHERE t.rowid > ? AND t.rowid <= ?`,
        )
        .raw(true);
      const last = await this.maxRow();
      for (let after = 0; after < last; after += DIMENSION_CHUNK) {
        if (after > 0) await yieldToLoop();
        const rows = range.all(key, after, after + DIMENSION_CHUNK) as DimensionRow[];
        if (rows.length > 0) each(rows);
      }
      return;
    }
    const join = this.db
      .prepare(
        `SELECT t.rowid, g.value FROM traces t JOIN ${TABLES[kind]} g ON g.trace_key = t.trace_key AND g.key = ? WHERE t.trace_id IN (SELECT value FROM json_each(?))`,
      )
      .raw(true);
    each(await inIdChunks(traceIds, (ids) => join.all(key, ids) as DimensionRow[]));
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
