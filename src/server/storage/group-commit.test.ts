// SQLite-only: group commit runs the writes of one event-loop turn in one transaction, each in
// its own savepoint, answers nobody before COMMIT, and reports what the successful ones changed.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit.ts';
import { openSqlite } from './open-sqlite.ts';
import type { StoreChange } from './store-change.ts';

let dir: string;
let db: Database.Database;
/** A second connection: what it sees is what has been committed. */
let reader: Database.Database;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'group-commit-'));
  db = openSqlite(join(dir, 'g.db'), { synchronous: 'NORMAL' });
  db.exec(`CREATE TABLE item (id TEXT PRIMARY KEY);
    CREATE TABLE parent (id TEXT PRIMARY KEY);
    CREATE TABLE child (pid TEXT REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)`);
  reader = new Database(join(dir, 'g.db'), { readonly: true });
});
afterEach(() => {
  reader.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const insert = (id: string) => () => void db.prepare('INSERT INTO item (id) VALUES (?)').run(id);
const committed = () => (reader.prepare('SELECT id FROM item ORDER BY id').pluck().all() as string[]).join(',');

describe('group commit', () => {
  it("one request's failure rolls back only its own savepoint; its neighbours commit in the same transaction", async () => {
    const changes: StoreChange[] = [];
    const commit = new GroupCommit(db, (c) => changes.push(c));
    const results = await Promise.allSettled([
      commit.run(insert('a'), { traces: ['tr-a'] }),
      commit.run(
        () => {
          insert('b')();
          throw new Error('bad request');
        },
        { traces: ['tr-b'] },
      ),
      commit.run(insert('c'), { traces: ['tr-c'], assessments: true }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(committed()).toBe('a,c');
    expect(commit.stats()).toMatchObject({ commits: 1, operations: 3, maxBatch: 3 });
    // The write hook hears only what the successful operations changed, once per commit.
    expect(changes).toEqual([{ traces: new Set(['tr-a', 'tr-c']), assessments: true, reset: false }]);
  });

  it('answers nobody before COMMIT: when a caller hears back, another connection already sees the write', async () => {
    const events: string[] = [];
    const commit = new GroupCommit(db, () => events.push('hook'));
    const seen: string[] = [];
    await Promise.all(
      ['x', 'y'].map((id) =>
        commit.run(insert(id), { traces: [id] }).then(() => {
          events.push(`answered ${id}`);
          seen.push(committed());
        }),
      ),
    );
    expect(events).toEqual(['hook', 'answered x', 'answered y']);
    expect(seen).toEqual(['x,y', 'x,y']);
  });

  it('when COMMIT itself fails every caller of the batch is rejected and nothing is reported', async () => {
    const changes: StoreChange[] = [];
    const commit = new GroupCommit(db, (c) => changes.push(c));
    // A deferred foreign key passes the savepoint and fails only at COMMIT.
    const results = await Promise.allSettled([
      commit.run(insert('p'), { traces: ['tr-p'] }),
      commit.run(() => void db.prepare("INSERT INTO child (pid) VALUES ('missing')").run(), { traces: ['tr-q'] }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(committed()).toBe('');
    expect(changes).toEqual([]);
    // The connection is usable again afterwards.
    await commit.run(insert('z'));
    expect(committed()).toBe('z');
  });
});
