// The statement cache is keyed by SQL text, and searches, counts and the live tail build their text
// from the request (the filter's shape, how many experiments, the order): a caller sending ever new
// shapes must not grow it without bound.
import { describe, expect, it } from 'vitest';
import { openSqlite } from '../open-sqlite.ts';
import { MAX_CACHED_STATEMENTS, SqliteContext } from './sqlite-context.ts';

describe('SqliteContext statement cache', () => {
  it('keeps at most MAX_CACHED_STATEMENTS, and evicted statements still run', () => {
    const db = openSqlite(':memory:');
    try {
      const ctx = new SqliteContext(db, Date.now, () => {});
      const first = ctx.stmt('SELECT 0 AS n');
      for (let i = 1; i <= MAX_CACHED_STATEMENTS * 2; i++) ctx.stmt(`SELECT ${i} AS n`);
      expect(ctx.cachedStatements).toBeLessThanOrEqual(MAX_CACHED_STATEMENTS);
      // A statement a caller still holds (an iterator in flight) keeps working after eviction.
      expect(first.get()).toEqual({ n: 0 });
      // A text used again is prepared again and answers the same.
      expect(ctx.stmt('SELECT 0 AS n').get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  });

  it('keeps statements used often while new ones come and go', () => {
    const db = openSqlite(':memory:');
    try {
      const ctx = new SqliteContext(db, Date.now, () => {});
      const hot = ctx.stmt('SELECT 1 AS hot');
      for (let i = 0; i < MAX_CACHED_STATEMENTS * 2; i++) {
        ctx.stmt(`SELECT ${i} AS cold`);
        expect(ctx.stmt('SELECT 1 AS hot')).toBe(hot);
      }
    } finally {
      db.close();
    }
  });
});
