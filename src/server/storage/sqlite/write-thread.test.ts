// SQLite writes in the writer thread: the event loop answers other requests while a 100,000-span
// OTLP request is decoded (otlp/decode-pool.ts) and stored, a write is acknowledged only once it is
// in the file, closing drains the writer, and a writer that dies fails its pending writes with 503
// and is replaced.
import Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import protobuf from 'protobufjs';
import { afterEach, beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { buildApp } from '../../app.ts';
import { MlflowError } from '../../errors.ts';
import { DecodePool } from '../../otlp/decode-pool.ts';
import { openSqlite } from '../open-sqlite.ts';
import type { SpanRecord } from '../span-record.ts';
import { SqliteTraceStore } from '../sqlite-trace-store.ts';
import type { SpanBatch, TraceInfoInput } from '../trace-store.ts';

const BIG = 100_000;
let dir: string;
let path: string;
let store: SqliteTraceStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'write-thread-'));
  path = join(dir, 'w.db');
  store = new SqliteTraceStore(openSqlite(path, { synchronous: 'NORMAL' }), { readWorkers: 0 });
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}, 120_000);

const trace = (traceId: string): TraceInfoInput => ({
  traceId,
  experimentId: '0',
  requestTimeMs: 1_700_000_000_000,
  executionTimeMs: 5,
  state: 'OK',
  metadata: { user: 'u1' },
  tags: { team: 'a' },
  assessments: [],
});

/** A 100,000-span trace as one OTLP protobuf request (≈ 5 MiB; JSON would pass the 20 MiB body limit). */
function bigOtlpRequest(count = BIG): Buffer {
  const proto = readFileSync(new URL('../../otlp/otlp-trace.proto', import.meta.url), 'utf8');
  const Request = protobuf.parse(proto).root.lookupType('opentelemetry.proto.ExportTraceServiceRequest');
  const traceId = Buffer.from('ab'.repeat(16), 'hex');
  const id = (i: number) => Buffer.from((i + 1).toString(16).padStart(16, '0'), 'hex');
  const spans = Array.from({ length: count }, (_, i) => ({
    traceId,
    spanId: id(i),
    ...(i === 0 ? {} : { parentSpanId: id(0) }),
    name: i === 0 ? 'agent' : `tool_${i % 50}`,
    startTimeUnixNano: String(1_700_000_000_000_000_000n + BigInt(i) * 1000n),
    endTimeUnixNano: String(1_700_000_000_000_000_000n + BigInt(i) * 1000n + 500n),
    attributes: [{ key: 'gen_ai.operation.name', value: { stringValue: 'execute_tool' } }],
    status: { code: 1 },
  }));
  return Buffer.from(Request.encode(Request.fromObject({ resourceSpans: [{ scopeSpans: [{ spans }] }] })).finish());
}

/** `count` spans of one trace, as the OTLP route hands them to the store. */
function spanBatch(traceId: string, count: number): SpanBatch {
  const spans: SpanRecord[] = Array.from({ length: count }, (_, i) => ({
    traceId,
    spanId: (i + 1).toString(16).padStart(16, '0'),
    parentSpanId: i === 0 ? null : '0000000000000001',
    name: `s${i % 50}`,
    type: 'UNKNOWN',
    status: 'OK',
    startTimeNs: 1_700_000_000_000_000_000n + BigInt(i),
    endTimeNs: 1_700_000_000_000_000_000n + BigInt(i) + 500n,
    content: JSON.stringify({ name: `s${i % 50}`, attributes: { i } }),
  }));
  return { experimentId: '0', spans };
}

