// Migration 6 keys the child tables by traces.trace_key. A store written at migration 5 (tags, metadata,
// spans, assessments, run and prompt links, a review queue item) must answer every read the same after it.
// The version-5 store is made from a store written through the API: its rows are copied into the
// version-5 tables, keyed by trace_id again, then the migration runner takes it to the latest version.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseOrderBy } from '../../core/filter/parse-order-by.ts';
import { parseTraceFilter } from '../routes/search-request.ts';
import type { MetricsQuery } from './metrics-query.ts';
import { MIGRATIONS } from './migrations.ts';
import { openSqlite } from './open-sqlite.ts';
import type { SpanRecord } from './span-record.ts';
import { SqliteTraceStore, type BulkTrace } from './sqlite-trace-store.ts';
import type { PageCursor, SearchTracesQuery } from './trace-store.ts';

let dir: string;
let experimentId: string;
const N = 40;

function span(traceId: string, spanId: string, parent: string | null, name: string, content: string): SpanRecord {
  return {
    traceId,
    spanId,
    parentSpanId: parent,
    name,
    type: parent ? 'TOOL' : 'CHAIN',
    status: 'OK',
    startTimeNs: 1_700_000_000_000_000_000n + BigInt(spanId.length),
    endTimeNs: 1_700_000_000_500_000_000n,
    content,
  };
}

/** Every trace of the experiment, written through the store as the server writes them. */
async function write(store: SqliteTraceStore): Promise<string[]> {
  experimentId = await store.createExperiment({ name: 'keys' });
  const traces: BulkTrace[] = [];
  for (let i = 0; i < N; i++) {
    const id = `tr-${(i * 7919).toString(16).padStart(32, '0')}`;
    traces.push({
      traceId: id,
      experimentId,
      // Ties on the timestamp: paging must break them by trace id as before.
      timestampMs: 1_000_000 + Math.floor(i / 3) * 1000,
      executionTimeMs: i % 5 === 0 ? null : (i * 37) % 900,
      state: i % 7 === 0 ? 'ERROR' : 'OK',
      tags: { team: ['a', 'b', 'c'][i % 3], 'mlflow.traceName': `name-${i % 4}` },
      metadata: { env: i % 10 < 7 ? 'prod' : 'dev', 'mlflow.trace.session': `s${i % 6}` },
      spans: [
        span(id, `${i}a`, null, 'root', '{"attributes":{}}'),
        span(id, `${i}b`, `${i}a`, i % 9 === 0 ? 'rare_tool' : 'tool', `{"attributes":{"n":${i}}}`),
      ],
      assessments:
        i % 4 === 0
          ? [
              {
                traceId: id,
                name: 'thumbs',
                type: 'feedback',
                valueJson: i % 8 ? 'false' : 'true',
                sourceType: 'HUMAN',
              },
            ]
          : [],
    });
  }
  store.bulkLoad(traces);
  const ids = traces.map((t) => t.traceId);
  await store.setTraceTag(ids[3], 'reviewed', 'yes');
  await store.linkTracesToRun([ids[1], ids[2]], 'run-1');
  await store.linkPrompts(ids[5], [{ name: 'qa', version: '2' }]);
  const made = await store.createAssessment({
    traceId: ids[6],
    name: 'quality',
    type: 'feedback',
    valueJson: '0.5',
    sourceType: 'LLM_JUDGE',
  });
  await store.createAssessment({
    traceId: ids[6],
    name: 'quality',
    type: 'feedback',
    valueJson: '0.9',
    sourceType: 'HUMAN',
    overrides: made.assessment_id,
  });
  // A trace made by OTLP spans, and one by StartTraceV3.
  const otlp = `tr-${'f'.repeat(32)}`;
  await store.logSpans({ experimentId, spans: [span(otlp, 'o1', null, 'otlp_root', '{"attributes":{}}')] });
  const started = `tr-${'e'.repeat(32)}`;
  await store.startTrace({
    traceId: started,
    experimentId,
    requestTimeMs: 2_000_000,
    executionTimeMs: 12,
    state: 'OK',
    tags: { team: 'a' },
    metadata: { env: 'prod' },
    assessments: [],
  });
  return [...ids, otlp, started];
}

const FILTERS = [
  undefined,
  "metadata.env = 'prod'",
  "tag.team = 'b' AND status = 'OK'",
  "span.name = 'rare_tool'",
  "feedback.thumbs = 'true'",
  "run_id = 'run-1'",
  "prompt = 'qa/2'",
  "tag.reviewed = 'yes' OR feedback.quality = '0.9'",
  'execution_time_ms > 300',
];
const ORDERS = [undefined, ['tag.team DESC', 'timestamp_ms'], ['feedback.thumbs'], ['execution_time_ms DESC']];

/** Every page of a search, following each page's cursor. */
async function allPages(store: SqliteTraceStore, query: Omit<SearchTracesQuery, 'cursor'>): Promise<unknown[]> {
  const pages: unknown[] = [];
  let cursor: PageCursor | undefined = { offset: 0 };
  while (cursor) {
    const page = await store.searchTraces({ ...query, cursor });
    pages.push(page);
    cursor = page.next;
  }
  return pages;
}

