// A round trip with the real OpenTelemetry JS SDK and its OTLP/HTTP protobuf exporter into a
// listening server, then MLflow-style search by session and span read-back.
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { SpanStatusCode, context, trace } from '@opentelemetry/api';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExperiment, createTestServer, type TestServer } from './test-helpers.ts';

let server: TestServer;
let baseUrl: string;
beforeAll(async () => {
  server = await createTestServer();
  await server.app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}`;
});
afterAll(() => server.close());

describe('OpenTelemetry JS SDK round trip', () => {
  it('exports spans over OTLP protobuf, then finds the trace by session and reads its spans', async () => {
    const experimentId = await createExperiment(server.app, 'otel-sdk');
    const exporter = new OTLPTraceExporter({
      url: `${baseUrl}/v1/traces`,
      headers: { 'x-mlflow-experiment-id': experimentId },
    });
    const provider = new NodeTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'roundtrip' }),
      spanProcessors: [new BatchSpanProcessor(exporter, { maxExportBatchSize: 512, scheduledDelayMillis: 50 })],
    });
    const tracer = provider.getTracer('roundtrip-test');
    const root = tracer.startSpan('answer-question', {
      attributes: {
        'session.id': 'conv-42',
        'user.id': 'alice',
        'openinference.span.kind': 'CHAIN',
        'input.value': 'What is OTLP?',
      },
    });
    const ctx = trace.setSpan(context.active(), root);
    const llm = tracer.startSpan(
      'chat gpt-x',
      {
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.request.model': 'gpt-x',
          'gen_ai.usage.input_tokens': 12,
          'gen_ai.usage.output_tokens': 30,
        },
      },
      ctx,
    );
    llm.setStatus({ code: SpanStatusCode.OK });
    llm.end();
    const tool = tracer.startSpan('search-docs', { attributes: { 'gen_ai.operation.name': 'execute_tool' } }, ctx);
    tool.recordException(new Error('index offline'));
    tool.setStatus({ code: SpanStatusCode.ERROR, message: 'index offline' });
    tool.end();
    root.setAttribute('output.value', 'A protocol.');
    root.end();
    await provider.forceFlush();
    await provider.shutdown();

    const otelTraceId = root.spanContext().traceId;
    const response = await fetch(`${baseUrl}/api/3.0/mlflow/traces/search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } }],
        filter: "metadata.`mlflow.trace.session` = 'conv-42'",
      }),
    });
    const found = (await response.json()) as {
      traces: {
        trace_id: string;
        state: string;
        tags: Record<string, string>;
        trace_metadata: Record<string, string>;
        request_preview?: string;
      }[];
    };
    expect(found.traces).toHaveLength(1);
    const info = found.traces[0];
    expect(info.trace_id).toBe(`tr-${otelTraceId}`);
    expect(info.state).toBe('OK');
    expect(info.tags['mlflow.traceName']).toBe('answer-question');
    expect(info.trace_metadata['mlflow.trace.user']).toBe('alice');
    expect(JSON.parse(info.trace_metadata['mlflow.trace.tokenUsage'])).toMatchObject({
      input_tokens: 12,
      output_tokens: 30,
      total_tokens: 42,
    });
    expect(info.request_preview).toBe('"What is OTLP?"');

    const got = await fetch(`${baseUrl}/api/3.0/mlflow/traces/get?trace_id=${info.trace_id}`);
    const spans = (
      (await got.json()) as {
        trace: {
          spans: {
            name: string;
            status: { code?: string };
            events: { name: string }[];
            attributes: { key: string; value: { string_value?: string } }[];
          }[];
        };
      }
    ).trace.spans;
    expect(spans[0].name).toBe('answer-question');
    expect(spans.map((s) => s.name).sort()).toEqual(['answer-question', 'chat gpt-x', 'search-docs']);
    const byName = (name: string) => spans.find((s) => s.name === name)!;
    const type = (name: string) => byName(name).attributes.find((a) => a.key === 'mlflow.spanType')?.value.string_value;
    expect([type('answer-question'), type('chat gpt-x'), type('search-docs')]).toEqual(['CHAIN', 'CHAT_MODEL', 'TOOL']);
    expect(byName('search-docs').status.code).toBe('STATUS_CODE_ERROR');
    expect(byName('search-docs').events[0].name).toBe('exception');

    const bySpan = await fetch(`${baseUrl}/api/3.0/mlflow/traces/search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        locations: [{ mlflow_experiment: { experiment_id: experimentId } }],
        filter: "span.type = 'TOOL' AND span.status = 'ERROR'",
      }),
    });
    expect(((await bySpan.json()) as { traces: unknown[] }).traces).toHaveLength(1);
  });
});
