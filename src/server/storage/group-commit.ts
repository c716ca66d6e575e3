import type Database from 'better-sqlite3';

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

interface Pending {
  op: (afterCommit: (fn: () => void) => void) => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: write operations queued during one event-loop turn run in a single transaction
 * (one fsync for all of them), each inside its own savepoint so one caller's error does not undo
 * another's work. Every caller's promise settles only after the shared COMMIT returned, so a
 * write is acknowledged only once it is durable.
 */
export class GroupCommit {
  private queue: Pending[] = [];
  private scheduled = false;
  private readonly db: Database.Database;
  /** Largest number of operations seen in one transaction (reported by the benchmark). */
  maxBatch = 0;
  /** Transactions committed and operations run in them (benchmark: mean group size). */
  commits = 0;
  operations = 0;

  constructor(db: Database.Database) {
    this.db = db;
  }

  run<T>(op: (afterCommit: (fn: () => void) => void) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ op, resolve: resolve as (value: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // setImmediate (not nextTick) lets pending request bodies arrive and join this batch.
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    this.maxBatch = Math.max(this.maxBatch, batch.length);
    this.commits++;
    this.operations += batch.length;
    const outcomes: Outcome[] = [];
    const callbacks: (() => void)[] = [];
    try {
      this.db
        .transaction(() => {
          for (const item of batch) {
            const local: (() => void)[] = [];
            try {
              const value = this.db.transaction(() => item.op((fn) => local.push(fn)))();
              outcomes.push({ ok: true, value });
              callbacks.push(...local);
            } catch (error) {
              outcomes.push({ ok: false, error });
            }
          }
        })
        .immediate();
    } catch (error) {
      for (const item of batch) item.reject(error);
      return;
    }
    for (const fn of callbacks) fn();
    batch.forEach((item, i) => {
      const outcome = outcomes[i];
      if (outcome.ok) item.resolve(outcome.value);
      else item.reject(outcome.error);
    });
  }
}
