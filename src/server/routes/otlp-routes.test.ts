import { gzipSync, deflateRawSync } from 'node:zlib';
import protobuf from 'protobufjs';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServer, otlpJsonBody, startTrace, type TestServer } from '../test-helpers.ts';

let server: TestServer;
beforeAll(async () => {
  server = await createTestServer();
});
afterAll(() => server.close());

const TID = 'abcdef0123456789abcdef0123456789';
const ROOT = '1111111111111111';
const CHILD = '2222222222222222';
const post = (body: unknown, headers: Record<string, string> = {}) =>
  server.app.inject({
    method: 'POST',
    url: '/v1/traces',
    payload: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
    headers: { 'content-type': 'application/json', 'x-mlflow-experiment-id': '0', ...headers },
  });

const child = otlpJsonBody([
  {
    traceId: TID,
    spanId: CHILD,
    parentSpanId: ROOT,
    name: 'llm',
    startNs: '1700000000200000000',
    endNs: '1700000000900000000',
    attributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.usage.input_tokens': 10,
      'gen_ai.usage.output_tokens': 4,
      'gen_ai.request.model': 'gpt-x',
      'user.id': 'u1',
    },
  },
]);
const root = otlpJsonBody([
  {
    traceId: TID,
    spanId: ROOT,
    name: 'agent',
    startNs: '1700000000123456789',
    endNs: '1700000001123456789',
    attributes: {
      'openinference.span.kind': 'AGENT',
      'input.value': '{"messages":[{"role":"user","content":"hello"}]}',
      'output.value': 'hi!',
      'session.id': 'sess-1',
    },
    status: 2,
  },
]);

