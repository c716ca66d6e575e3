import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExperiment, createTestServer, otlpJsonBody, startTrace, type TestServer } from '../test-helpers.ts';

let server: TestServer;
let exp: string;
let other: string;
const T0 = Date.UTC(2025, 0, 1);

beforeAll(async () => {
  server = await createTestServer();
  exp = await createExperiment(server.app, 'tail');
  other = await createExperiment(server.app, 'tail-other');
  await startTrace(server.app, { traceId: 'tr-before', experimentId: exp, startMs: T0, state: 'OK' });
});
afterAll(() => server.close());

interface SinceAnswer {
  traces: { trace_id: string; state: string }[];
  updated_traces: { trace_id: string; state: string }[];
  cursor: string;
  has_more: boolean;
}

async function since(
  payload: Record<string, unknown>,
  app: FastifyInstance = server.app,
): Promise<SinceAnswer & { status: number }> {
  const response = await app.inject({
    method: 'POST',
    url: '/ajax-api/trace-explorer/v1/traces/since',
    payload: { experiment_ids: [exp], ...payload },
  });
  return { status: response.statusCode, ...response.json() };
}

const ids = (list: { trace_id: string }[]) => list.map((t) => t.trace_id);

/** A fresh watcher's cursor: it starts from now. */
async function watch(filter?: string): Promise<string> {
  const first = await since({ filter });
  expect(first).toMatchObject({ status: 200, traces: [], updated_traces: [], has_more: false });
  return first.cursor;
}

const otlp = (experimentId: string, body: unknown) =>
  server.app.inject({
    method: 'POST',
    url: '/v1/traces',
    payload: JSON.stringify(body),
    headers: { 'content-type': 'application/json', 'x-mlflow-experiment-id': experimentId },
  });