/** Every read the routes make of these traces. */
async function answers(store: SqliteTraceStore, ids: string[]): Promise<unknown> {
  const experimentIds = [Number(experimentId)];
  const searches = [];
  for (const text of FILTERS)
    for (const order of ORDERS) {
      const parsed = order ? parseOrderBy(order) : undefined;
      if (parsed && !parsed.ok) throw new Error(`order ${String(order)}`);
      const orderBy = parsed?.ok ? parsed.terms : undefined;
      searches.push(await allPages(store, { experimentIds, filter: parseTraceFilter(text), orderBy, maxResults: 7 }));
    }
  const metrics: MetricsQuery[] = [
    {
      experimentIds,
      viewType: 'TRACES',
      metricName: 'latency',
      aggregations: [{ type: 'COUNT' }, { type: 'AVG' }],
      dimensions: [{ kind: 'tag', key: 'team', name: 'team' }],
      filters: [{ entity: 'trace.metadata', key: 'env', value: 'prod' }],
      maxResults: 100,
    },
    {
      experimentIds,
      viewType: 'SPANS',
      metricName: 'latency',
      aggregations: [{ type: 'COUNT' }],
      dimensions: [{ kind: 'builtin', name: 'span_name' }],
      filters: [],
      maxResults: 100,
    },
    {
      experimentIds,
      viewType: 'ASSESSMENTS',
      metricName: 'assessment_value',
      aggregations: [{ type: 'COUNT' }],
      dimensions: [{ kind: 'builtin', name: 'assessment_name' }],
      filters: [],
      maxResults: 100,
    },
  ];
  return {
    infos: await store.getTraceInfos(ids),
    spans: await store.getSpansOfTraces(ids),
    oneTrace: await store.getSpans(ids[9]),
    counts: await store.spanCounts(ids),
    searches,
    keys: await store.listKeys(experimentIds, 20),
    values: await store.listValues({ experimentIds, kind: 'metadata', key: 'env', limit: 10 }),
    prefixed: await store.listValues({ experimentIds, kind: 'tag', key: 'team', prefix: 'b', limit: 10 }),
    count: await store.countTraces({
      experimentIds,
      filter: parseTraceFilter("tag.team = 'a' OR status = 'ERROR'"),
      cap: 1000,
    }),
    groups: await store.listGroups({
      experimentIds,
      groupBy: { kind: 'metadata', key: 'mlflow.trace.session' },
      order: 'count',
      maxResults: 10,
      offset: 0,
    }),
    recentGroups: await store.listGroups({
      experimentIds,
      groupBy: { kind: 'tag', key: 'team' },
      filter: parseTraceFilter("metadata.env = 'prod'"),
      order: 'recent',
      maxResults: 10,
      offset: 0,
    }),
    metrics: await Promise.all(metrics.map((q) => store.queryMetrics(q))),
    changes: await store.changesSince({
      experimentIds,
      after: '0',
      createdAfter: '10',
      filter: parseTraceFilter("tag.team = 'a'"),
      maxResults: 100,
    }),
  };
}

/** The store's rows in version 5's tables (child rows keyed by trace_id, traces by their rowid). */
function copyToVersion5(from: string, to: string): void {
  const db = new Database(to);
  db.exec('CREATE TABLE schema_version (version INTEGER NOT NULL)');
  for (const m of MIGRATIONS.filter((migration) => migration.version <= 5)) {
    db.exec(m.sql);
    db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(m.version);
  }
  db.prepare('ATTACH DATABASE ? AS v6').run(from);
  db.exec(`
INSERT INTO experiments SELECT * FROM v6.experiments;
INSERT INTO experiment_tags SELECT * FROM v6.experiment_tags;
INSERT INTO traces (rowid, trace_id, experiment_id, client_request_id, timestamp_ms, execution_time_ms, state, request_preview, response_preview)
  SELECT trace_key, trace_id, experiment_id, client_request_id, timestamp_ms, execution_time_ms, state, request_preview, response_preview
  FROM v6.traces ORDER BY trace_key;
UPDATE traces SET created_seq = (SELECT s.created_seq FROM v6.traces s WHERE s.trace_id = traces.trace_id),
  change_seq = (SELECT s.change_seq FROM v6.traces s WHERE s.trace_id = traces.trace_id);
UPDATE trace_change_clock SET seq = (SELECT seq FROM v6.trace_change_clock);
INSERT INTO trace_tags SELECT t.trace_id, c.key, c.value FROM v6.trace_tags c JOIN v6.traces t USING (trace_key);
INSERT INTO trace_metadata SELECT t.trace_id, c.key, c.value FROM v6.trace_metadata c JOIN v6.traces t USING (trace_key);
INSERT INTO spans (trace_id, span_id, parent_span_id, name, type, status, start_time_ns, end_time_ns, content)
  SELECT t.trace_id, c.span_id, c.parent_span_id, c.name, c.type, c.status, c.start_time_ns, c.end_time_ns, c.content
  FROM v6.spans c JOIN v6.traces t USING (trace_key);
INSERT INTO assessments (assessment_id, trace_id, name, type, value, valid, overrides, span_id, source_type, source_id,
    rationale, metadata, error, create_time, last_update_time)
  SELECT c.assessment_id, t.trace_id, c.name, c.type, c.value, c.valid, c.overrides, c.span_id, c.source_type, c.source_id,
    c.rationale, c.metadata, c.error, c.create_time, c.last_update_time
  FROM v6.assessments c JOIN v6.traces t USING (trace_key);
INSERT INTO trace_run_links SELECT t.trace_id, c.run_id FROM v6.trace_run_links c JOIN v6.traces t USING (trace_key);
INSERT INTO trace_prompt_links SELECT t.trace_id, c.name, c.version FROM v6.trace_prompt_links c JOIN v6.traces t USING (trace_key);
INSERT INTO review_queues (queue_id, experiment_id, name, created_by, created_at_ms)
  SELECT 1, experiment_id, 'q', 'me', 0 FROM v6.experiments LIMIT 1;
INSERT INTO review_queue_items (queue_id, trace_id, added_at_ms) SELECT 1, trace_id, 0 FROM v6.traces ORDER BY trace_key LIMIT 2;
`);
  db.exec('DETACH DATABASE v6');
  // Planner statistics, as a store that has run PRAGMA optimize has them: the migration must renew them.
  db.exec('ANALYZE');
  db.close();
}