describe('OTLP JSON ingestion', () => {
  it('keeps a trace IN_PROGRESS until its root span arrives, then applies root status and previews', async () => {
    const first = await post(child);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({});
    let info = (await server.app.inject({ url: `/api/3.0/mlflow/traces/tr-${TID}` })).json().trace.trace_info;
    expect(info.state).toBe('IN_PROGRESS');
    expect(info.tags['mlflow.trace.spansLocation']).toBe('TRACKING_STORE');
    expect(info.trace_metadata['mlflow.trace.user']).toBe('u1');
    await post(root);
    await post(root); // re-sent: idempotent
    await post(child);
    info = (await server.app.inject({ url: `/api/3.0/mlflow/traces/tr-${TID}` })).json().trace.trace_info;
    expect(info).toMatchObject({
      state: 'ERROR',
      request_preview: 'hello',
      response_preview: '"hi!"',
      request_time: '2023-11-14T22:13:20.123Z',
      execution_duration: '1s',
    });
    expect(info.tags['mlflow.traceName']).toBe('agent');
    expect(info.trace_metadata['mlflow.trace.session']).toBe('sess-1');
    expect(JSON.parse(info.trace_metadata['mlflow.trace.tokenUsage'])).toEqual({
      input_tokens: 10,
      output_tokens: 4,
      total_tokens: 14,
    });
  });

  it('serves spans as OTel proto JSON (GetTrace) and as span dicts (get-trace-artifact)', async () => {
    const got = await server.app.inject({ url: `/ajax-api/3.0/mlflow/traces/get?trace_id=tr-${TID}` });
    expect(got.statusCode).toBe(200);
    // Nanoseconds stay exact on the wire (JSON numbers beyond 2^53).
    expect(got.body).toContain('"start_time_unix_nano":1700000000123456789');
    const spans = got.json().trace.spans;
    expect(spans).toHaveLength(2);
    expect(spans[0].name).toBe('agent');
    expect(spans[0].parent_span_id).toBeUndefined();
    expect(spans[0].trace_id).toBe(Buffer.from(TID, 'hex').toString('base64'));
    expect(spans[0].status).toEqual({ code: 'STATUS_CODE_ERROR' });
    const attrs = Object.fromEntries(spans[1].attributes.map((a: { key: string; value: unknown }) => [a.key, a.value]));
    expect(attrs['mlflow.spanType']).toEqual({ string_value: 'CHAT_MODEL' });
    expect(attrs['mlflow.llm.model']).toEqual({ string_value: 'gpt-x' });
    expect(attrs['gen_ai.usage.input_tokens']).toEqual({ int_value: 10 });

    const artifact = await server.app.inject({ url: `/ajax-api/2.0/mlflow/get-trace-artifact?request_id=tr-${TID}` });
    expect(artifact.headers['content-disposition']).toBe('attachment; filename=traces.json');
    expect(artifact.headers['content-type']).toMatch(/^text\/plain/);
    const file = JSON.parse(artifact.body);
    expect(file.spans[0].parent_span_id).toBeNull();
    expect(JSON.parse(file.spans[0].attributes['mlflow.spanType'])).toBe('AGENT');
    expect(JSON.parse(file.spans[0].attributes['mlflow.spanInputs'])).toEqual({
      messages: [{ role: 'user', content: 'hello' }],
    });
    const batch = await server.app.inject({
      url: `/api/3.0/mlflow/traces/batchGet?trace_ids=tr-${TID}&trace_ids=tr-none`,
    });
    expect(batch.json().traces).toHaveLength(1);
    const missing = await server.app.inject({ url: '/ajax-api/3.0/mlflow/get-trace-artifact' });
    expect(missing.json()).toEqual({
      error_code: 'BAD_REQUEST',
      message: 'Request must include the "request_id" query parameter.',
    });
  });

  it('keeps the spans location and span previews when StartTraceV3 comes after OTLP', async () => {
    const body = await startTrace(server.app, {
      traceId: `tr-${TID}`,
      startMs: 1700000000123,
      durationMs: 1000,
      state: 'ERROR',
      tags: { 'mlflow.trace.spansLocation': 'ARTIFACT_REPO' },
    });
    const info = (body.trace as { trace_info: { tags: Record<string, string>; request_preview: string } }).trace_info;
    expect(info.tags['mlflow.trace.spansLocation']).toBe('TRACKING_STORE');
    expect(info.request_preview).toBe('hello');
  });

  it('sums span mlflow.llm.cost into mlflow.trace.cost across batches, idempotent on resend', async () => {
    const tid = 'd'.repeat(32);
    const span = (spanId: string, cost: Record<string, number>, parentSpanId?: string) =>
      otlpJsonBody([
        {
          traceId: tid,
          spanId,
          parentSpanId,
          name: spanId,
          startNs: '1700000000000000000',
          endNs: '1700000000100000000',
          attributes: { 'mlflow.llm.cost': JSON.stringify(cost) },
        },
      ]);
    const costOf = async () => {
      const info = (await server.app.inject({ url: `/api/3.0/mlflow/traces/tr-${tid}` })).json().trace.trace_info;
      return JSON.parse(info.trace_metadata['mlflow.trace.cost']);
    };
    await post(span('1'.repeat(16), { input_cost: 0.1, output_cost: 0.2, total_cost: 0.3 }));
    expect(await costOf()).toEqual({ input_cost: 0.1, output_cost: 0.2, total_cost: 0.3 });
    const second = span('2'.repeat(16), { input_cost: 0.2, output_cost: 0.1, total_cost: 0.3 }, '1'.repeat(16));
    await post(second);
    await post(second); // a retry replaces the span's contribution instead of adding it again
    expect(await costOf()).toEqual({ input_cost: 0.3, output_cost: 0.3, total_cost: 0.6 });
  });

  it('stores a request of many traces as separate requests would (new and known traces, a span sent twice)', async () => {
    const hex = (prefix: string, i: number, width: number) => `${prefix}${i.toString(16).padStart(width - 1, '0')}`;
    const known = hex('e', 999, 32);
    // A trace that exists before the request: its usage sum must grow, not restart.
    await post(
      otlpJsonBody([
        {
          traceId: known,
          spanId: hex('a', 1, 16),
          name: 'agent',
          startNs: '1700000000000000000',
          endNs: '1700000001000000000',
          attributes: { 'gen_ai.usage.input_tokens': 5 },
        },
      ]),
    );
    const spans = [];
    // 70 new traces of 2 spans: more than one 64-row chunk of span upserts, and a remainder.
    for (let i = 0; i < 70; i++) {
      const traceId = hex('f', i, 32);
      spans.push(
        {
          traceId,
          spanId: hex('b', i, 16),
          name: `root-${i}`,
          startNs: '1700000000000000000',
          endNs: '1700000002000000000',
        },
        {
          traceId,
          spanId: hex('c', i, 16),
          parentSpanId: hex('b', i, 16),
          name: 'llm',
          startNs: '1700000000500000000',
          endNs: '1700000001000000000',
          attributes: { 'gen_ai.usage.input_tokens': i, 'session.id': `s-${i}` },
        },
      );
    }
    const twice = {
      traceId: known,
      spanId: hex('d', 2, 16),
      parentSpanId: hex('a', 1, 16),
      startNs: '1700000000100000000',
      endNs: '1700000000200000000',
    };
    spans.push(
      { ...twice, name: 'first copy', attributes: { 'gen_ai.usage.input_tokens': 100 } },
      { ...twice, name: 'last copy', attributes: { 'gen_ai.usage.input_tokens': 7 } },
    );
    expect((await post(otlpJsonBody(spans))).statusCode).toBe(200);

    const trace = async (traceId: string) =>
      (await server.app.inject({ url: `/api/3.0/mlflow/traces/tr-${traceId}` })).json().trace;
    const usage = (t: { trace_info: { trace_metadata: Record<string, string> } }) =>
      JSON.parse(t.trace_info.trace_metadata['mlflow.trace.tokenUsage']).input_tokens;
    for (const i of [0, 63, 64, 69]) {
      const t = await trace(hex('f', i, 32));
      expect(t.trace_info.state).toBe('OK');
      expect(t.trace_info.tags['mlflow.traceName']).toBe(`root-${i}`);
      expect(t.trace_info.tags['mlflow.trace.spansLocation']).toBe('TRACKING_STORE');
      expect(t.trace_info.trace_metadata['mlflow.trace.session']).toBe(`s-${i}`);
      expect(usage(t)).toBe(i);
      const artifact = await server.app.inject({
        url: `/ajax-api/2.0/mlflow/get-trace-artifact?request_id=tr-${hex('f', i, 32)}`,
      });
      expect(artifact.json().spans.map((s: { name: string }) => s.name)).toEqual([`root-${i}`, 'llm']);
    }
    const k = await trace(known);
    // 5 stored before, plus the twice-sent span counted once, as its last copy.
    expect(usage(k)).toBe(12);
    const artifact = await server.app.inject({ url: `/ajax-api/2.0/mlflow/get-trace-artifact?request_id=tr-${known}` });
    expect(artifact.json().spans.map((s: { name: string }) => s.name)).toEqual(['agent', 'last copy']);
  });

  it('keeps the OTLP start time and duration when a StartTraceV3 upsert omits them', async () => {
    const tid = 'c'.repeat(32);
    await post(
      otlpJsonBody([
        {
          traceId: tid,
          spanId: '7'.repeat(16),
          name: 'root',
          startNs: '1700000000250000000',
          endNs: '1700000001750000000',
        },
      ]),
    );
    const upsert = await server.app.inject({
      method: 'POST',
      url: '/api/3.0/mlflow/traces',
      payload: {
        trace: {
          trace_info: {
            trace_id: `tr-${tid}`,
            trace_location: { mlflow_experiment: { experiment_id: '0' } },
            state: 'OK',
          },
        },
      },
    });
    expect(upsert.statusCode).toBe(200);
    const info = (await server.app.inject({ url: `/api/3.0/mlflow/traces/tr-${tid}` })).json().trace.trace_info;
    expect(info).toMatchObject({ request_time: '2023-11-14T22:13:20.250Z', execution_duration: '1.500s', state: 'OK' });
  });

  it('uses mlflow.traceRequestId when present and reports partial success for bad spans', async () => {
    const body = otlpJsonBody([
      {
        traceId: '0'.repeat(31) + '1',
        spanId: '3'.repeat(16),
        name: 'r',
        startNs: '1',
        endNs: '2',
        attributes: { 'mlflow.traceRequestId': '"tr-custom"' },
      },
      { traceId: '', spanId: '', name: 'bad', startNs: '1', endNs: '2' },
    ]);
    const response = await post(body);
    expect(response.statusCode).toBe(200);
    expect(response.json().partialSuccess.rejectedSpans).toBe('1');
    expect((await server.app.inject({ url: '/api/3.0/mlflow/traces/tr-custom' })).statusCode).toBe(200);
  });

  it('accepts gzip and raw deflate', async () => {
    const tid = 'f'.repeat(32);
    const body = JSON.stringify(
      otlpJsonBody([{ traceId: tid, spanId: '4'.repeat(16), name: 'z', startNs: '10', endNs: '20' }]),
    );
    expect((await post(gzipSync(body), { 'content-encoding': 'gzip' })).statusCode).toBe(200);
    expect((await post(deflateRawSync(body), { 'content-encoding': 'deflate' })).statusCode).toBe(200);
    const bad = await post(body, { 'content-encoding': 'br' });
    expect(bad.json()).toEqual({
      detail: 'Unsupported Content-Encoding: br',
      error_code: 'INVALID_PARAMETER_VALUE',
      message: 'Unsupported Content-Encoding: br',
    });
  });

  it("answers errors in FastAPI's shape", async () => {
    const noHeader = await server.app.inject({
      method: 'POST',
      url: '/v1/traces',
      payload: root,
      headers: { 'content-type': 'application/json' },
    });
    expect(noHeader.statusCode).toBe(422);
    expect(noHeader.json().detail[0].loc).toEqual(['header', 'x-mlflow-experiment-id']);
    expect(noHeader.json()).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE', message: expect.any(String) });
    expect((await post('{not json')).json()).toEqual({
      detail: 'Invalid OpenTelemetry format',
      error_code: 'INVALID_PARAMETER_VALUE',
      message: 'Invalid OpenTelemetry format',
    });
    expect((await post({})).json()).toEqual({
      detail: 'Invalid OpenTelemetry format - no spans found',
      error_code: 'INVALID_PARAMETER_VALUE',
      message: 'Invalid OpenTelemetry format - no spans found',
    });
    const allBad = await post(otlpJsonBody([{ traceId: '', spanId: '', name: 'bad', startNs: '1', endNs: '2' }]));
    expect(allBad.statusCode).toBe(422);
    const type = await post(root, { 'content-type': 'text/plain' });
    expect(type.json().detail).toMatch(/^Invalid Content-Type: text\/plain/);
    const exp = await post(root, { 'x-mlflow-experiment-id': '424242' });
    expect(exp.statusCode).toBe(404);
    expect(exp.json().error_code).toBe('RESOURCE_DOES_NOT_EXIST');
    const huge = await post(gzipSync(Buffer.alloc(21 * 1024 * 1024, 32)), { 'content-encoding': 'gzip' });
    expect(huge.statusCode).toBe(413);
  });
});

