// One decode thread (started by decode-pool.ts): decodes and converts OTLP bodies with the same
// decodeSpans the event loop runs for small ones.
import { parentPort } from 'node:worker_threads';
import { OtlpFormatError } from './decode-otlp.ts';
import { THREAD_READY } from '../thread-pool.ts';
import type { DecodeReply, DecodeRequest } from './decode-protocol.ts';
import { decodeSpans } from './decode-spans.ts';

const port = parentPort!;

port.on('message', ({ id, encoding, body }: DecodeRequest) => {
  let reply: DecodeReply;
  try {
    reply = { id, ok: true, value: decodeSpans(encoding, body) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    reply = { id, ok: false, format: error instanceof OtlpFormatError, message };
  }
  port.postMessage(reply);
});
port.postMessage(THREAD_READY);
