// SQLite reads in worker threads: the same answers as on the event loop, every acknowledged write
// visible to the next read, and a read past its budget stopped (503) while the server keeps answering.
import type { FastifyInstance } from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { parseTraceFilter, parseTraceOrderBy } from '../../routes/search-request.ts';
import { openSqlite } from '../open-sqlite.ts';
import { SqliteTraceStore, type BulkTrace } from '../sqlite-trace-store.ts';

let dir: string;
let pooled: SqliteTraceStore;
/** The same file read on the event loop (--read-workers 0). */
let inline: SqliteTraceStore;
let experimentId: string;
const N = 3000;

function traces(count: number, note: (i: number) => string): BulkTrace[] {
  return Array.from({ length: count }, (_, i) => {
    const id = `tr-${String(i).padStart(6, '0')}`;
    return {
      traceId: id,
      experimentId,
      timestampMs: 1_000_000 + Math.floor(i / 2) * 1000,
      executionTimeMs: (i * 37) % 1000,
      state: i % 13 === 0 ? 'ERROR' : 'OK',
      tags: { team: ['a', 'b', 'c'][i % 3], note: note(i) },
      metadata: { env: i % 10 < 7 ? 'prod' : 'dev', user: `u${i % 40}` },
      spans: [0, 1].map((s) => ({
        traceId: id,
        spanId: `${'0'.repeat(15)}${s}`,
        parentSpanId: s === 0 ? null : `${'0'.repeat(15)}0`,
        name: s === 0 ? 'root' : `tool_${i % 5}`,
        type: s === 0 ? 'CHAIN' : 'TOOL',
        status: 'OK',
        startTimeNs: BigInt(i) * 1_000_000n + BigInt(s),
        endTimeNs: BigInt(i) * 1_000_000n + 10n,
        content: JSON.stringify({ name: s === 0 ? 'root' : 'tool', attributes: { i } }),
      })),
    };
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'read-pool-'));
  const file = join(dir, 'r.db');
  pooled = new SqliteTraceStore(openSqlite(file, { synchronous: 'NORMAL' }), { readWorkers: 2 });
  inline = new SqliteTraceStore(openSqlite(file, { synchronous: 'NORMAL' }), { readWorkers: 0 });
  experimentId = await pooled.createExperiment({ name: 'pool' });
  pooled.bulkLoad(traces(N, (i) => `note ${i % 7}`));
});

