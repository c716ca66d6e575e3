// One OTLP request body → the spans to store: decoding (decode-otlp.ts) and conversion
// (convert-span.ts) as one step, so the route runs the same function on the event loop (small
// bodies) and in a decode thread (decode-pool.ts): the answers are the same either way. A decode
// thread packs what it converted (../storage/packed-spans.ts), so the spans reach the store without
// being rebuilt on the event loop.
import type { PriceTable } from '../../core/cost/price-table.ts';
import { SpanPacker, type PackedSpans, type TraceSpanCounts } from '../storage/packed-spans.ts';
import type { SpanRecord } from '../storage/span-record.ts';
import { convertOtlpSpan } from './convert-span.ts';
import { decodeOtlpJson, decodeOtlpProtobuf } from './decode-otlp.ts';
import { withDerivedCost } from './span-cost.ts';

export type OtlpEncoding = 'protobuf' | 'json';

export interface DecodedSpans {
  spans: SpanRecord[];
  /** Spans that could not be converted, and the first one's reason (OTLP partial success). */
  rejected: number;
  reason: string;
}

export interface PackedDecodedSpans {
  spans: PackedSpans;
  /** The packed spans per trace, for the route's auth check and span cap. */
  traces: TraceSpanCounts;
  rejected: number;
  reason: string;
}

/** Calls `keep` with each span that converts; throws OtlpFormatError when the body is not an OTLP request in `encoding`. */
function convertBody(encoding: OtlpEncoding, body: Uint8Array, keep: (span: SpanRecord) => void) {
  const otlpSpans =
    encoding === 'json'
      ? decodeOtlpJson(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'))
      : decodeOtlpProtobuf(body);
  let rejected = 0;
  let reason = '';
  for (let i = 0; i < otlpSpans.length; i++) {
    const converted = convertOtlpSpan(otlpSpans[i]);
    // Dropped as it is converted: the decoded request and its records are not both held whole.
    otlpSpans[i] = undefined!;
    if (typeof converted === 'string') {
      rejected++;
      reason ||= converted;
    } else keep(converted);
  }
  return { rejected, reason };
}

export function decodeSpans(encoding: OtlpEncoding, body: Uint8Array): DecodedSpans {
  const spans: SpanRecord[] = [];
  const { rejected, reason } = convertBody(encoding, body, (span) => spans.push(span));
  return { spans, rejected, reason };
}

/** decodeSpans with the derived costs of `prices` applied (otlp/span-cost.ts), packed a chunk at a time. */
export function decodePackedSpans(encoding: OtlpEncoding, body: Uint8Array, prices: PriceTable): PackedDecodedSpans {
  const packer = new SpanPacker();
  const { rejected, reason } = convertBody(encoding, body, (span) => packer.add(withDerivedCost(span, prices)));
  return { ...packer.finish(), rejected, reason };
}