describe('the writer thread', () => {
  let app: FastifyInstance;
  beforeEach(async () => {
    // A loaded machine may take longer than the default 25 s to decode and store 100,000 spans.
    app = await buildApp({ store, limits: { handlerTimeoutMs: 110_000 } });
  });
  afterEach(() => app.close());

  it('leaves the event loop free: /health is answered while a 100,000-span OTLP request is decoded, then stored', async () => {
    const order: string[] = [];
    // Learn when the route hands the body to the decoder, and when the decoded spans come back.
    let decodeStarted!: () => void;
    const decoding = new Promise<void>((resolve) => (decodeStarted = resolve));
    const decode = DecodePool.prototype.decode;
    const spy = vi.spyOn(DecodePool.prototype, 'decode').mockImplementation(function (this: DecodePool, ...args) {
      decodeStarted();
      // On the event loop, decoding would be over before this function returned.
      return decode.apply(this, args).then((decoded) => {
        order.push('decoded');
        return decoded;
      });
    });
    onTestFinished(() => spy.mockRestore());
    // Learn when the route hands the spans to the store, and when the store acknowledges them.
    let handedOver!: () => void;
    const writing = new Promise<void>((resolve) => (handedOver = resolve));
    const logPackedSpans = store.logPackedSpans.bind(store);
    store.logPackedSpans = (batch) => {
      if (batch.spans.count < BIG) return logPackedSpans(batch);
      handedOver();
      return logPackedSpans(batch).then(() => void order.push('stored'));
    };
    const otlp = app.inject({
      method: 'POST',
      url: '/v1/traces',
      headers: { 'content-type': 'application/x-protobuf', 'x-mlflow-experiment-id': '0' },
      payload: bigOtlpRequest(),
    });
    await decoding;
    const duringDecode = await app.inject({ method: 'GET', url: '/health' });
    order.push('health');
    await writing;
    // On the event loop, the group commit would run (and block) at this turn's check phase.
    await new Promise((resolve) => setImmediate(resolve));
    const health = await app.inject({ method: 'GET', url: '/health' });
    order.push('health');
    const res = await otlp;
    expect(duringDecode.statusCode).toBe(200);
    expect(health.statusCode).toBe(200);
    expect(res.statusCode).toBe(200);
    expect(order).toEqual(['health', 'decoded', 'health', 'stored']);
    // Acknowledged means committed: a reader sees every span.
    expect((await store.spanCounts([`tr-${'ab'.repeat(16)}`])).get(`tr-${'ab'.repeat(16)}`)).toBe(BIG);
  }, 120_000);

  it('answers as the event loop does, MLflow errors included', async () => {
    const local = new SqliteTraceStore(openSqlite(path, { synchronous: 'NORMAL' }), {
      readWorkers: 0,
      writerThread: false,
    });
    try {
      const threaded = await store.startTrace(trace('tr-threaded'));
      const inPlace = await local.startTrace(trace('tr-local'));
      const named = (info: object, id: string) => JSON.parse(JSON.stringify(info).replaceAll(id, 'tr-x')) as unknown;
      expect(named(threaded, 'tr-threaded')).toEqual(named(inPlace, 'tr-local'));
      for (const s of [store, local]) {
        const error = await s.setTraceTag('tr-missing', 'k', 'v').catch((e: unknown) => e);
        expect(error).toBeInstanceOf(MlflowError);
        expect(error).toMatchObject({ errorCode: 'RESOURCE_DOES_NOT_EXIST', statusCode: 404 });
      }
    } finally {
      await local.close();
    }
  });

  it('fails the writes of a writer that died with 503 TEMPORARILY_UNAVAILABLE, and a new writer takes the next', async () => {
    await store.startTrace(trace('tr-before'));
    const pending = store.logSpans(spanBatch('tr-lost', BIG));
    // A crash of the thread mid-write (what an out-of-memory or a native fault does to it).
    const thread = (store as unknown as { writerThread: { worker: Worker } }).writerThread;
    await thread.worker.terminate();
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MlflowError);
    expect(error).toMatchObject({ errorCode: 'TEMPORARILY_UNAVAILABLE', statusCode: 503 });
    expect((error as Error).message).toContain('try again');
    // Through the wire: MLflow's envelope for the next failure would be the route's; here the next write works.
    await store.startTrace(trace('tr-after'));
    await store.setTraceTag('tr-before', 'k', 'v');
    const infos = await store.getTraceInfos(['tr-before', 'tr-after']);
    expect(infos.map((i) => i.trace_id).sort()).toEqual(['tr-after', 'tr-before']);
    expect(infos.find((i) => i.trace_id === 'tr-before')?.tags.k).toBe('v');
  }, 60_000);
});

