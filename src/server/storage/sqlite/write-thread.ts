// The SQLite store's writer thread: the event loop posts each write (a SqliteWriter method, its
// arguments and what it declares it changes) and awaits the answer, which comes only after the
// COMMIT of the group it ran in. docs/architecture.md, "Threads", explains the model.
import type { Worker } from 'node:worker_threads';
import { MlflowError } from '../../errors.ts';
import type { GroupCommitStats } from '../group-commit.ts';
import type { ChangeListener, WriteDeclaration } from '../store-change.ts';
import type { WriteMethod } from './sqlite-writer.ts';
import {
  CLOSE_WRITER,
  WRITER_CLOSED,
  WRITER_READY,
  type CommitReply,
  type WriteRequest,
  type WriteWorkerData,
} from './write-protocol.ts';
import { startWorker } from '../../start-worker.ts';
import { errorFromWire } from './worker-thread.ts';

const ENTRY = new URL('./write-worker.ts', import.meta.url);
/** The writer's JavaScript heap cap: a capped OTLP request's spans must fit, a runaway must not take the process. */
const WRITER_HEAP_MB = 1024;

export interface WriterThreadOptions extends WriteWorkerData {
  /** The store's write hook: runs after each COMMIT, before any of its callers is answered. */
  onCommit: ChangeListener;
  /** Hears how many statements each commit ran (the store's statement counter). */
  onStatements?: (count: number) => void;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

const NO_COMMITS: GroupCommitStats = { commits: 0, operations: 0, maxBatch: 0 };

/**
 * One writer thread at a time. If it dies (out of memory, a crash), every write it had not
 * answered is rejected with 503 TEMPORARILY_UNAVAILABLE (it may or may not have committed: the
 * caller's retry decides) and a new thread takes over; nothing waits forever. A thread that failed
 * before it was ready is replaced only by the next write, so a start-up failure cannot loop.
 */
export class WriterThread {
  private readonly options: WriterThreadOptions;
  private worker: Worker | undefined;
  private ready = false;
  private readonly pending = new Map<number, Pending>();
  /** Writes of this event-loop turn, not yet posted, and the buffers they move to the thread. */
  private outgoing: WriteRequest[] = [];
  private outgoingTransfer: ArrayBuffer[] = [];
  private nextId = 1;
  private closing: Promise<void> | undefined;
  /** Commits of threads that stopped, plus the current thread's latest counters. */
  private previous: GroupCommitStats = NO_COMMITS;
  private current: GroupCommitStats = NO_COMMITS;

  constructor(options: WriterThreadOptions) {
    this.options = options;
  }

  /** `transfer`: buffers inside `args` that move to the thread instead of being copied (a packed span batch). */
  run(
    method: WriteMethod,
    args: unknown[],
    declares: WriteDeclaration,
    transfer: ArrayBuffer[] = [],
  ): Promise<unknown> {
    if (this.closing) return Promise.reject(new Error('The store is closed.'));
    const worker = this.worker ?? this.spawn();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // A busy writer keeps the process alive (a script awaiting a write); an idle one does not.
      worker.ref();
      this.outgoingTransfer.push(...transfer);
      // The writes of one event-loop turn travel as one message (setImmediate, as group commit had it).
      if (this.outgoing.push({ id, method, args, declares }) === 1) setImmediate(() => this.post());
    });
  }

  private post(): void {
    const requests = this.outgoing;
    const transfer = this.outgoingTransfer;
    this.outgoing = [];
    this.outgoingTransfer = [];
    if (requests.length === 0 || !this.worker) return;
    try {
      this.worker.postMessage(requests, transfer);
    } catch (error) {
      // Arguments that cannot be cloned (never from the routes, which pass plain data).
      for (const { id } of requests) this.pending.get(id)?.reject(error);
      for (const { id } of requests) this.pending.delete(id);
    }
  }

  /** Starts the thread now (a server at start-up), so the first write does not wait for it. */
  warm(): void {
    if (!this.worker && !this.closing) this.spawn();
  }

  /** Refuses new writes, lets the thread commit and answer what it has, then stops it. */
  close(): Promise<void> {
    this.closing ??= this.stop();
    return this.closing;
  }

  stats(): GroupCommitStats {
    const [a, b] = [this.previous, this.current];
    return {
      commits: a.commits + b.commits,
      operations: a.operations + b.operations,
      maxBatch: Math.max(a.maxBatch, b.maxBatch),
    };
  }

  private async stop(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.ref();
    this.post();
    worker.postMessage(CLOSE_WRITER);
    await exited;
  }

  private spawn(): Worker {
    const { path, synchronous, autocheckpointPages } = this.options;
    const data: WriteWorkerData = { path, synchronous, autocheckpointPages };
    const worker = startWorker(ENTRY, data, { maxOldGenerationSizeMb: WRITER_HEAP_MB });
    this.worker = worker;
    this.ready = false;
    this.current = NO_COMMITS;
    worker.on('message', (message: CommitReply | typeof WRITER_READY | typeof WRITER_CLOSED) => {
      if (worker !== this.worker) return;
      if (message === WRITER_READY) this.ready = true;
      // Its connection is closed and every answer sent: stop the thread (tsx's loader would keep it alive).
      else if (message === WRITER_CLOSED) void worker.terminate();
      else this.settle(message);
    });
    worker.on('error', (error) => this.lost(worker, error));
    worker.on('exit', (code) => this.lost(worker, new Error(`The writer thread exited (code ${code}).`)));
    return worker;
  }

  private settle(reply: CommitReply): void {
    this.current = reply.stats;
    this.options.onStatements?.(reply.statements);
    // The hook runs before any caller hears back, so a read after an acknowledged write sees it.
    // The data is committed either way: a hook's failure must not leave callers waiting.
    try {
      if (reply.change) this.options.onCommit(reply.change);
    } catch {
      // Nothing to undo; the listener (an optional accelerator) answers from SQL when unsure.
    }
    for (const answer of reply.replies) {
      const pending = this.pending.get(answer.id);
      if (!pending) continue;
      this.pending.delete(answer.id);
      if (answer.ok) pending.resolve(answer.value);
      else pending.reject(errorFromWire(answer.error));
    }
    if (this.pending.size === 0) this.worker?.unref();
  }

  private lost(worker: Worker, error: Error): void {
    if (worker !== this.worker) return;
    this.worker = undefined;
    this.previous = this.stats();
    this.current = NO_COMMITS;
    const wasReady = this.ready;
    if (this.pending.size > 0) {
      if (!this.closing) console.error('The SQLite writer thread stopped:', error.message);
      const failure = new MlflowError(
        'TEMPORARILY_UNAVAILABLE',
        "The server's storage writer stopped before it confirmed this write, which may or may not have been stored; try again.",
      );
      for (const pending of this.pending.values()) pending.reject(failure);
      this.pending.clear();
    }
    // Their callers were answered above: a new thread must not run them.
    this.outgoing = [];
    this.outgoingTransfer = [];
    if (wasReady && !this.closing) this.spawn();
  }
}
