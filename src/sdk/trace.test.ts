import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { METADATA, SPAN_ATTRIBUTES, TAGS } from '../core/model.ts';
import { createMemoryTransport, type MemoryTransport } from './memory-transport.ts';
import { flush, getCurrentSpan, init, startSpan, trace, updateCurrentTrace, withSpan } from './index.ts';

let transport: MemoryTransport;

beforeEach(() => {
  transport = createMemoryTransport();
  init({ trackingUri: 'http://unused.invalid', experimentId: '7', transport, scheduleDelayMs: 1 });
});

afterEach(() => {
  vi.restoreAllMocks();
});

const attr = (span: ReadableSpan, key: string): unknown => {
  const value = span.attributes[key];
  return typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
};
const byName = (name: string) => {
  const span = transport.spans.find((s) => s.name === name);
  if (!span) throw new Error(`no span ${name}`);
  return span;
};

describe('trace()', () => {
  it('records inputs by parameter name, outputs, type and the MLflow trace id on every span', async () => {
    const add = trace((a: number, b: number) => a + b, { name: 'add', spanType: 'TOOL' });
    expect(add(2, 3)).toBe(5);
    await flush();
    const span = byName('add');
    expect(attr(span, SPAN_ATTRIBUTES.inputs)).toEqual({ a: 2, b: 3 });
    expect(attr(span, SPAN_ATTRIBUTES.outputs)).toBe(5);
    expect(attr(span, SPAN_ATTRIBUTES.spanType)).toBe('TOOL');
    expect(attr(span, SPAN_ATTRIBUTES.traceRequestId)).toBe(`tr-${span.spanContext().traceId}`);
    // The raw attribute is JSON text, as MLflow's readers expect (§2.3a).
    expect(span.attributes[SPAN_ATTRIBUTES.spanType]).toBe('"TOOL"');
    const [info] = transport.infos;
    expect(info.trace_id).toBe(`tr-${span.spanContext().traceId}`);
    expect(info.state).toBe('OK');
    expect(info.tags[TAGS.traceName]).toBe('add');
    expect(info.trace_location.mlflow_experiment?.experiment_id).toBe('7');
    expect(info.trace_metadata[METADATA.schemaVersion]).toBe('3');
    expect(JSON.parse(info.trace_metadata[METADATA.sizeStats])).toMatchObject({ num_spans: 1 });
  });

  it('nests calls, including across await, and keeps concurrent traces apart', async () => {
    const retrieve = trace(
      async function retrieve(query: string) {
        await new Promise((r) => setTimeout(r, 5));
        return [`doc about ${query}`];
      },
      { spanType: 'RETRIEVER' },
    );
    const answer = trace(
      async function answer(question: string) {
        const docs = await retrieve(question);
        await new Promise((r) => setTimeout(r, 1));
        return `${question}: ${docs.length}`;
      },
      { spanType: 'AGENT' },
    );

    await Promise.all([answer('cats'), answer('dogs')]);
    await flush();
    expect(transport.infos).toHaveLength(2);
    for (const info of transport.infos) {
      const otelId = info.trace_id.slice(3);
      const spans = transport.spans.filter((s) => s.spanContext().traceId === otelId);
      expect(spans.map((s) => s.name).sort()).toEqual(['answer', 'retrieve']);
      const root = spans.find((s) => s.name === 'answer');
      const child = spans.find((s) => s.name === 'retrieve');
      expect(child?.parentSpanContext?.spanId).toBe(root?.spanContext().spanId);
      const { question } = attr(root as ReadableSpan, SPAN_ATTRIBUTES.inputs) as { question: string };
      expect(attr(child as ReadableSpan, SPAN_ATTRIBUTES.inputs)).toEqual({ query: question });
    }
  });

  it('records a thrown error as ERROR status with an exception event and rethrows it', async () => {
    const fail = trace(function fail() {
      throw new TypeError('boom');
    });
    expect(() => fail()).toThrow('boom');
    const failAsync = trace(async function failAsync() {
      await Promise.resolve();
      throw new Error('async boom');
    });
    await expect(failAsync()).rejects.toThrow('async boom');
    await flush();
    for (const [name, message] of [
      ['fail', 'boom'],
      ['failAsync', 'async boom'],
    ]) {
      const span = byName(name);
      expect(span.status).toMatchObject({ code: 2, message });
      const event = span.events.find((e) => e.name === 'exception');
      expect(event?.attributes?.['exception.message']).toBe(message);
    }
    expect(transport.infos.map((i) => i.state)).toEqual(['ERROR', 'ERROR']);
  });
});

