// Tests' OTLP protobuf request (decode-pool.test.ts, routes/otlp-decode.test.ts).
import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs';

const Request = protobuf
  .parse(readFileSync(new URL('./otlp-trace.proto', import.meta.url), 'utf8'))
  .root.lookupType('opentelemetry.proto.ExportTraceServiceRequest');
export const OTLP_TEST_TRACE = '0123456789abcdef0123456789abcd01';

/** `count` spans of one trace, with attributes, events and one span that cannot be converted. */
export function otlpTestRequest(count: number): Buffer {
  const id = (i: number) => Buffer.from((i + 1).toString(16).padStart(16, '0'), 'hex');
  const spans = Array.from({ length: count }, (_, i) => ({
    traceId: Buffer.from(OTLP_TEST_TRACE, 'hex'),
    spanId: id(i),
    ...(i === 0 ? {} : { parentSpanId: id(0) }),
    name: i === 0 ? 'agent' : `llm_${i % 7}`,
    startTimeUnixNano: String(1_700_000_000_000_000_000n + BigInt(i) * 1000n),
    endTimeUnixNano: String(1_700_000_000_000_000_000n + BigInt(i) * 1000n + 500n),
    attributes: [
      { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
      { key: 'gen_ai.usage.input_tokens', value: { intValue: String(i) } },
      {
        key: 'input.value',
        value: { stringValue: JSON.stringify({ messages: [{ role: 'user', content: `q${i}` }] }) },
      },
    ],
    events: [{ name: 'tick', timeUnixNano: '1700000000000000100', attributes: [] }],
    status: { code: i % 5 === 0 ? 2 : 1 },
  }));
  spans.push({ ...spans[1], traceId: Buffer.alloc(0), spanId: Buffer.alloc(0) });
  return Buffer.from(Request.encode(Request.fromObject({ resourceSpans: [{ scopeSpans: [{ spans }] }] })).finish());
}
