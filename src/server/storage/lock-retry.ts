import type Database from 'better-sqlite3';

/** How long a write may keep trying for the lock before it is answered 503 (the old busy_timeout). */
const DEFAULT_BUDGET_MS = 5_000;
const FIRST_DELAY_MS = 2;
const MAX_DELAY_MS = 100;

const isBusy = (error: unknown): boolean =>
  String((error as { code?: unknown } | null)?.code ?? '').startsWith('SQLITE_BUSY');

/**
 * Writes on the event loop through a connection that shares the file with the trace store's writer
 * thread (auth, review queues, saved views). better-sqlite3's busy wait is synchronous: with
 * `busy_timeout` a write that met the writer's lock froze the whole event loop until the commit
 * (seconds for a big OTLP request). So the connection never waits (`busy_timeout = 0`) and a write
 * that meets SQLITE_BUSY is tried again from a timer, with exponential backoff and jitter, until
 * `budgetMs` ran out; then the SQLITE_BUSY error goes to the caller (the app answers 503
 * TEMPORARILY_UNAVAILABLE). A write is one statement or one transaction begun IMMEDIATE, so
 * SQLITE_BUSY comes before it changed anything and trying it again whole is safe. Reads need none
 * of this: in WAL they never wait for the writer.
 */
export class LockRetry {
  private readonly budgetMs: number;

  constructor(db: Database.Database, budgetMs = DEFAULT_BUDGET_MS) {
    db.pragma('busy_timeout = 0');
    this.budgetMs = budgetMs;
  }

  async write<T>(write: () => T): Promise<T> {
    const deadline = Date.now() + this.budgetMs;
    for (let delay = FIRST_DELAY_MS; ; delay = Math.min(delay * 2, MAX_DELAY_MS)) {
      try {
        return write();
      } catch (error) {
        const left = deadline - Date.now();
        if (!isBusy(error) || left <= 0) throw error;
        // Full jitter, so writers that met the same commit do not all come back at once.
        const wait = Math.min(left, Math.max(1, Math.random() * delay));
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }
}