describe('OTLP protobuf ingestion', () => {
  it('decodes protobuf and answers with an empty protobuf response', async () => {
    const protoRoot = protobuf.parse(readFileSync(new URL('../otlp/otlp-trace.proto', import.meta.url), 'utf8')).root;
    const Request = protoRoot.lookupType('opentelemetry.proto.ExportTraceServiceRequest');
    const tid = Buffer.from('0123456789abcdef0123456789abcdef', 'hex');
    const message = Request.fromObject({
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                {
                  traceId: tid,
                  spanId: Buffer.from('5555555555555555', 'hex'),
                  name: 'proto-root',
                  startTimeUnixNano: '1700000000000000001',
                  endTimeUnixNano: '1700000000500000001',
                  attributes: [{ key: 'traceloop.span.kind', value: { stringValue: 'workflow' } }],
                  status: { code: 1 },
                },
              ],
            },
          ],
        },
      ],
    });
    const response = await server.app.inject({
      method: 'POST',
      url: '/v1/traces',
      payload: Buffer.from(Request.encode(message).finish()),
      headers: { 'content-type': 'application/x-protobuf', 'x-mlflow-experiment-id': '0' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/x-protobuf');
    expect(response.rawPayload.length).toBe(0);
    const got = await server.app.inject({
      url: '/api/3.0/mlflow/traces/get?trace_id=tr-0123456789abcdef0123456789abcdef',
    });
    expect(got.body).toContain('"end_time_unix_nano":1700000000500000001');
    expect(got.json().trace.trace_info).toMatchObject({ state: 'OK', tags: { 'mlflow.traceName': 'proto-root' } });
    expect(got.json().trace.spans[0].attributes).toContainEqual({
      key: 'mlflow.spanType',
      value: { string_value: 'WORKFLOW' },
    });
  });
});