describe('updateCurrentTrace()', () => {
  it('sets client request id, user, session, custom metadata and tags; app values override automatic ones', async () => {
    const handle = trace(async function handle(message: string) {
      await Promise.resolve();
      updateCurrentTrace({
        clientRequestId: 'req-1',
        metadata: {
          [METADATA.user]: 'u-1',
          [METADATA.session]: 's-1',
          app_version: '1.2.0',
          [METADATA.sourceType]: 'JOB',
        },
        tags: { tier: 'gold' },
      });
      return { role: 'assistant', content: `echo ${message}` };
    });
    await handle('hello');
    await flush();
    const [info] = transport.infos;
    expect(info.client_request_id).toBe('req-1');
    expect(info.trace_metadata).toMatchObject({
      [METADATA.user]: 'u-1',
      [METADATA.session]: 's-1',
      app_version: '1.2.0',
      [METADATA.sourceType]: 'JOB',
    });
    expect(info.tags).toMatchObject({ tier: 'gold', [TAGS.traceName]: 'handle' });
    expect(info.request_preview).toBe('{"message":"hello"}');
    expect(info.response_preview).toBe('echo hello');
  });

  it('outside a trace is a no-op with a warning', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(() => updateCurrentTrace({ metadata: { a: 'b' } })).not.toThrow();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('outside an active trace'));
    expect(getCurrentSpan()).toBeUndefined();
  });
});

describe('manual spans', () => {
  it('accept explicit times, chat previews and sum token usage over LLM spans', async () => {
    const start = Date.parse('2025-01-02T03:04:05.000Z');
    const root = startSpan({
      name: 'chat',
      spanType: 'AGENT',
      startTimeMs: start,
      inputs: {
        messages: [
          { role: 'system', content: 'be nice' },
          { role: 'user', content: 'hi there' },
        ],
      },
    });
    for (const [i, usage] of [
      [0, { input_tokens: 10, output_tokens: 5 }],
      [1, { input_tokens: 7, output_tokens: 3 }],
    ] as const) {
      const llm = startSpan({
        name: `llm-${i}`,
        spanType: 'CHAT_MODEL',
        parent: root,
        startTimeMs: start + 10 + i * 100,
      });
      llm.setTokenUsage(usage).setAttribute(SPAN_ATTRIBUTES.model, 'gpt-demo');
      llm.end({ endTimeMs: start + 90 + i * 100 });
    }
    root.end({
      outputs: { choices: [{ message: { role: 'assistant', content: 'hello!' } }] },
      endTimeMs: start + 1500,
    });
    await flush();
    const [info] = transport.infos;
    expect(info.request_time).toBe('2025-01-02T03:04:05.000Z');
    expect(info.execution_duration).toBe('1.500s');
    expect(info.request_preview).toBe('hi there');
    expect(info.response_preview).toBe('hello!');
    expect(JSON.parse(info.trace_metadata[METADATA.tokenUsage])).toEqual({
      input_tokens: 17,
      output_tokens: 8,
      total_tokens: 25,
    });
    expect(byName('llm-1').parentSpanContext?.spanId).toBe(root.spanId);
    expect(byName('llm-0').startTime).toEqual([Math.floor(start / 1000), 10_000_000]);
  });

  it('withSpan makes the span active for nested trace() calls and updateCurrentTrace', async () => {
    const inner = trace((x: number) => x * 2, { name: 'inner' });
    const result = await withSpan({ name: 'outer', spanType: 'CHAIN' }, async (span) => {
      updateCurrentTrace({ user: 'alice', session: 'conv-9' });
      const value = inner(21);
      span.setOutputs(value);
      return value;
    });
    expect(result).toBe(42);
    await flush();
    expect(byName('inner').parentSpanContext?.spanId).toBe(byName('outer').spanContext().spanId);
    expect(transport.infos[0].trace_metadata).toMatchObject({ [METADATA.user]: 'alice', [METADATA.session]: 'conv-9' });
  });
});
