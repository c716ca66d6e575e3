// The spans-per-trace cap at both span-writing routes, on a real app with a cap of 5.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServer, otlpJsonBody, startTrace, type OtlpTestSpan, type TestServer } from '../test-helpers.ts';

let server: TestServer;
beforeAll(async () => {
  server = await createTestServer({ app: { maxSpansPerTrace: 5 } });
});
afterAll(() => server.close());

const A = 'a'.repeat(32);
const B = 'b'.repeat(32);
const C = 'c'.repeat(32);
const spans = (traceId: string, from: number, count: number): OtlpTestSpan[] =>
  Array.from({ length: count }, (_, i) => ({
    traceId,
    spanId: (from + i).toString(16).padStart(16, '0'),
    name: `s${from + i}`,
    startNs: String(1_700_000_000_000_000_000n + BigInt(from + i)),
    endNs: String(1_700_000_000_000_000_000n + BigInt(from + i + 1)),
  }));
const post = (body: unknown) =>
  server.app.inject({
    method: 'POST',
    url: '/v1/traces',
    payload: JSON.stringify(body),
    headers: { 'content-type': 'application/json', 'x-mlflow-experiment-id': '0' },
  });
const storedSpans = async (traceId: string) => (await server.store.spanCounts([`tr-${traceId}`])).get(`tr-${traceId}`);

describe('spans per trace cap', () => {
  it('admits spans up to the cap and names what OTLP partial success refused', async () => {
    expect((await post(otlpJsonBody(spans(A, 1, 3)))).json()).toEqual({});
    const response = await post(otlpJsonBody([...spans(A, 4, 4), ...spans(B, 1, 2)]));
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      partialSuccess: {
        rejectedSpans: '2',
        errorMessage: `2 span(s) refused: trace 'tr-${A}' reached the limit of 5 spans per trace (--max-spans-per-trace).`,
      },
    });
    expect(await storedSpans(A)).toBe(5);
    expect(await storedSpans(B)).toBe(2);
    // A batch whose every span is refused is still a 200 with partial success, so exporters do not retry it.
    const full = await post(otlpJsonBody(spans(A, 20, 1)));
    expect([full.statusCode, full.json().partialSuccess.rejectedSpans]).toEqual([200, '1']);
    expect(await storedSpans(A)).toBe(5);
  });

  it('does not let concurrent requests overshoot the cap together', async () => {
    const responses = await Promise.all([
      post(otlpJsonBody(spans(C, 1, 4))),
      post(otlpJsonBody(spans(C, 11, 4))),
      post(otlpJsonBody(spans(C, 21, 4))),
    ]);
    const refused = responses.reduce((n, r) => n + Number(r.json().partialSuccess?.rejectedSpans ?? 0), 0);
    expect(refused).toBe(7);
    expect(await storedSpans(C)).toBe(5);
  });

  it('refuses a traces.json upload over the cap with a 400', async () => {
    await startTrace(server.app, { traceId: 'tr-upload', startMs: 1_700_000_000_000 });
    const file = (n: number) => ({
      spans: Array.from({ length: n }, (_, i) => ({
        trace_id: Buffer.from('9'.repeat(32), 'hex').toString('base64'),
        span_id: Buffer.from((i + 1).toString(16).padStart(16, '0'), 'hex').toString('base64'),
        parent_span_id: '',
        name: `s${i}`,
        start_time_unix_nano: 1700000000000000000 + i,
        end_time_unix_nano: 1700000000005000000,
        status: { code: 'STATUS_CODE_OK', message: '' },
        attributes: {},
        events: [],
      })),
    });
    const put = (n: number) =>
      server.app.inject({
        method: 'PUT',
        url: '/api/2.0/mlflow-artifacts/artifacts/0/traces/tr-upload/artifacts/traces.json',
        payload: JSON.stringify(file(n)),
        headers: { 'content-type': 'application/octet-stream' },
      });
    const over = await put(6);
    expect(over.statusCode).toBe(400);
    expect(over.json()).toEqual({
      error_code: 'INVALID_PARAMETER_VALUE',
      message: 'traces.json holds 6 spans; this server keeps at most 5 spans per trace (--max-spans-per-trace).',
    });
    expect(await server.store.spanCounts(['tr-upload'])).toEqual(new Map());
    expect((await put(5)).statusCode).toBe(200);
    expect(await server.store.spanCounts(['tr-upload'])).toEqual(new Map([['tr-upload', 5]]));
  });
});