describe('traces.json upload (MLflow TypeScript SDK)', () => {
  it("stores uploaded spans as the trace's spans and serves them back", async () => {
    await startTrace(server.app, { traceId: 'tr-ts-sdk', startMs: 1_700_000_000_000, durationMs: 5 });
    const file = {
      spans: [
        {
          trace_id: Buffer.from('9'.repeat(32), 'hex').toString('base64'),
          span_id: Buffer.from('6'.repeat(16), 'hex').toString('base64'),
          parent_span_id: '',
          name: 'ts-root',
          start_time_unix_nano: 1700000000000000000,
          end_time_unix_nano: 1700000000005000000,
          status: { code: 'STATUS_CODE_OK', message: '' },
          attributes: { 'mlflow.spanType': '"CHAIN"', 'mlflow.spanInputs': '{"q":1}' },
          events: [],
        },
      ],
    };
    const put = await server.app.inject({
      method: 'PUT',
      url: '/api/2.0/mlflow-artifacts/artifacts/0/traces/tr-ts-sdk/artifacts/traces.json',
      payload: JSON.stringify(file),
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(put.statusCode).toBe(200);
    const get = await server.app.inject({
      url: '/api/2.0/mlflow-artifacts/artifacts/0/traces/tr-ts-sdk/artifacts/traces.json',
    });
    expect(JSON.parse(get.body).spans[0]).toMatchObject({ name: 'ts-root', parent_span_id: null });
    const trace = await server.app.inject({ url: '/api/3.0/mlflow/traces/get?trace_id=tr-ts-sdk' });
    expect(trace.json().trace.spans[0]).toMatchObject({ name: 'ts-root', status: { code: 'STATUS_CODE_OK' } });
    const bad = await server.app.inject({
      method: 'PUT',
      url: '/api/2.0/mlflow-artifacts/artifacts/0/traces/tr-ts-sdk/artifacts/traces.json',
      payload: 'nope',
    });
    expect(bad.statusCode).toBe(400);
  });
});
