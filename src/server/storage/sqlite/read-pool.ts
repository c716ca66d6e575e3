// The SQLite store's read workers: a few threads, each with its own read-only connection to the WAL
// database, run the heavy reads (SqliteReader) so a slow query never blocks the event loop.
// docs/architecture.md, "Threads", explains the model; ../../thread-pool.ts holds the mechanics.
import { availableParallelism } from 'node:os';
import { ThreadPool } from '../../thread-pool.ts';
import type { ReadReply, ReadWorkerData } from './read-protocol.ts';
import type { ReadMethod, SqliteReader } from './sqlite-reader.ts';
import { errorFromWire } from './worker-thread.ts';

/** Default worker count: a few threads; more would only contend for the same cores and cache. */
export const DEFAULT_READ_WORKERS = Math.min(4, availableParallelism());
/** Default time budget of one read, queueing included (below the HTTP handler timeout, 25 s). */
export const DEFAULT_READ_BUDGET_MS = 15_000;
/** Reads that may wait for a worker; past this the server answers 503 at once instead of queueing. */
const MAX_QUEUED = 1000;
/** A worker's JavaScript heap cap: one read's rows must fit, a runaway one must not take the process. */
const WORKER_HEAP_MB = 256;

const ENTRY = new URL('./read-worker.ts', import.meta.url);

/**
 * Reads that aggregate over every trace of a scope (seconds at 100,000 traces): the metrics and groups
 * that the in-memory accelerator cannot answer (every call while it loads), and counts. They never take
 * the last free worker (ThreadPool `heavy`), so searches and trace reads keep flowing behind a burst.
 */
const HEAVY_READS: ReadonlySet<ReadMethod> = new Set(['metrics', 'listGroups', 'countTraces']);

export interface ReadPoolOptions {
  /** The database file (WAL mode). */
  path: string;
  size: number;
  budgetMs: number;
  searchWindows: boolean;
  regexpBudgetMs?: number;
  /** Hears how many statements each read ran (the store's statement counter). */
  onStatements?: (count: number) => void;
}

/**
 * better-sqlite3 has no sqlite3_interrupt, so a read past its budget is stopped by terminating its
 * worker (ThreadPool): the caller is answered at once (503) and a fresh worker takes the slot; a
 * single native step (one row of an iteration, one regexp() call) runs to its end first.
 */
export class ReadPool {
  private readonly options: ReadPoolOptions;
  private readonly threads: ThreadPool<ReadReply>;
  /** Heavy reads still waiting for a worker, by method and arguments: an identical read joins one. */
  private readonly queuedHeavy = new Map<string, Promise<ReadReply>>();

  constructor(options: ReadPoolOptions) {
    this.options = options;
    const { path, searchWindows, regexpBudgetMs } = options;
    const data: ReadWorkerData = { path, searchWindows, regexpBudgetMs };
    this.threads = new ThreadPool({
      entry: ENTRY,
      data,
      size: options.size,
      heapMb: WORKER_HEAP_MB,
      maxQueued: MAX_QUEUED,
      refusals: {
        queueFull: 'The server has too many reads waiting; try again shortly.',
        waitedTooLong: 'Every read worker stayed busy for the whole read budget; try again shortly.',
        overBudget: (budgetMs) =>
          `The query took longer than ${budgetMs / 1000} s, this server's budget for one read ` +
          '(--read-timeout). Narrow it (a time range, an exact tag or metadata value) or try again when the server is less busy.',
        outOfMemory: 'The read needed more memory than a read worker may use.',
        closed: 'The store is closed.',
      },
    });
  }

  /**
   * `urgent`: the read continues a response already under way (the next chunk of a streamed
   * trace); it goes before reads of requests not yet answered, so a stream is not starved.
   */
  async run<M extends ReadMethod>(
    method: M,
    args: Parameters<SqliteReader[M]>,
    urgent = false,
  ): Promise<ReturnType<SqliteReader[M]>> {
    const reply = await (HEAVY_READS.has(method)
      ? this.heavy(method, args)
      : this.threads.run({ method, args }, { budgetMs: this.options.budgetMs, urgent }).then(this.counted));
    if (!reply.ok) throw errorFromWire(reply.error);
    return reply.value as ReturnType<SqliteReader[M]>;
  }

  /**
   * A heavy read identical to one still queued shares that one's answer (a cold start's burst of the
   * same metrics and group pages runs each once). Only while queued: a read that has started may
   * predate a write acknowledged before this request arrived, one still queued cannot.
   */
  private heavy(method: ReadMethod, args: unknown[]): Promise<ReadReply> {
    const key = JSON.stringify([method, args]);
    const queued = this.queuedHeavy.get(key);
    if (queued) return queued;
    const reply = this.threads
      .run(
        { method, args },
        { budgetMs: this.options.budgetMs, heavy: true, onStart: () => this.queuedHeavy.delete(key) },
      )
      .then(this.counted);
    this.queuedHeavy.set(key, reply);
    // Refused before any thread took it (queue full, waited past the budget, closed): forget it too.
    reply
      .catch(() => undefined)
      .finally(() => {
        if (this.queuedHeavy.get(key) === reply) this.queuedHeavy.delete(key);
      });
    return reply;
  }

  private readonly counted = (reply: ReadReply): ReadReply => {
    this.options.onStatements?.(reply.statements);
    return reply;
  };

  /** Starts every worker now (a server at start-up), so the first reads do not wait for them. */
  warm(): void {
    this.threads.warm();
  }

  /** Stops every worker; reads still queued or running are refused. */
  close(): Promise<void> {
    return this.threads.close();
  }
}
