// The SQLite store's read workers: a few threads, each with its own read-only connection to the WAL
// database, run the heavy reads (SqliteReader) so a slow query never blocks the event loop.
// docs/architecture.md, "Threads", explains the model; this file is its mechanics.
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { MlflowError } from '../../errors.ts';
import { READY, type ReadReply, type ReadRequest, type ReadWorkerData } from './read-protocol.ts';
import type { ReadMethod, SqliteReader } from './sqlite-reader.ts';
import { startWorker } from '../../start-worker.ts';
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

interface Job {
  request: ReadRequest;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  timer: NodeJS.Timeout;
  slot?: Slot;
}

interface Slot {
  worker: Worker;
  job?: Job;
  /** Loaded and connected. Reads wait in the queue meanwhile (their budget runs). */
  ready: boolean;
}

function busy(message: string): MlflowError {
  return new MlflowError('TEMPORARILY_UNAVAILABLE', message);
}

/**
 * better-sqlite3 has no sqlite3_interrupt, so a read past its budget is stopped by terminating its
 * worker: the caller is answered at once (503) and a fresh worker takes the slot. V8 stops the old
 * thread the next time it runs JavaScript (the next row of an iteration or the next regexp() call);
 * a single native step runs to its end first. Terminating threads count against the pool, so a
 * burst of runaway reads cannot start more than twice `size` threads.
 */
export class ReadPool {
  private readonly options: ReadPoolOptions;
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private retiring = 0;
  private nextId = 1;
  private closed = false;

  constructor(options: ReadPoolOptions) {
    this.options = options;
  }

  /**
   * `urgent`: the read continues a response already under way (the next chunk of a streamed
   * trace); it goes before reads of requests not yet answered, so a stream is not starved.
   */
  run<M extends ReadMethod>(
    method: M,
    args: Parameters<SqliteReader[M]>,
    urgent = false,
  ): Promise<ReturnType<SqliteReader[M]>> {
    if (this.closed) return Promise.reject(new Error('The store is closed.'));
    if (this.queue.length >= MAX_QUEUED)
      return Promise.reject(busy('The server has too many reads waiting; try again shortly.'));
    return new Promise((resolve, reject) => {
      const job: Job = {
        request: { id: this.nextId++, method, args },
        resolve: resolve as (value: unknown) => void,
        reject,
        timer: setTimeout(() => this.expire(job), this.options.budgetMs),
      };
      if (urgent) this.queue.unshift(job);
      else this.queue.push(job);
      this.pump();
    });
  }

  /** Starts every worker now (a server at start-up), so the first reads do not wait for them. */
  warm(): void {
    while (!this.closed && this.slots.length < this.options.size) this.spawn();
  }

  /** Stops every worker; reads still queued or running are refused. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) this.finish(job, new Error('The store is closed.'));
    const slots = this.slots.splice(0);
    for (const slot of slots) if (slot.job) this.finish(slot.job, new Error('The store is closed.'));
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }

  private pump(): void {
    while (this.queue.length > 0) {
      const slot = this.slots.find((s) => s.ready && !s.job);
      if (!slot) {
        const starting = this.slots.filter((s) => !s.ready).length;
        const room = this.slots.length < this.options.size && this.retiring < this.options.size;
        if (!this.closed && room && starting < this.queue.length) this.spawn();
        return;
      }
      const job = this.queue.shift()!;
      slot.job = job;
      job.slot = slot;
      // A busy worker keeps the process alive (a script awaiting a read); an idle one does not.
      slot.worker.ref();
      slot.worker.postMessage(job.request);
    }
  }

  private spawn(): Slot {
    const { path, searchWindows, regexpBudgetMs } = this.options;
    const data: ReadWorkerData = { path, searchWindows, regexpBudgetMs };
    const worker = startWorker(ENTRY, data, { maxOldGenerationSizeMb: WORKER_HEAP_MB });
    const slot: Slot = { worker, ready: false };
    worker.on('message', (reply: ReadReply | typeof READY) => {
      if (reply !== READY) return this.settle(slot, reply);
      slot.ready = true;
      this.pump();
    });
    worker.on('error', (error) => this.lost(slot, error));
    worker.on('exit', () => this.lost(slot, new Error('A read worker stopped.')));
    this.slots.push(slot);
    return slot;
  }

  private settle(slot: Slot, reply: ReadReply): void {
    const job = slot.job;
    if (!job || job.request.id !== reply.id) return;
    slot.job = undefined;
    slot.worker.unref();
    this.options.onStatements?.(reply.statements);
    if (reply.ok) this.finish(job, undefined, reply.value);
    else this.finish(job, errorFromWire(reply.error));
    this.pump();
  }

  /** The worker died (out of memory, failed to start): its read fails, a new worker serves the rest. */
  private lost(slot: Slot, error: Error): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    this.slots.splice(index, 1);
    const outOfMemory = (error as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY';
    const failure = outOfMemory ? busy('The read needed more memory than a read worker may use.') : error;
    if (slot.job) this.finish(slot.job, failure);
    // A worker that failed to start (bad path, no loader): every queued read would fail the same way.
    if (!slot.ready && !outOfMemory) for (const job of this.queue.splice(0)) this.finish(job, error);
    this.pump();
  }

  private expire(job: Job): void {
    const slot = job.slot;
    if (!slot) {
      this.queue.splice(this.queue.indexOf(job), 1);
      this.finish(job, busy('Every read worker stayed busy for the whole read budget; try again shortly.'));
      return;
    }
    // Past its budget: stop the thread running it (see the class comment) and answer now.
    this.slots.splice(this.slots.indexOf(slot), 1);
    slot.job = undefined;
    this.retiring++;
    void slot.worker.terminate().finally(() => {
      this.retiring--;
      this.pump();
    });
    this.finish(
      job,
      busy(
        `The query took longer than ${this.options.budgetMs / 1000} s, this server's budget for one read ` +
          '(--read-timeout). Narrow it (a time range, an exact tag or metadata value) or try again when the server is less busy.',
      ),
    );
    this.pump();
  }

  private finish(job: Job, error: unknown, value?: unknown): void {
    clearTimeout(job.timer);
    if (error === undefined) job.resolve(value);
    else job.reject(error);
  }
}
