// What the SQLite read modules (sqlite-extensions.ts, sqlite-metrics.ts) need from the store: its
// prepared-statement cache and the metrics accelerator's answers. A narrow context instead of the
// store class, so those modules do not import the store (no import cycle) and cannot reach its
// write paths.
import type Database from 'better-sqlite3';
import type { MetricsColumns } from './metrics-columns.ts';

export interface SqliteReadContext {
  /** A cached prepared statement; SQL text is always a constant or built from allowlisted parts. */
  stmt(sql: string): Database.Statement;
  /** The in-memory accelerator: each method answers, or returns undefined and SQL answers. */
  readonly accelerator: Pick<MetricsColumns, 'tryQuery' | 'tryAssessments' | 'groupPage'>;
}
