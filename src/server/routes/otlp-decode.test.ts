// POST /v1/traces gives the same answers and stores the same trace whether a body was decoded on
// the event loop or in a decode thread (otlp/decode-pool.ts), on either engine.
import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OTLP_TEST_TRACE as TRACE, otlpTestRequest as request } from '../otlp/otlp-test-request.ts';
import { createTestServer, type TestServer } from '../test-helpers.ts';

describe('POST /v1/traces through the decode pool', () => {
  let inline: TestServer;
  let threaded: TestServer;
  beforeAll(async () => {
    inline = await createTestServer();
    // Every body goes to a decode thread.
    threaded = await createTestServer({ app: { decodeInlineBytes: 0 } });
  });
  afterAll(async () => {
    await inline.close();
    await threaded.close();
  });

  const post = (server: TestServer, payload: Buffer | string, type = 'application/x-protobuf') =>
    server.app.inject({
      method: 'POST',
      url: '/v1/traces',
      payload,
      headers: { 'content-type': type, 'x-mlflow-experiment-id': '0' },
    });
  const stored = async (server: TestServer) => {
    const got = await server.app.inject({ url: `/api/3.0/mlflow/traces/get?trace_id=tr-${TRACE}` });
    expect(got.statusCode).toBe(200);
    return got.json().trace as { trace_info: object; spans: unknown[] };
  };

  it('stores the same spans and answers the same partial success as inline decoding', async () => {
    const answers = [await post(inline, request(500)), await post(threaded, request(500))];
    for (const answer of answers) expect(answer.statusCode).toBe(200);
    // Partial success for the span without ids, in protobuf.
    expect(answers[0].rawPayload.length).toBeGreaterThan(0);
    expect(answers[1].rawPayload).toEqual(answers[0].rawPayload);
    const [a, b] = [await stored(inline), await stored(threaded)];
    expect(b.spans).toHaveLength(500);
    expect(b.spans).toEqual(a.spans);
    expect(b.trace_info).toEqual(a.trace_info);
  });

  it("answers undecodable bodies with the route's 400 and 422", async () => {
    for (const server of [inline, threaded]) {
      expect((await post(server, '{not json', 'application/json')).json()).toEqual({
        detail: 'Invalid OpenTelemetry format',
        error_code: 'INVALID_PARAMETER_VALUE',
        message: 'Invalid OpenTelemetry format',
      });
      expect((await post(server, Buffer.from([0xff, 0xff, 0xff]))).json()).toEqual({
        detail: 'Invalid OpenTelemetry format',
        error_code: 'INVALID_PARAMETER_VALUE',
        message: 'Invalid OpenTelemetry format',
      });
      const noSpans = await post(server, '{}', 'application/json');
      expect(noSpans.statusCode).toBe(400);
      expect(noSpans.json()).toEqual({
        detail: 'Invalid OpenTelemetry format - no spans found',
        error_code: 'INVALID_PARAMETER_VALUE',
        message: 'Invalid OpenTelemetry format - no spans found',
      });
      const allBad = JSON.stringify({
        resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: '', spanId: '', name: 'bad' }] }] }],
      });
      expect((await post(server, allBad, 'application/json')).statusCode).toBe(422);
    }
  });
});

const OtlpRequest = protobuf
  .parse(readFileSync(new URL('../otlp/otlp-trace.proto', import.meta.url), 'utf8'))
  .root.lookupType('opentelemetry.proto.ExportTraceServiceRequest');
const BIG_TRACES = ['aa', 'bb', 'cc'].map((b) => b.repeat(16));

/**
 * 6,000 spans of three interleaved traces (several packed chunks: storage/packed-spans.ts), with token usage and
 * a model (derived costs), one root per trace in the middle of its spans, and early spans of the first trace
 * sent again later in the body with other names and usage (a re-sent span across chunks).
 */
