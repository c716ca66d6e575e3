// The messages between decode-pool.ts (the event loop) and decode-worker.ts (a decode thread).
import type { PriceTable } from '../../core/cost/price-table.ts';
import type { OtlpEncoding, PackedDecodedSpans } from './decode-spans.ts';

export interface DecodeRequest {
  id: number;
  encoding: OtlpEncoding;
  /** Transferred, not copied: the event loop no longer needs it. */
  body: Uint8Array;
  /** The experiment's prices, for the spans' derived costs. */
  prices: PriceTable;
}

export type DecodeReply =
  /** The packed chunks are transferred with the reply. */
  | { id: number; ok: true; value: PackedDecodedSpans }
  /** `format`: the body is not OTLP (the route's 400, with this message); otherwise our fault. */
  | { id: number; ok: false; format: boolean; message: string };
