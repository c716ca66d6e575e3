// Where an OTLP body is decoded and converted (decode-spans.ts): small bodies on the event loop
// (the hop would cost more than the work), large ones in one of a few decode threads, started when
// first needed, so a 100,000-span request does not stall every other request for seconds.
// docs/architecture.md, "Threads", explains the model; this file is its mechanics.
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { MlflowError } from '../errors.ts';
import { startWorker } from '../start-worker.ts';
import { OtlpFormatError } from './decode-otlp.ts';
import { DECODER_READY, type DecodeReply, type DecodeRequest } from './decode-protocol.ts';
import { decodeSpans, type DecodedSpans, type OtlpEncoding } from './decode-spans.ts';

/** Bodies below this size (after decompression) are decoded on the event loop. */
export const DEFAULT_DECODE_INLINE_BYTES = 64 * 1024;
/** Decoding is pure CPU: more threads than this would only take cores from the storage threads. */
const THREADS = Math.min(2, availableParallelism());
/** Bodies (up to 20 MiB each) that may wait for a thread; past this the server answers 503 at once. */
const MAX_QUEUED = 8;
/** A thread's JavaScript heap cap: the largest body's decoded spans must fit, a runaway must not take the process. */
const DECODER_HEAP_MB = 1024;

const ENTRY = new URL('./decode-worker.ts', import.meta.url);

export interface DecodePoolOptions {
  /** Bodies of at least this many bytes go to a thread (0: every body, as a test forces it). */
  inlineMaxBytes: number;
  /** Time budget of one body, queueing included. */
  budgetMs: number;
}

interface Job {
  request: DecodeRequest;
  resolve: (value: DecodedSpans) => void;
  reject: (error: unknown) => void;
  timer: NodeJS.Timeout;
  slot?: Slot;
}

interface Slot {
  worker: Worker;
  job?: Job;
  ready: boolean;
}

function busy(message: string): MlflowError {
  return new MlflowError('TEMPORARILY_UNAVAILABLE', message);
}

/**
 * A body past its budget is stopped by terminating its thread (the caller is answered 503 at once;
 * a fresh thread takes the slot when needed). A thread that dies fails its body with 503 and is
 * replaced by the next body; one that fails before it is ready fails the queued bodies too, so a
 * start-up failure cannot loop.
 */
export class DecodePool {
  private readonly options: DecodePoolOptions;
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  constructor(options: DecodePoolOptions) {
    this.options = options;
  }

  /** Decodes and converts `body`; rejects with OtlpFormatError when it is not OTLP in `encoding`. */
  async decode(encoding: OtlpEncoding, body: Buffer): Promise<DecodedSpans> {
    if (body.byteLength < this.options.inlineMaxBytes) return decodeSpans(encoding, body);
    if (this.closed) throw new Error('The server is closing.');
    if (this.queue.length >= MAX_QUEUED)
      throw busy('The server has too many OTLP requests waiting to be decoded; try again shortly.');
    // Transferred, not copied, when the body owns its whole buffer (a large body always does).
    const owned = body.byteOffset === 0 && body.byteLength === body.buffer.byteLength ? body : new Uint8Array(body);
    return new Promise((resolve, reject) => {
      const job: Job = {
        request: { id: this.nextId++, encoding, body: owned },
        resolve,
        reject,
        timer: setTimeout(() => this.expire(job), this.options.budgetMs),
      };
      this.queue.push(job);
      this.pump();
    });
  }

  /** Stops every thread; bodies still queued or being decoded are refused. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) this.finish(job, new Error('The server is closing.'));
    const slots = this.slots.splice(0);
    for (const slot of slots) if (slot.job) this.finish(slot.job, new Error('The server is closing.'));
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }

  private pump(): void {
    while (this.queue.length > 0) {
      const slot = this.slots.find((s) => s.ready && !s.job);
      if (!slot) {
        const starting = this.slots.filter((s) => !s.ready).length;
        if (!this.closed && this.slots.length < THREADS && starting < this.queue.length) this.spawn();
        return;
      }
      const job = this.queue.shift()!;
      slot.job = job;
      job.slot = slot;
      // A busy thread keeps the process alive; an idle one does not.
      slot.worker.ref();
      try {
        // A Buffer's memory is an ArrayBuffer, never shared.
        slot.worker.postMessage(job.request, [job.request.body.buffer as ArrayBuffer]);
      } catch (error) {
        slot.job = undefined;
        slot.worker.unref();
        this.finish(job, error);
      }
    }
  }

  private spawn(): void {
    const worker = startWorker(ENTRY, {}, { maxOldGenerationSizeMb: DECODER_HEAP_MB });
    const slot: Slot = { worker, ready: false };
    worker.on('message', (reply: DecodeReply | typeof DECODER_READY) => {
      if (reply !== DECODER_READY) return this.settle(slot, reply);
      slot.ready = true;
      this.pump();
    });
    worker.on('error', (error) => this.lost(slot, error));
    worker.on('exit', () => this.lost(slot, new Error('A decode thread stopped.')));
    this.slots.push(slot);
  }

  private settle(slot: Slot, reply: DecodeReply): void {
    const job = slot.job;
    if (!job || job.request.id !== reply.id) return;
    slot.job = undefined;
    slot.worker.unref();
    if (reply.ok) this.finish(job, undefined, reply.value);
    else this.finish(job, reply.format ? new OtlpFormatError(reply.message) : new Error(reply.message));
    this.pump();
  }

  /** The thread died (out of memory, failed to start): its body fails, a new thread serves the rest. */
  private lost(slot: Slot, error: Error): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    this.slots.splice(index, 1);
    const outOfMemory = (error as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY';
    const failure = busy(
      outOfMemory
        ? 'Decoding the request needed more memory than a decode thread may use.'
        : 'The decode thread stopped before it answered; try again.',
    );
    if (slot.job) this.finish(slot.job, failure);
    if (!slot.ready && !outOfMemory) for (const job of this.queue.splice(0)) this.finish(job, error);
    this.pump();
  }

  private expire(job: Job): void {
    const slot = job.slot;
    if (!slot) this.queue.splice(this.queue.indexOf(job), 1);
    else {
      // Past its budget: stop the thread decoding it and answer now.
      this.slots.splice(this.slots.indexOf(slot), 1);
      slot.job = undefined;
      void slot.worker.terminate();
    }
    this.finish(
      job,
      busy(
        `Decoding the request took longer than ${this.options.budgetMs / 1000} s, this server's budget; ` +
          'send fewer spans per request or try again when the server is less busy.',
      ),
    );
    this.pump();
  }

  private finish(job: Job, error: unknown, value?: DecodedSpans): void {
    clearTimeout(job.timer);
    if (error === undefined) job.resolve(value!);
    else job.reject(error);
  }
}