afterAll(async () => {
  await pooled.close();
  await inline.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('SQLite reads in worker threads', () => {
  it('answer exactly what the event loop answers', async () => {
    const exp = Number(experimentId);
    const filter = parseTraceFilter("tags.team = 'b' AND metadata.env = 'prod'");
    const rlike = parseTraceFilter("tags.note RLIKE '[35]$'");
    const ids = ['tr-000001', 'tr-000777', 'missing', 'tr-002999'];
    const reads: ((s: SqliteTraceStore) => Promise<unknown>)[] = [
      (s) => s.searchTraces({ experimentIds: [exp], maxResults: 50, cursor: { offset: 0 } }),
      (s) => s.searchTraces({ experimentIds: [exp], filter, maxResults: 20, cursor: { offset: 40 } }),
      (s) => s.searchTraces({ experimentIds: [exp], filter: rlike, maxResults: 30, cursor: { offset: 0 } }),
      (s) =>
        s.searchTraces({
          experimentIds: [exp],
          orderBy: parseTraceOrderBy(['execution_time_ms ASC']),
          maxResults: 10,
          cursor: { offset: 0 },
        }),
      (s) => s.countTraces({ experimentIds: [exp], filter: rlike, cap: 10_000 }),
      (s) =>
        s.listGroups({
          experimentIds: [exp],
          groupBy: { kind: 'metadata', key: 'user' },
          order: 'count',
          maxResults: 5,
          offset: 0,
        }),
      (s) =>
        s.listGroups({
          experimentIds: [exp],
          groupBy: { kind: 'tag', key: 'note' },
          filter,
          order: 'recent',
          maxResults: 3,
          offset: 1,
        }),
      (s) => s.listKeys([exp], 10),
      (s) => s.listValues({ experimentIds: [exp], kind: 'metadata', key: 'user', prefix: 'u1', limit: 5 }),
      (s) => s.getTraceInfos(ids),
      (s) => s.getTraceInfo('tr-000042'),
      (s) => s.getSpans('tr-000042'),
      (s) => s.getSpans('missing'),
      (s) => s.getSpansOfTraces(ids),
      (s) => s.spanCounts(ids),
      (s) =>
        s.queryMetrics({
          experimentIds: [exp],
          viewType: 'SPANS',
          metricName: 'latency',
          aggregations: [{ type: 'COUNT' }, { type: 'PERCENTILE', percentile: 50 }],
          dimensions: [{ kind: 'builtin', name: 'span_name' }],
          filters: [],
          maxResults: 100,
        }),
      (s) =>
        s.queryMetrics({
          experimentIds: [exp],
          viewType: 'TRACES',
          metricName: 'latency',
          aggregations: [{ type: 'PERCENTILE', percentile: 90 }],
          dimensions: [{ kind: 'tag', key: 'note', name: 'note' }],
          filters: [],
          filter: rlike,
          maxResults: 100,
        }),
    ];
    for (const read of reads) {
      const [fromWorker, fromLoop] = await Promise.all([read(pooled), read(inline)]);
      expect(fromWorker).toEqual(fromLoop);
    }
    // Not vacuous: the reads found data.
    const page = await pooled.searchTraces({ experimentIds: [exp], filter, maxResults: 5, cursor: { offset: 0 } });
    expect(page.traces).toHaveLength(5);
    expect((await pooled.getSpans('tr-000042'))?.map((s) => s.name)).toEqual(['root', 'tool_2']);
  });

  it('see every acknowledged write at once', async () => {
    const exp = Number(experimentId);
    for (let i = 0; i < 25; i++) {
      const traceId = `tr-ryw-${i}`;
      await pooled.startTrace({
        traceId,
        experimentId,
        requestTimeMs: 5_000_000 + i,
        state: 'OK',
        metadata: {},
        tags: { round: String(i) },
        assessments: [],
      });
      const found = await pooled.searchTraces({
        experimentIds: [exp],
        filter: parseTraceFilter(`tags.round = '${i}'`),
        maxResults: 10,
        cursor: { offset: 0 },
      });
      expect(found.traces.map((t) => t.trace_id)).toEqual([traceId]);
      await pooled.setTraceTag(traceId, 'round', `${i}-edited`);
      expect((await pooled.getTraceInfo(traceId))?.tags.round).toBe(`${i}-edited`);
    }
  });
});

describe('heavy reads', () => {
  it('identical ones waiting for a worker run once and share the answer', async () => {
    const query = { experimentIds: [Number(experimentId)], filter: parseTraceFilter("tags.team = 'a'"), cap: 10_000 };
    const before = pooled.statementsRun();
    const alone = await pooled.countTraces(query);
    const one = pooled.statementsRun() - before;
    const start = pooled.statementsRun();
    const answers = await Promise.all(Array.from({ length: 6 }, () => pooled.countTraces(query)));
    for (const answer of answers) expect(answer).toEqual(alone);
    // The first may start at once; the other five wait behind it for the heavy reads' worker and join one run.
    expect(pooled.statementsRun() - start).toBeLessThanOrEqual(2 * one);
  });
});

describe('a read past its budget', () => {
  let budgetDir: string;
  let store: SqliteTraceStore;
  let app: FastifyInstance;
  const search = (filter: string) =>
    app.inject({
      method: 'POST',
      url: '/api/3.0/mlflow/traces/search',
      payload: {
        locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } }],
        filter,
        max_results: 10,
      },
    });
  /** A cheap search, retried while the machine is too loaded for the small budget (or a worker starts). */
  const cheapSearchSucceeds = async () => {
    for (let attempt = 0; attempt < 50; attempt++) {
      const res = await search("tags.team = 'a'");
      if (res.statusCode === 200) return res;
    }
    throw new Error('no cheap search succeeded');
  };

  beforeAll(async () => {
    budgetDir = mkdtempSync(join(tmpdir(), 'read-budget-'));
    store = new SqliteTraceStore(openSqlite(join(budgetDir, 'b.db'), { synchronous: 'NORMAL' }), {
      readWorkers: 1,
      readBudgetMs: 2000,
      regexpBudgetMs: 600_000,
    });
    experimentId = await store.createExperiment({ name: 'budget' });
    store.bulkLoad(traces(8000, (i) => `${'ab'.repeat(1000)}xc${i}`));
    app = await buildApp({ store });
  }, 60_000);

  afterAll(async () => {
    await app.close();
    await store.close();
    rmSync(budgetDir, { recursive: true, force: true });
  });

  it('is answered 503 in MLflow envelope while other requests are served, and the pool recovers', async () => {
    expect((await cheapSearchSucceeds()).json().traces).toHaveLength(10);
    const order: string[] = [];
    // A large counted repetition makes RE2 track a thousand states per character (every value
    // holds the final literal, so no prefilter skips it): linear, but milliseconds per 2 KB value,
    // far beyond 2 s over 8,000 traces.
    const slow = search("tags.note RLIKE '(a|b){1,1000}c'").then((res) => {
      order.push('slow search');
      return res;
    });
    const health = await app.inject({ method: 'GET', url: '/health' });
    order.push('health');
    const res = await slow;
    expect(health.statusCode).toBe(200);
    expect(order).toEqual(['health', 'slow search']);
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({
      error_code: 'TEMPORARILY_UNAVAILABLE',
      message: expect.stringContaining("took longer than 2 s, this server's budget for one read"),
    });
    // A new worker replaced the stopped one.
    expect((await cheapSearchSucceeds()).json().traces).toHaveLength(10);
  });
});
