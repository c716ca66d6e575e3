// One decode thread (started by decode-pool.ts): decodes and converts OTLP bodies with the same
// code the event loop runs for small ones, and packs the spans (transferred back, not copied).
import { parentPort } from 'node:worker_threads';
import { OtlpFormatError } from './decode-otlp.ts';
import { THREAD_READY } from '../thread-pool.ts';
import type { DecodeReply, DecodeRequest } from './decode-protocol.ts';
import { decodePackedSpans } from './decode-spans.ts';

const port = parentPort!;

port.on('message', ({ id, encoding, body, prices }: DecodeRequest) => {
  let reply: DecodeReply;
  let transfer: ArrayBuffer[] = [];
  try {
    const value = decodePackedSpans(encoding, body, prices);
    reply = { id, ok: true, value };
    transfer = value.spans.chunks;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    reply = { id, ok: false, format: error instanceof OtlpFormatError, message };
  }
  port.postMessage(reply, transfer);
});
port.postMessage(THREAD_READY);
