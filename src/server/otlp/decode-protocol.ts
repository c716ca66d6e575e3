// The messages between decode-pool.ts (the event loop) and decode-worker.ts (a decode thread).
import type { DecodedSpans, OtlpEncoding } from './decode-spans.ts';

export interface DecodeRequest {
  id: number;
  encoding: OtlpEncoding;
  /** Transferred, not copied: the event loop no longer needs it. */
  body: Uint8Array;
}

export type DecodeReply =
  | { id: number; ok: true; value: DecodedSpans }
  /** `format`: the body is not OTLP (the route's 400, with this message); otherwise our fault. */
  | { id: number; ok: false; format: boolean; message: string };