function bigRequest(): Buffer {
  const id = (i: number) => Buffer.from((i + 1).toString(16).padStart(16, '0'), 'hex');
  const span = (i: number, resent = false) => {
    const trace = i % 3;
    const root = i === 3000 + trace;
    return {
      traceId: Buffer.from(BIG_TRACES[trace], 'hex'),
      spanId: id(i),
      ...(root ? {} : { parentSpanId: id(3000 + trace) }),
      name: resent ? `again_${i}` : root ? `agent_${trace}` : `llm_${i % 11}`,
      startTimeUnixNano: String(1_700_000_000_000_000_000n + BigInt(i) * 1000n),
      endTimeUnixNano: String(1_700_000_000_000_000_000n + BigInt(i) * 1000n + 500n),
      attributes: [
        { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
        { key: 'gen_ai.request.model', value: { stringValue: 'gpt-4.1' } },
        { key: 'gen_ai.usage.input_tokens', value: { intValue: String(resent ? 1000 + i : i) } },
        { key: 'gen_ai.usage.output_tokens', value: { intValue: '7' } },
        ...(root ? [{ key: 'session.id', value: { stringValue: `session-${trace}` } }] : []),
      ],
      status: { code: i % 13 === 0 ? 2 : 1 },
    };
  };
  const spans = Array.from({ length: 6000 }, (_, i) => span(i));
  // In the second chunk, before the span cap's limit of that trace: stored, over copies stored by the first.
  spans.splice(2500, 0, ...Array.from({ length: 10 }, (_, k) => span(3 * k, true)));
  return Buffer.from(
    OtlpRequest.encode(OtlpRequest.fromObject({ resourceSpans: [{ scopeSpans: [{ spans }] }] })).finish(),
  );
}

describe('a large body, packed by a decode thread and stored a chunk at a time', () => {
  it('stores the same rows as the whole batch decoded on the event loop, span cap included', async () => {
    // The cap refuses part of the first trace (2,010 spans sent, 1,500 kept), so its limit crosses chunks.
    const options = (decodeInlineBytes: number) => ({ app: { decodeInlineBytes, maxSpansPerTrace: 1500 } });
    const inline = await createTestServer(options(Number.POSITIVE_INFINITY));
    const packed = await createTestServer(options(0));
    try {
      const body = bigRequest();
      const answers = [];
      for (const server of [inline, packed]) {
        const res = await server.app.inject({
          method: 'POST',
          url: '/v1/traces',
          payload: body,
          headers: { 'content-type': 'application/x-protobuf', 'x-mlflow-experiment-id': '0' },
        });
        expect(res.statusCode).toBe(200);
        answers.push(res.rawPayload);
      }
      // The same partial success: 3 × (2,000 + 10 re-sent in the first) − 3 × 1,500 refused by the cap.
      expect(answers[1]).toEqual(answers[0]);
      expect(answers[0].toString('latin1')).toContain('1510 span(s) refused');
      for (const hex of BIG_TRACES) {
        const get = async (server: TestServer) => {
          const got = await server.app.inject({ url: `/api/3.0/mlflow/traces/get?trace_id=tr-${hex}` });
          expect(got.statusCode).toBe(200);
          return got.json().trace as { trace_info: Record<string, unknown>; spans: unknown[] };
        };
        const [a, b] = [await get(inline), await get(packed)];
        expect(b.spans.length).toBeGreaterThan(0);
        expect(b.spans).toEqual(a.spans);
        // A float sum added up chunk by chunk may differ from the whole batch's in its last digit (as two
        // requests' would); every other field is equal.
        const [costA, costB] = [a, b].map((t) => {
          const metadata = t.trace_info.trace_metadata as Record<string, string>;
          const cost = JSON.parse(metadata['mlflow.trace.cost']) as Record<string, number>;
          delete metadata['mlflow.trace.cost'];
          return cost;
        });
        expect(Object.keys(costB)).toEqual(Object.keys(costA));
        for (const key of Object.keys(costA)) expect(costB[key]).toBeCloseTo(costA[key], 12);
        expect(costA.total_cost).toBeGreaterThan(0);
        expect(b.trace_info).toEqual(a.trace_info);
      }
    } finally {
      await inline.close();
      await packed.close();
    }
  }, 120_000);
});
