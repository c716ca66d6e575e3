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
 * Group commit: write operations queued during one event-loop turn run in a single transaction
 * (one fsync for all of them), each inside its own savepoint so one caller's error does not undo
 * another's work. Every caller's promise settles only after the shared COMMIT returned, so a
 * write is acknowledged only once it is durable. After COMMIT the listener hears what the
 * operations that succeeded declared they changed (the store's single write hook).
 */
export class GroupCommit {
  private queue: Pending[] = [];
  private scheduled = false;
  private readonly db: Database.Database;
  private readonly onCommit: ChangeListener | undefined;
  private readonly counters: GroupCommitStats = { commits: 0, operations: 0, maxBatch: 0 };

  constructor(db: Database.Database, onCommit?: ChangeListener) {
    this.db = db;
    this.onCommit = onCommit;
  }

  run<T>(op: () => T, declares: WriteDeclaration = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ op, declares, resolve: resolve as (value: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // setImmediate (not nextTick) lets pending request bodies arrive and join this batch.
        setImmediate(() => this.flush());
      }
    });
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
    if (this.onCommit && !isEmptyChange(change)) this.onCommit(change);
    batch.forEach((item, i) => {
      const outcome = outcomes[i];
      if (outcome.ok) item.resolve(outcome.value);
      else item.reject(outcome.error);
    });
  }
}
