// Streamed bodies for the routes that return whole traces (GetTrace, BatchGetTraces, the traces.json
// artifact): the spans are read and written a chunk at a time, so a 100,000-span trace never sits
// in memory as one string and other requests run between chunks.
import type { FastifyReply } from 'fastify';
import { Readable } from 'node:stream';
import type { SpanRecord } from '../storage/span-record.ts';
import type { SpanChunks, TraceStore } from '../storage/trace-store.ts';

/**
 * Route options of a streamed route. Fastify's handler timeout (--handler-timeout) also cuts a
 * response still streaming, and a 100,000-span body to a busy server or a slow client can take
 * longer; the reads before the first byte have their own budget (--read-timeout), and this bounds
 * the whole stream.
 */
export const STREAMED_ROUTE = { handlerTimeout: 10 * 60_000 };

/** The trace's spans in chunks; an engine without spanChunks is read whole, as one chunk. */
export async function readSpanChunks(store: TraceStore, traceId: string): Promise<SpanChunks | undefined> {
  if (store.spanChunks) return store.spanChunks(traceId);
  const spans = await store.getSpans(traceId);
  if (!spans) return undefined;
  return {
    count: spans.length,
    chunks: (async function* () {
      yield spans;
    })(),
  };
}

/** Each span's text, joined by `separator` across chunk boundaries as if written at once. */
export async function* spanTexts(
  chunks: AsyncIterable<SpanRecord[]>,
  toText: (span: SpanRecord) => string,
  separator: string,
): AsyncGenerator<string> {
  let first = true;
  for await (const chunk of chunks) {
    if (chunk.length === 0) continue;
    yield (first ? '' : separator) + chunk.map(toText).join(separator);
    first = false;
  }
}

/**
 * Sends the parts as the body. The first part is produced before the status line is written, so a
 * failure there (say, a read past its budget) is still answered in MLflow's envelope; a failure
 * later can only cut the connection, which clients see as a truncated body.
 */
export async function sendParts(
  reply: FastifyReply,
  type: string,
  parts: AsyncIterable<string>,
): Promise<FastifyReply> {
  const iterator = parts[Symbol.asyncIterator]();
  const first = await iterator.next();
  async function* rest(): AsyncGenerator<string> {
    if (first.done) return;
    yield first.value;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  }
  return reply.type(type).send(Readable.from(rest(), { objectMode: false }));
}
