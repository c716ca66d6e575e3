import type Database from 'better-sqlite3';
import { emptyChange, isEmptyChange, mergeChange, type ChangeListener, type WriteDeclaration } from './store-change.ts';

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

interface Pending {
  op: () => unknown;
  declares: WriteDeclaration;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitStats {
  /** Transactions committed. */
  commits: number;
  /** Operations run in them (mean group size = operations / commits). */
  operations: number;
  /** Largest number of operations seen in one transaction. */
  maxBatch: number;
}

/**
 * Group commit: write operations queued during one turn of the loop it runs on (the SQLite store's
 * writer thread, sqlite/write-worker.ts, or the event loop for an in-memory database) run in a single transaction
 * (one fsync for all of them), each inside its own savepoint so one caller's error does not undo
 * another's work. Every caller's promise settles only after the shared COMMIT returned, so a
 * write is acknowledged only once it is durable. After COMMIT the listener hears what the
 * operations that succeeded declared they changed (the store's single write hook).
 */
export class GroupCommit {
  private queue: Pending[] = [];
  private scheduled = false;
  private closed = false;
  private readonly db: Database.Database;
  private readonly onCommit: ChangeListener | undefined;
  private readonly counters: GroupCommitStats = { commits: 0, operations: 0, maxBatch: 0 };

  constructor(db: Database.Database, onCommit?: ChangeListener) {
    this.db = db;
    this.onCommit = onCommit;
  }

  run<T>(op: () => T, declares: WriteDeclaration = {}): Promise<T> {
    if (this.closed) return Promise.reject(new Error('The store is closed.'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ op, declares, resolve: resolve as (value: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // setImmediate (not nextTick) lets pending request bodies arrive and join this batch.
        setImmediate(() => this.flush());
      }
    });
  }

  /** Refuses new writes and resolves once every queued one has been committed and answered. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.scheduled) await new Promise((resolve) => setImmediate(resolve));
  }

  stats(): GroupCommitStats {
    return { ...this.counters };
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    this.counters.maxBatch = Math.max(this.counters.maxBatch, batch.length);
    this.counters.commits++;
    this.counters.operations += batch.length;
    const outcomes: Outcome[] = [];
    const change = emptyChange();
    try {
      this.db
        .transaction(() => {
          for (const item of batch) {
            try {
              const value = this.db.transaction(item.op)();
              outcomes.push({ ok: true, value });
              mergeChange(change, item.declares);
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
    // Listeners run before any caller hears back, so a read after an acknowledged write sees it.
    // The data is committed either way: a listener's failure must not leave callers waiting.
    try {
      if (this.onCommit && !isEmptyChange(change)) this.onCommit(change);
    } catch {
      // Nothing to undo; the listener (an optional accelerator) answers from SQL when unsure.
    }
    batch.forEach((item, i) => {
      const outcome = outcomes[i];
      if (outcome.ok) item.resolve(outcome.value);
      else item.reject(outcome.error);
    });
  }
}
