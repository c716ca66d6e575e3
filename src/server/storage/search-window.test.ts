// The newest-first window strategy must return exactly what the plain query returns.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqlite } from './open-sqlite.ts';
import { correlatedFilter } from './search-sql.ts';
import { SqliteTraceStore, type BulkTrace } from './sqlite-trace-store.ts';

let dir: string;
let store: SqliteTraceStore;
/** The same file searched without the window plan. */
let plainStore: SqliteTraceStore;
let exp: string;
const N = 5000;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'search-window-'));
  store = new SqliteTraceStore(openSqlite(join(dir, 'w.db'), { synchronous: 'NORMAL' }));
  exp = await store.createExperiment({ name: 'w' });
  const traces: BulkTrace[] = [];
  for (let i = 0; i < N; i++) {
    const id = `tr-${String(i).padStart(6, '0')}`;
    traces.push({
      traceId: id,
      experimentId: exp,
      timestampMs: 1_000_000 + Math.floor(i / 3) * 1000,
      executionTimeMs: (i * 37) % 1000,
      state: i % 17 === 0 ? 'ERROR' : 'OK',
      tags: { team: ['a', 'b', 'c'][i % 3], ...(i % 250 === 0 ? { rare: 'yes' } : {}) },
      metadata: { env: i % 10 < 7 ? 'prod' : 'dev', user: `u${i % 400}` },
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
];

describe('newest-first search windows', () => {
  it.each(FILTERS)('%s gives the same pages with and without windows', async (filter) => {
    for (const maxResults of [1, 100, 500]) {
      const windowed = await store.searchTraces({ experimentIds: [exp], filter, maxResults, cursor: { offset: 0 } });
      const second = windowed.next
        ? await store.searchTraces({ experimentIds: [exp], filter, maxResults, cursor: windowed.next })
        : undefined;
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
      expect(windowed.statements).toBeLessThanOrEqual(7);
    }
  });

  it('rewrites IN subqueries to correlated EXISTS', () => {
    expect(correlatedFilter('t.trace_id NOT IN (SELECT trace_id FROM trace_tags WHERE key = ?)')).toBe(
      'NOT EXISTS (SELECT 1 FROM trace_tags WHERE trace_id = t.trace_id AND key = ?)',
    );
    expect(correlatedFilter('t.trace_id IN (SELECT s.trace_id FROM spans s WHERE s.name = ?)')).toBe(
      'EXISTS (SELECT 1 FROM spans s WHERE s.trace_id = t.trace_id AND s.name = ?)',
    );
    expect(correlatedFilter('t.trace_id IN (SELECT trace_id FROM a UNION SELECT trace_id FROM b)')).toBeUndefined();
  });
});
