// Application-defined SQLite functions the filter compiler relies on (src/core/filter).
import type BetterSqlite3 from 'better-sqlite3';
import { re2Search } from '../re2-search.ts';

/**
 * Registers `regexp(pattern, value)`, which backs `value REGEXP pattern` (RLIKE): an unanchored
 * search like Python's re.search on RE2's linear-time engine, where an invalid pattern or a NULL
 * matches nothing. Compiled patterns are cached in ../re2-search.ts. Also expects the caller to run
 * `PRAGMA case_sensitive_like = ON` so LIKE is case-sensitive as in MLflow.
 */
export function registerSqliteFunctions(db: BetterSqlite3.Database): void {
  db.function('regexp', { deterministic: true }, (pattern: unknown, value: unknown) => {
    if (typeof pattern !== 'string' || value === null || value === undefined) return 0;
    return re2Search(pattern, typeof value === 'string' ? value : String(value)) ? 1 : 0;
  });
}
