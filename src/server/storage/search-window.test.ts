// The newest-first window strategy must return exactly what the plain query returns.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqlite } from './open-sqlite.ts';
import { parseTraceFilter } from '../routes/search-request.ts';
import { SqliteTraceStore, type BulkTrace } from './sqlite-trace-store.ts';

let dir: string;
let store: SqliteTraceStore;
/** The same file searched without the window plan. */
let plainStore: SqliteTraceStore;
let exp: number;
const N = 5000;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'search-window-'));
  store = new SqliteTraceStore(openSqlite(join(dir, 'w.db'), { synchronous: 'NORMAL' }));
  const experimentId = await store.createExperiment({ name: 'w' });
  exp = Number(experimentId);
  const traces: BulkTrace[] = [];
  for (let i = 0; i < N; i++) {
    const id = `tr-${String(i).padStart(6, '0')}`;
    traces.push({
      traceId: id,
      experimentId,
      timestampMs: 1_000_000 + Math.floor(i / 3) * 1000,
      executionTimeMs: (i * 37) % 1000,
      state: i % 17 === 0 ? 'ERROR' : 'OK',
      tags: { team: ['a', 'b', 'c'][i % 3], ...(i % 250 === 0 ? { rare: 'yes' } : {}) },
      metadata: { env: i % 10 < 7 ? 'prod' : 'dev', user: `u${i % 400}`, 'mlflow.sourceRun': i % 3 ? 'r2' : 'r1' },
      spans: [
        {
          traceId: id,
          spanId: '0'.repeat(15) + (i % 10),
          parentSpanId: null,
          name: i % 100 === 5 ? 'rare_tool' : 'root',
          type: 'CHAIN',
          status: 'OK',
          startTimeNs: 1n,
          endTimeNs: 2n,
          content: '{"attributes":{}}',
        },
      ],
      assessments:
        i % 50 === 0
          ? [
              {
                traceId: id,
                name: 'thumbs',
                type: 'feedback',
                valueJson: i % 100 === 0 ? 'true' : 'false',
                sourceType: 'HUMAN',
              },
            ]
          : [],
    });
  }
  store.bulkLoad(traces);
  plainStore = new SqliteTraceStore(openSqlite(join(dir, 'w.db'), { synchronous: 'NORMAL' }), { searchWindows: false });
});
afterAll(async () => {
  await store.close();
  await plainStore.close();
  rmSync(dir, { recursive: true, force: true });
});

const FILTERS = [
  "metadata.env = 'prod'",
  "metadata.env = 'dev' AND tag.team = 'b'",
  "tag.rare = 'yes'",
  "tag.team = 'c' AND status = 'ERROR'",
  "metadata.user = 'u7'",
  "span.name = 'rare_tool'",
  "tag.rare IS NULL AND metadata.env != 'prod'",
  "NOT tag.team = 'a' OR feedback.thumbs = 'true'",
  "(metadata.env = 'dev' OR tag.rare IS NOT NULL) AND NOT status = 'ERROR'",
  'feedback.thumbs IS NOT NULL',
  "run_id = 'nothing'",
  "run_id = 'r1'",
  "feedback.thumbs = 'false' OR run_id = 'r2'",
  "NOT feedback.thumbs = 'true'",
];

describe('newest-first search windows', () => {
  it.each(FILTERS)('%s gives the same pages with and without windows', async (text) => {
    const filter = parseTraceFilter(text);
    for (const maxResults of [1, 100, 500]) {
      const before = store.statementsRun();
      const windowed = await store.searchTraces({ experimentIds: [exp], filter, maxResults, cursor: { offset: 0 } });
      const second = windowed.next
        ? await store.searchTraces({ experimentIds: [exp], filter, maxResults, cursor: windowed.next })
        : undefined;
      const statements = store.statementsRun() - before;
      const plain = await plainStore.searchTraces({ experimentIds: [exp], filter, maxResults, cursor: { offset: 0 } });
      const plainSecond = plain.next
        ? await plainStore.searchTraces({
            experimentIds: [exp],
            filter,
            maxResults,
            cursor: { offset: plain.next.offset },
          })
        : undefined;
      expect(windowed.traces.map((t) => t.trace_id)).toEqual(plain.traces.map((t) => t.trace_id));
      expect(second?.traces.map((t) => t.trace_id)).toEqual(plainSecond?.traces.map((t) => t.trace_id));
      // Per page: the active-experiment check, 1–3 page queries, then tags, metadata and assessments batched.
      expect(statements).toBeLessThanOrEqual(14);
    }
  });

  it.each([
    ["span.name = 'rare_tool'", 30],
    ["span.name = 'rare_tool'", 45],
    ["tag.rare = 'yes'", 10],
    ["metadata.user = 'u7' OR span.name = 'rare_tool'", 40],
  ] as const)(
    "%s, %i a page: a page the second window completes is the plain plan's page",
    async (text, maxResults) => {
      const filter = parseTraceFilter(text);
      const before = store.statementsRun();
      const windowed = await store.searchTraces({ experimentIds: [exp], filter, maxResults, cursor: { offset: 0 } });
      const statements = store.statementsRun() - before;
      const plain = await plainStore.searchTraces({ experimentIds: [exp], filter, maxResults, cursor: { offset: 0 } });
      expect(windowed.traces).toHaveLength(maxResults);
      expect(windowed.traces.map((t) => t.trace_id)).toEqual(plain.traces.map((t) => t.trace_id));
      expect(windowed.next).toEqual(plain.next);
      // The active-experiment check, both windows (the first too sparse for a page, the second
      // completing it: no index plan after them), then tags, metadata and assessments.
      expect(statements).toBe(6);
    },
  );

  it('runs a fixed number of statements per page, whatever its size', async () => {
    const statements = async (maxResults: number) => {
      const before = store.statementsRun();
      await store.searchTraces({ experimentIds: [exp], maxResults, cursor: { offset: 0 } });
      return store.statementsRun() - before;
    };
    // The active-experiment check, the page, then tags, metadata and assessments.
    expect(await statements(1)).toBe(5);
    expect(await statements(500)).toBe(5);
  });
});
