// A few worker threads, each running one job at a time from a bounded queue, each job within a
// time budget: the mechanics shared by the SQLite read workers (storage/sqlite/read-pool.ts) and
// the OTLP decode threads (otlp/decode-pool.ts). docs/architecture.md, "Threads", explains the model.
import type { Worker } from 'node:worker_threads';
import { MlflowError } from './errors.ts';
import { startWorker } from './start-worker.ts';

/** What a thread posts once it can take jobs, before any reply. */
export const THREAD_READY = 'ready';

export interface ThreadPoolOptions {
  /** The thread's module and its workerData. */
  entry: URL;
  data: object;
  size: number;
  /** A thread's JavaScript heap cap: one job must fit, a runaway one must not take the process. */
  heapMb: number;
  /** Jobs that may wait for a thread; past this the caller is answered 503 at once. */
  maxQueued: number;
  /** The 503 messages. */
  refusals: {
    queueFull: string;
    /** No thread took the job within its budget. */
    waitedTooLong: string;
    overBudget: (budgetMs: number) => string;
    outOfMemory: string;
    /** Jobs run or queued after close(). */
    closed: string;
  };
}

export interface RunOptions {
  /** Queueing included. */
  budgetMs: number;
  /** Goes before the jobs waiting (the next chunk of a response under way). */
  urgent?: boolean;
  /** Moved to the thread, not copied. */
  transfer?: ArrayBuffer[];
  /**
   * A job that may hold its thread for long (an aggregation over every trace): such jobs run on at most
   * `size - 1` threads at once, so one thread stays for the short ones (a page of search, a trace) even
   * when a burst of heavy ones arrives, as at a cold start when every metrics call falls back to SQL.
   */
  heavy?: boolean;
  /** Called when a thread takes the job (it leaves the queue). */
  onStart?: () => void;
}

interface Job<Reply> {
  message: object & { id: number };
  transfer: ArrayBuffer[];
  budgetMs: number;
  heavy: boolean;
  onStart?: () => void;
  resolve: (reply: Reply) => void;
  reject: (error: unknown) => void;
  timer: NodeJS.Timeout;
  slot?: Slot<Reply>;
}

interface Slot<Reply> {
  worker: Worker;
  job?: Job<Reply>;
  /** Loaded (and connected). Jobs wait in the queue meanwhile (their budget runs). */
  ready: boolean;
}

function busy(message: string): MlflowError {
  return new MlflowError('TEMPORARILY_UNAVAILABLE', message);
}

/**
 * A job is posted with an `id`, and its thread's reply carries it back. A job past its budget is
 * stopped by terminating its thread (nothing else interrupts synchronous work): the caller is
 * answered 503 at once and a fresh thread takes the slot; V8 stops the old thread at its next
 * JavaScript step. Terminating threads count against the pool, so a burst of runaway jobs cannot
 * start more than twice `size` threads. A thread that dies fails its job (503 when out of memory) and
 * is replaced; one that fails before it is ready fails the queued jobs too, so a start-up failure
 * cannot loop.
 */
export class ThreadPool<Reply extends { id: number }> {
  private readonly options: ThreadPoolOptions;
  private readonly slots: Slot<Reply>[] = [];
  private readonly queue: Job<Reply>[] = [];
  private retiring = 0;
  private nextId = 1;
  private closed = false;

  constructor(options: ThreadPoolOptions) {
    this.options = options;
  }

  /** Posts `request` with an id; resolves with the thread's reply, whatever it says. */
  run(
    request: object,
    { budgetMs, urgent = false, transfer = [], heavy = false, onStart }: RunOptions,
  ): Promise<Reply> {
    if (this.closed) return Promise.reject(new Error(this.options.refusals.closed));
    if (this.queue.length >= this.options.maxQueued) return Promise.reject(busy(this.options.refusals.queueFull));
    return new Promise((resolve, reject) => {
      const job: Job<Reply> = {
        message: { ...request, id: this.nextId++ },
        transfer,
        budgetMs,
        heavy,
        onStart,
        resolve,
        reject,
        timer: setTimeout(() => this.expire(job), budgetMs),
      };
      if (urgent) this.queue.unshift(job);
      else this.queue.push(job);
      this.pump();
    });
  }

  /** Starts every thread now (a server at start-up), so the first jobs do not wait for them. */
  warm(): void {
    while (!this.closed && this.slots.length < this.options.size) this.spawn();
  }

  /** Stops every thread; jobs still queued or running are refused. */
  async close(): Promise<void> {
    this.closed = true;
    const closed = new Error(this.options.refusals.closed);
    for (const job of this.queue.splice(0)) this.finish(job, closed);
    const slots = this.slots.splice(0);
    for (const slot of slots) if (slot.job) this.finish(slot.job, closed);
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
      const next = this.nextRunnable();
      if (next < 0) return;
      const job = this.queue.splice(next, 1)[0];
      slot.job = job;
      job.slot = slot;
      job.onStart?.();
      // A busy thread keeps the process alive (a script awaiting a job); an idle one does not.
      slot.worker.ref();
      try {
        slot.worker.postMessage(job.message, job.transfer);
      } catch (error) {
        // A message that cannot be cloned or transferred (never from the callers, which pass plain data).
        slot.job = undefined;
        slot.worker.unref();
        this.finish(job, error);
      }
    }
  }

  /** The first queued job a free thread may take: any, unless the heavy jobs' threads are all taken. */
  private nextRunnable(): number {
    const heavyLimit = Math.max(1, this.options.size - 1);
    const heavyRunning = this.slots.filter((s) => s.job?.heavy).length;
    return heavyRunning < heavyLimit ? 0 : this.queue.findIndex((job) => !job.heavy);
  }

  private spawn(): void {
    const worker = startWorker(this.options.entry, this.options.data, { maxOldGenerationSizeMb: this.options.heapMb });
    const slot: Slot<Reply> = { worker, ready: false };
    worker.on('message', (reply: Reply | typeof THREAD_READY) => {
      if (reply !== THREAD_READY) return this.settle(slot, reply);
      slot.ready = true;
      this.pump();
    });
    worker.on('error', (error) => this.lost(slot, error));
    worker.on('exit', () => this.lost(slot, new Error('A worker thread stopped.')));
    this.slots.push(slot);
  }

  private settle(slot: Slot<Reply>, reply: Reply): void {
    const job = slot.job;
    if (!job || job.message.id !== reply.id) return;
    slot.job = undefined;
    slot.worker.unref();
    this.finish(job, undefined, reply);
    this.pump();
  }

  private lost(slot: Slot<Reply>, error: Error): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    this.slots.splice(index, 1);
    const outOfMemory = (error as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY';
    const failure = outOfMemory ? busy(this.options.refusals.outOfMemory) : error;
    if (slot.job) this.finish(slot.job, failure);
    if (!slot.ready && !outOfMemory) for (const job of this.queue.splice(0)) this.finish(job, error);
    this.pump();
  }

  private expire(job: Job<Reply>): void {
    const slot = job.slot;
    if (!slot) {
      this.queue.splice(this.queue.indexOf(job), 1);
      this.finish(job, busy(this.options.refusals.waitedTooLong));
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
    this.finish(job, busy(this.options.refusals.overBudget(job.budgetMs)));
    this.pump();
  }

  private finish(job: Job<Reply>, error: unknown, reply?: Reply): void {
    clearTimeout(job.timer);
    if (error === undefined) job.resolve(reply!);
    else job.reject(error);
  }
}
