// Where an OTLP body is decoded and converted (decode-spans.ts): small bodies on the event loop
// (the hop would cost more than the work), large ones in one of a few decode threads, started when
// first needed, so a 100,000-span request does not stall every other request for seconds.
// docs/architecture.md, "Threads", explains the model; ../thread-pool.ts holds the mechanics.
import { availableParallelism } from 'node:os';
import { ThreadPool } from '../thread-pool.ts';
import { OtlpFormatError } from './decode-otlp.ts';
import type { PriceTable } from '../../core/cost/price-table.ts';
import type { DecodeReply } from './decode-protocol.ts';
import { decodeSpans, type DecodedSpans, type PackedDecodedSpans, type OtlpEncoding } from './decode-spans.ts';
import { needsDerivedCost, withDerivedCost } from './span-cost.ts';

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

/** What a body became: records (decoded here) or packed chunks (decoded in a thread, never unpacked here). */
export type Decoded = ({ packed: false } & DecodedSpans) | ({ packed: true } & PackedDecodedSpans);

export class DecodePool {
  private readonly options: DecodePoolOptions;
  private readonly threads = new ThreadPool<DecodeReply>({
    entry: ENTRY,
    data: {},
    size: THREADS,
    heapMb: DECODER_HEAP_MB,
    maxQueued: MAX_QUEUED,
    refusals: {
      queueFull: 'The server has too many OTLP requests waiting to be decoded; try again shortly.',
      waitedTooLong: 'Every decode thread stayed busy for the whole budget; try again shortly.',
      overBudget: (budgetMs) =>
        `Decoding the request took longer than ${budgetMs / 1000} s, this server's budget; ` +
        'send fewer spans per request or try again when the server is less busy.',
      outOfMemory: 'Decoding the request needed more memory than a decode thread may use.',
      closed: 'The server is closing.',
    },
  });

  constructor(options: DecodePoolOptions) {
    this.options = options;
  }

  /**
   * Decodes and converts `body`, with derived costs from `prices` (asked for only when a span needs it on
   * the event loop; always before a thread's turn, which cannot ask); rejects with OtlpFormatError when it is
   * not OTLP in `encoding`.
   */
  async decode(encoding: OtlpEncoding, body: Buffer, prices: () => Promise<PriceTable>): Promise<Decoded> {
    if (body.byteLength < this.options.inlineMaxBytes) {
      const { spans, rejected, reason } = decodeSpans(encoding, body);
      if (spans.some(needsDerivedCost)) {
        const table = await prices();
        for (let i = 0; i < spans.length; i++) spans[i] = withDerivedCost(spans[i], table);
      }
      return { packed: false, spans, rejected, reason };
    }
    // Transferred, not copied, when the body owns its whole buffer (a large body always does).
    const whole = body.byteOffset === 0 && body.byteLength === body.buffer.byteLength;
    const owned = whole && body.buffer instanceof ArrayBuffer ? body : new Uint8Array(body);
    const reply = await this.threads.run(
      { encoding, body: owned, prices: await prices() },
      { budgetMs: this.options.budgetMs, transfer: [owned.buffer as ArrayBuffer] },
    );
    if (reply.ok) return { packed: true, ...reply.value };
    throw reply.format ? new OtlpFormatError(reply.message) : new Error(reply.message);
  }

  /** Stops the threads; bodies still queued or being decoded are refused. */
  close(): Promise<void> {
    return this.threads.close();
  }
}
