// What the metrics accelerator (metrics-columns.ts) reads, as a narrow seam so one accelerator serves
// every engine: SQLite (sqlite-metrics-source.ts, the write connection, fed by the write hook) and
// PostgreSQL (postgres/pg-metrics-source.ts, one snapshot per call, caught up from the database). Rows are
// numbered by a small integer per trace (SQLite's rowid, PostgreSQL's trace_key) that indexes the
// accelerator's typed arrays.
import type { CheckedFilter } from '../../core/filter/check-filter.ts';
import type { StoreChange } from './store-change.ts';

/** (row, experiment id, start ms, duration ms or null, state) */
export type BaseRow = [
  row: number,
  experimentId: number,
  timestampMs: number,
  durationMs: number | null,
  state: string,
];
/** (row, value) of one tag or metadata key */
export type DimensionRow = [row: number, value: string];
/** (row, name, type, value JSON) of one valid assessment */
export type AssessmentRow = [row: number, name: string, type: string, value: string | null];

/** One call's view of the data: every read of one accelerator call sees the same committed state. */
export interface MetricsReader {
  /**
   * What was committed since the previous call's view, for engines the accelerator cannot be told
   * about writes (several processes); undefined when the store reports changes itself (SQLite's write
   * hook calls `changed()`). `loaded`: whether the accelerator holds columns (if not, the changes are
   * not needed, only the position).
   */
  catchUp(loaded: boolean): Promise<StoreChange | undefined>;
  /** The largest row number (0 when there are no traces). */
  maxRow(): Promise<number>;
  /**
   * Every trace's base row, handed to `each` in chunks (a callback, not an iterator: SQLite's statement
   * stays open only inside one synchronous loop, never across an await where other code may use the
   * connection). It yields between chunks (the background load): on SQLite writes may commit between
   * them, which the write hook reports. `each` may throw to stop the read.
   */
  baseRows(each: (chunk: BaseRow[]) => void): Promise<void>;
  /** The base rows of these traces (those that still exist). */
  rowsOf(traceIds: string[]): Promise<BaseRow[]>;
  /** A key's values, to `each` in chunks: of every trace, or of the given traces. */
  dimensionRows(
    kind: 'tag' | 'metadata',
    key: string,
    traceIds: string[] | undefined,
    each: (chunk: DimensionRow[]) => void,
  ): Promise<void>;
  validAssessments(): Promise<AssessmentRow[]>;
  /** Rows of these experiments' traces that match the filter (the search's SQL, any clause). */
  matchingRows(filter: CheckedFilter, experimentIds: number[]): Promise<number[]>;
  /**
   * Write state beyond the accelerator's own generation that cached masks depend on (SQLite: rows
   * written through the connection and commits of other connections); '' when catchUp reports every write.
   */
  maskStamp(): string;
  /** Likewise for the cached assessment list. */
  assessmentStamp(): string;
}

export interface MetricsSource {
  /**
   * Runs one accelerator call's reads on one consistent view (PostgreSQL: a REPEATABLE READ transaction).
   * `timeoutMs`: each statement's limit instead of the request budget (the background load's own).
   */
  read<T>(work: (reader: MetricsReader) => Promise<T>, options?: { timeoutMs?: number }): Promise<T>;
}
