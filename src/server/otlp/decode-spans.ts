// One OTLP request body → the spans to store: decoding (decode-otlp.ts) and conversion
// (convert-span.ts) as one step, so the route runs the same function on the event loop (small
// bodies) and in a decode thread (decode-pool.ts): the answers are the same either way.
import type { SpanRecord } from '../storage/span-record.ts';
import { convertOtlpSpan } from './convert-span.ts';
import { decodeOtlpJson, decodeOtlpProtobuf } from './decode-otlp.ts';

export type OtlpEncoding = 'protobuf' | 'json';

export interface DecodedSpans {
  spans: SpanRecord[];
  /** Spans that could not be converted, and the first one's reason (OTLP partial success). */
  rejected: number;
  reason: string;
}

/** Throws OtlpFormatError when the body is not an OTLP request in `encoding`. */
export function decodeSpans(encoding: OtlpEncoding, body: Uint8Array): DecodedSpans {
  const otlpSpans =
    encoding === 'json'
      ? decodeOtlpJson(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'))
      : decodeOtlpProtobuf(body);
  const spans: SpanRecord[] = [];
  let rejected = 0;
  let reason = '';
  for (const s of otlpSpans) {
    const converted = convertOtlpSpan(s);
    if (typeof converted === 'string') {
      rejected++;
      reason ||= converted;
    } else spans.push(converted);
  }
  return { spans, rejected, reason };
}
