// Application-defined SQLite functions the filter compiler relies on (src/core/filter).
import type BetterSqlite3 from 'better-sqlite3';
import { invalidParameter } from '../errors.ts';
import { re2Search } from '../re2-search.ts';

/**
 * Regexp matching time one synchronous stretch of SQLite work may spend (a statement, or statements
 * run back to back without yielding). RE2 is linear in each value, but RLIKE on a column of every
 * trace (`request_id RLIKE …`) runs once per row, and SQLite blocks the event loop until it is done:
 * at ≈ 5–20 µs a value that is seconds over 100,000+ traces. Past the budget the statement is
 * aborted with a 400 (not a 503: MLflow clients retry 503s, repeating the work).
 */
const REGEXP_BUDGET_MS = 1000;

export interface SqliteFunctionOptions {
  /** Overrides REGEXP_BUDGET_MS (tests). */
  regexpBudgetMs?: number;
}

/**
 * Registers `regexp(pattern, value)`, which backs `value REGEXP pattern` (RLIKE): an unanchored
 * search like Python's re.search on RE2's linear-time engine, where an invalid pattern or a NULL
 * matches nothing. Compiled patterns are cached in ../re2-search.ts. Also expects the caller to run
 * `PRAGMA case_sensitive_like = ON` so LIKE is case-sensitive as in MLflow.
 */
export function registerSqliteFunctions(db: BetterSqlite3.Database, options: SqliteFunctionOptions = {}): void {
  const budgetMs = options.regexpBudgetMs ?? REGEXP_BUDGET_MS;
  // A stretch ends when the event loop turns: no setImmediate callback runs during synchronous SQLite work.
  let spentMs = 0;
  let stretchOpen = false;
  db.function('regexp', { deterministic: true }, (pattern: unknown, value: unknown) => {
    if (typeof pattern !== 'string' || value === null || value === undefined) return 0;
    if (!stretchOpen) {
      stretchOpen = true;
      spentMs = 0;
      setImmediate(() => (stretchOpen = false));
    }
    if (spentMs > budgetMs) {
      throw invalidParameter(
        `RLIKE matching took more than ${budgetMs / 1000} s in one search, the server's budget so that one ` +
          'search cannot stall the others. Add a narrower condition (a time range, an exact tag or metadata value).',
      );
    }
    const started = performance.now();
    const hit = re2Search(pattern, typeof value === 'string' ? value : String(value));
    spentMs += performance.now() - started;
    return hit ? 1 : 0;
  });
}
