// POST /v1/traces gives the same answers and stores the same trace whether a body was decoded on
// the event loop or in a decode thread (otlp/decode-pool.ts), on either engine.
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
      });
      expect((await post(server, Buffer.from([0xff, 0xff, 0xff]))).json()).toEqual({
        detail: 'Invalid OpenTelemetry format',
      });
      const noSpans = await post(server, '{}', 'application/json');
      expect(noSpans.statusCode).toBe(400);
      expect(noSpans.json()).toEqual({ detail: 'Invalid OpenTelemetry format - no spans found' });
      const allBad = JSON.stringify({
        resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: '', spanId: '', name: 'bad' }] }] }],
      });
      expect((await post(server, allBad, 'application/json')).statusCode).toBe(422);
    }
  });
});