describe('migration 6: child tables keyed by trace_key', () => {
  let ids: string[];
  let before: unknown;
  let keysBefore: unknown[];
  let migrated: SqliteTraceStore;
  let db: Database.Database;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trace-key-migration-'));
    const currentDb = openSqlite(join(dir, 'current.db'));
    const current = new SqliteTraceStore(currentDb, { readWorkers: 0 });
    try {
      ids = await write(current);
      before = await answers(current, ids);
      keysBefore = currentDb.prepare('SELECT trace_key, trace_id FROM traces ORDER BY trace_key').all();
    } finally {
      await current.close();
    }
    copyToVersion5(join(dir, 'current.db'), join(dir, 'old.db'));
    db = openSqlite(join(dir, 'old.db'));
    migrated = new SqliteTraceStore(db, { readWorkers: 0 });
    // Two stores written and read in full: minutes on a loaded machine, not the hook's default 10 s.
  }, 180_000);
  afterAll(async () => {
    await migrated?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers every read as the store did before', async () => {
    expect(await answers(migrated, ids)).toEqual(before);
  });

  it('keys the traces in their old insertion order and leaves no dangling reference', () => {
    expect(db.prepare('SELECT MAX(version) FROM schema_version').pluck().get()).toBe(6);
    expect(db.prepare('SELECT trace_key, trace_id FROM traces ORDER BY trace_key').all()).toEqual(keysBefore);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    const sqlOf = (name: string) =>
      db.prepare('SELECT sql FROM sqlite_schema WHERE name = ?').pluck().get(name) as string | undefined;
    expect(sqlOf('trace_tags')).toMatch(/PRIMARY KEY \(trace_key, key\)/);
    expect(sqlOf('spans_by_name')).toMatch(/\(name, trace_key\)/);
    expect(sqlOf('traces_change_on_insert')).toBeDefined();
    expect(db.prepare("SELECT COUNT(*) FROM sqlite_stat1 WHERE idx = 'trace_tags_by_value'").pluck().get()).toBe(1);
  });

  it('appends new traces after the migrated keys, and a delete still cascades to every child row', async () => {
    const max = db.prepare('SELECT MAX(trace_key) FROM traces').pluck().get() as number;
    const fresh = `tr-${'d'.repeat(32)}`;
    await migrated.logSpans({ experimentId, spans: [span(fresh, 'n1', null, 'late', '{"attributes":{}}')] });
    expect(db.prepare('SELECT trace_key FROM traces WHERE trace_id = ?').pluck().get(fresh)).toBe(max + 1);

    const victim = ids[0];
    const key = db.prepare('SELECT trace_key FROM traces WHERE trace_id = ?').pluck().get(victim);
    await migrated.linkTracesToRun([victim], 'run-2');
    await migrated.linkPrompts(victim, [{ name: 'qa', version: '1' }]);
    expect(await migrated.deleteTraces({ experimentId, traceIds: [victim] })).toBe(1);
    for (const table of [
      'trace_tags',
      'trace_metadata',
      'spans',
      'assessments',
      'trace_run_links',
      'trace_prompt_links',
    ])
      expect({ table, rows: db.prepare(`SELECT COUNT(*) FROM ${table} WHERE trace_key = ?`).pluck().get(key) }).toEqual(
        {
          table,
          rows: 0,
        },
      );
    expect(db.prepare('SELECT trace_id FROM review_queue_items ORDER BY item_id').pluck().all()).toEqual([ids[1]]);
  });
});