describe('a writer that dies while it stores a packed OTLP request', () => {
  it('answers 503, stores none of that request, keeps what was acknowledged before; the request sent again is stored whole', async () => {
    const app = await buildApp({ store, decodeInlineBytes: 0, limits: { handlerTimeoutMs: 110_000 } });
    try {
      const post = () =>
        app.inject({
          method: 'POST',
          url: '/v1/traces',
          headers: { 'content-type': 'application/x-protobuf', 'x-mlflow-experiment-id': '0' },
          payload: bigOtlpRequest(20_000),
        });
      await store.startTrace(trace('tr-acked'));
      const thread = (store as unknown as { writerThread: { worker: Worker } }).writerThread;
      const logPackedSpans = store.logPackedSpans.bind(store);
      let kill = true;
      store.logPackedSpans = (batch) => {
        const written = logPackedSpans(batch);
        // The batch is posted at this turn's check phase; the thread dies right after, while it unpacks
        // and writes the chunks (what an out-of-memory or a native fault would do).
        if (kill) setImmediate(() => void thread.worker.terminate());
        kill = false;
        return written;
      };
      const lost = await post();
      expect(lost.statusCode).toBe(503);
      expect(lost.json()).toMatchObject({ error_code: 'TEMPORARILY_UNAVAILABLE' });
      const big = `tr-${'ab'.repeat(16)}`;
      // One transaction: the chunks it had written are rolled back with it.
      expect(await store.getTraceInfo(big)).toBeUndefined();
      expect((await store.getTraceInfo('tr-acked'))?.trace_id).toBe('tr-acked');
      // A new writer takes the retry (what an exporter does with a 503) and stores every span.
      expect((await post()).statusCode).toBe(200);
      expect((await store.spanCounts([big])).get(big)).toBe(20_000);
    } finally {
      await app.close();
    }
  }, 120_000);
});

describe('another connection holding the write lock', () => {
  it("past busy_timeout answers 503 TEMPORARILY_UNAVAILABLE in MLflow's envelope, not a 500; then writes go on", async () => {
    const app = await buildApp({ store });
    const other = new Database(path);
    try {
      await store.startTrace(trace('tr-first'));
      // An auxiliary store (auth, saved views) or a bulk load on its own connection, stuck mid-write.
      other.exec('BEGIN IMMEDIATE');
      const res = await app.inject({
        method: 'PATCH',
        url: '/api/3.0/mlflow/traces/tr-first/tags',
        payload: { key: 'k', value: 'v' },
      });
      other.exec('ROLLBACK');
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({ error_code: 'TEMPORARILY_UNAVAILABLE', message: expect.stringContaining('busy') });
      await store.setTraceTag('tr-first', 'k', 'v');
      expect((await store.getTraceInfo('tr-first'))?.tags.k).toBe('v');
    } finally {
      other.close();
      await app.close();
    }
  });
});

describe('durability', () => {
  const storedIds = () => {
    const db = new Database(path, { readonly: true });
    try {
      return new Set(db.prepare('SELECT trace_id FROM traces').pluck().all() as string[]);
    } finally {
      db.close();
    }
  };

  it('an acknowledged write is in the file: another connection sees it at once', async () => {
    await store.startTrace(trace('tr-acked'));
    expect(storedIds().has('tr-acked')).toBe(true);
  });

  it('closing the store drains the writer: every write sent before close is acknowledged and stored', async () => {
    const ids = Array.from({ length: 50 }, (_, i) => `tr-drain-${i}`);
    const writes = ids.map((id) => store.startTrace(trace(id)));
    const closed = store.close();
    await expect(store.startTrace(trace('tr-late'))).rejects.toThrow('closed');
    const results = await Promise.allSettled(writes);
    await closed;
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const stored = storedIds();
    expect(ids.filter((id) => !stored.has(id))).toEqual([]);
    expect(stored.has('tr-late')).toBe(false);
  });
});