describe('POST …/traces/since', () => {
  it('is advertised as the tail capability', async () => {
    const response = await server.app.inject({ url: '/api/trace-explorer/v1/capabilities' });
    expect(response.json().extensions).toContain('tail');
  });

  it('answers each trace created after the cursor once, then nothing', async () => {
    const cursor = await watch();
    await startTrace(server.app, { traceId: 'tr-a1', experimentId: exp, startMs: T0 + 10 });
    await startTrace(server.app, { traceId: 'tr-a2', experimentId: exp, startMs: T0 + 20 });
    const answer = await since({ cursor });
    expect(answer.status).toBe(200);
    expect(ids(answer.traces)).toEqual(['tr-a1', 'tr-a2']);
    expect(answer.updated_traces).toEqual([]);
    const again = await since({ cursor: answer.cursor });
    expect(again).toMatchObject({ traces: [], updated_traces: [], has_more: false });
    // The old cursor still answers the same changes: polling is idempotent.
    expect(ids((await since({ cursor })).traces)).toEqual(['tr-a1', 'tr-a2']);
  });

  it('applies the filter on the server', async () => {
    const cursor = await watch("tag.team = 'red'");
    await startTrace(server.app, { traceId: 'tr-red', experimentId: exp, startMs: T0 + 30, tags: { team: 'red' } });
    await startTrace(server.app, { traceId: 'tr-blue', experimentId: exp, startMs: T0 + 31, tags: { team: 'blue' } });
    const answer = await since({ cursor, filter: "tag.team = 'red'" });
    expect(ids(answer.traces)).toEqual(['tr-red']);
  });

  it('catches a trace whose timestamp is older than everything already seen', async () => {
    const cursor = await watch();
    await startTrace(server.app, { traceId: 'tr-newest', experimentId: exp, startMs: Date.now() });
    const first = await since({ cursor });
    expect(ids(first.traces)).toEqual(['tr-newest']);
    // A client that sends request_time a year in the past, after the newest trace was seen.
    await startTrace(server.app, { traceId: 'tr-backdated', experimentId: exp, startMs: T0 - 365 * 86_400_000 });
    expect(ids((await since({ cursor: first.cursor })).traces)).toEqual(['tr-backdated']);
  });

  it('reports an IN_PROGRESS trace again when its root span arrives through OTLP', async () => {
    const tid = 'aa'.repeat(16);
    const cursor = await watch();
    const childSpan = { traceId: tid, spanId: '2'.repeat(16), parentSpanId: '1'.repeat(16), name: 'llm' };
    expect(
      (await otlp(exp, otlpJsonBody([{ ...childSpan, startNs: '1700000000200000000', endNs: '1700000000300000000' }])))
        .statusCode,
    ).toBe(200);
    const first = await since({ cursor });
    expect(first.traces).toEqual([expect.objectContaining({ trace_id: `tr-${tid}`, state: 'IN_PROGRESS' })]);
    await otlp(
      exp,
      otlpJsonBody([
        {
          traceId: tid,
          spanId: '1'.repeat(16),
          name: 'agent',
          startNs: '1700000000100000000',
          endNs: '1700000000900000000',
        },
      ]),
    );
    const second = await since({ cursor: first.cursor });
    // Still new to this watcher (created after it started), now finished.
    expect(second.traces).toEqual([expect.objectContaining({ trace_id: `tr-${tid}`, state: 'OK' })]);
    expect(second.updated_traces).toEqual([]);
  });

  it('reports a trace created before the watcher started as updated when it finishes', async () => {
    await startTrace(server.app, { traceId: 'tr-running', experimentId: exp, startMs: T0 + 40, state: 'IN_PROGRESS' });
    const cursor = await watch();
    await startTrace(server.app, {
      traceId: 'tr-running',
      experimentId: exp,
      startMs: T0 + 40,
      durationMs: 500,
      state: 'OK',
    });
    const answer = await since({ cursor });
    expect(answer.traces).toEqual([]);
    expect(answer.updated_traces).toEqual([expect.objectContaining({ trace_id: 'tr-running', state: 'OK' })]);
  });

  it('keeps experiments apart', async () => {
    const cursor = await watch();
    await startTrace(server.app, { traceId: 'tr-elsewhere', experimentId: other, startMs: T0 + 50 });
    await otlp(
      other,
      otlpJsonBody([{ traceId: 'bb'.repeat(16), spanId: '3'.repeat(16), name: 'x', startNs: '1', endNs: '2' }]),
    );
    expect(await since({ cursor })).toMatchObject({ traces: [], updated_traces: [] });
    const both = await since({ cursor, experiment_ids: [exp, other] });
    expect(ids(both.traces).sort()).toEqual([`tr-${'bb'.repeat(16)}`, 'tr-elsewhere']);
  });

  it('caps the answer and says more is waiting', async () => {
    const cursor = await watch();
    for (const n of [1, 2, 3])
      await startTrace(server.app, { traceId: `tr-cap${n}`, experimentId: exp, startMs: T0 + n });
    const first = await since({ cursor, max_results: 2 });
    expect(ids(first.traces)).toEqual(['tr-cap1', 'tr-cap2']);
    expect(first.has_more).toBe(true);
    const rest = await since({ cursor: first.cursor, max_results: 2 });
    expect(ids(rest.traces)).toEqual(['tr-cap3']);
    expect(rest.has_more).toBe(false);
  });

  it('answers a poll on another replica over the same database', async () => {
    const replica = await server.sibling({});
    const cursor = (await since({}, replica)).cursor;
    await startTrace(server.app, { traceId: 'tr-via-a', experimentId: exp, startMs: T0 + 60 });
    expect(ids((await since({ cursor }, replica)).traces)).toEqual(['tr-via-a']);
  });

  it('refuses a malformed cursor, filter or size with the MLflow error envelope', async () => {
    for (const cursor of [
      'not a cursor',
      'eyJ2IjoyfQ',
      Buffer.from('{"v":1,"s":"1","p":"-5"}').toString('base64url'),
      // Two-part positions are for engines that need them; SQLite never gives one.
      Buffer.from('{"v":1,"s":"1","p":"1:2"}').toString('base64url'),
    ]) {
      const response = await server.app.inject({
        method: 'POST',
        url: '/api/trace-explorer/v1/traces/since',
        payload: { experiment_ids: [exp], cursor },
      });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({
        error_code: 'INVALID_PARAMETER_VALUE',
        message: expect.stringContaining('cursor'),
      });
    }
    expect((await since({ filter: 'tag.team = ' })).status).toBe(400);
    expect((await since({ max_results: 501 })).status).toBe(400);
    expect((await since({ experiment_ids: [] })).status).toBe(400);
  });

  it('still reports a new trace after the newest one was deleted', async () => {
    await startTrace(server.app, { traceId: 'tr-doomed', experimentId: exp, startMs: T0 + 70 });
    const cursor = await watch();
    const seen = await since({ cursor });
    const deleted = await server.app.inject({
      method: 'POST',
      url: '/api/3.0/mlflow/traces/delete-traces',
      payload: { experiment_id: exp, request_ids: ['tr-doomed'] },
    });
    expect(deleted.json()).toEqual({ traces_deleted: 1 });
    await startTrace(server.app, { traceId: 'tr-after-delete', experimentId: exp, startMs: T0 + 71 });
    expect(ids((await since({ cursor: seen.cursor })).traces)).toEqual(['tr-after-delete']);
  });

  it('answers nothing for a deleted experiment', async () => {
    const gone = await createExperiment(server.app, 'tail-gone');
    const cursor = (await since({ experiment_ids: [gone] })).cursor;
    await startTrace(server.app, { traceId: 'tr-gone', experimentId: gone, startMs: T0 });
    await server.app.inject({
      method: 'POST',
      url: '/api/2.0/mlflow/experiments/delete',
      payload: { experiment_id: gone },
    });
    expect(await since({ cursor, experiment_ids: [gone] })).toMatchObject({ status: 200, traces: [] });
  });
});
