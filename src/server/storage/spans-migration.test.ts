import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from './migrations.ts';
import { openSqlite } from './open-sqlite.ts';
import { SqliteTraceStore } from './sqlite-trace-store.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A database as the server left it before migration 5: spans in a WITHOUT ROWID table. */
function databaseAtVersion4(path: string): void {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE schema_version (version INTEGER NOT NULL)');
  for (const m of MIGRATIONS.filter((migration) => migration.version <= 4)) {
    db.exec(m.sql);
    db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(m.version);
  }
  db.prepare(
    "INSERT INTO experiments (experiment_id, name, artifact_location, creation_time, last_update_time) VALUES (7, 'old', 'file:///tmp', 0, 0)",
  ).run();
  db.prepare(
    "INSERT INTO traces (trace_id, experiment_id, timestamp_ms, state) VALUES ('tr-old', 7, 1000, 'OK'), ('tr-other', 7, 2000, 'OK')",
  ).run();
  const span = db.prepare(
    `INSERT INTO spans (trace_id, span_id, parent_span_id, name, type, status, start_time_ns, end_time_ns, content)
     VALUES (?, ?, ?, ?, 'TOOL', 'OK', ?, ?, ?)`,
  );
  span.run('tr-old', 'b2', 'a1', 'child', 2_000_000, 3_000_000, '{"child":true}');
  span.run('tr-old', 'a1', null, 'root', 1_000_000, 4_000_000, '{"root":true}');
  span.run('tr-other', 'c3', null, 'other', 5_000_000, 6_000_000, '{"other":true}');
  db.close();
}

describe('migration 5: spans as an append-only rowid table', () => {
  it('keeps every stored span, its key and its indexes, and upserts by (trace_id, span_id) as before', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spans-migration-'));
    dirs.push(dir);
    const path = join(dir, 'old.db');
    databaseAtVersion4(path);

    const db = openSqlite(path);
    const table = db.prepare("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'spans'").get() as {
      sql: string;
    };
    expect(table.sql).not.toMatch(/WITHOUT ROWID/i);
    const indexes = db
      .prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'spans' ORDER BY name")
      .pluck()
      .all();
    expect(indexes).toEqual(['spans_by_name', 'spans_by_type', 'sqlite_autoindex_spans_1']);
    // Migration 6 (trace-key-migration.test.ts) follows: spans are keyed by trace_key since.
    expect(db.prepare('SELECT MAX(version) FROM schema_version').pluck().get()).toBe(MIGRATIONS.at(-1)!.version);

    const store = new SqliteTraceStore(db, { readWorkers: 0 });
    try {
      const spans = await store.getSpans('tr-old');
      expect(spans?.map((s) => [s.spanId, s.parentSpanId, s.name, s.content])).toEqual([
        ['a1', null, 'root', '{"root":true}'],
        ['b2', 'a1', 'child', '{"child":true}'],
      ]);
      expect(await store.spanCounts(['tr-old', 'tr-other'])).toEqual(
        new Map([
          ['tr-old', 2],
          ['tr-other', 1],
        ]),
      );
      // Re-sending a stored span replaces it rather than adding a row.
      const root = spans![0];
      await store.logSpans({ experimentId: '7', spans: [{ ...root, content: '{"root":"again"}' }] });
      expect((await store.getSpans('tr-old'))?.map((s) => s.content)).toEqual(['{"root":"again"}', '{"child":true}']);
      // The foreign key still cascades.
      await store.deleteTraces({ experimentId: '7', traceIds: ['tr-old'] });
      expect(db.prepare('SELECT COUNT(*) FROM spans').pluck().get()).toBe(1);
    } finally {
      await store.close();
    }
  });
});
