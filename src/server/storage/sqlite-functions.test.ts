import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { MlflowError } from '../errors.ts';
import { registerSqliteFunctions } from './sqlite-functions.ts';

const db = new Database(':memory:');
registerSqliteFunctions(db);
// A 1 ms budget: the 200,000 matches below overrun it on any machine, however fast.
const tight = new Database(':memory:');
registerSqliteFunctions(tight, { regexpBudgetMs: 1 });
afterAll(() => {
  db.close();
  tight.close();
});

// 200,000 trace-id-like values: at ≥ 1 µs a match, ≥ 200 ms of matching, far past a 1 ms budget on any machine.
const MANY = `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000)
  SELECT COUNT(*) AS c FROM n WHERE printf('tr-%032x', i) REGEXP ?`;

describe('regexp()', () => {
  it('searches unanchored; NULL and invalid patterns match nothing', () => {
    const one = (sql: string, ...params: unknown[]) => Object.values(db.prepare(sql).get(...params) as object)[0];
    expect(one("SELECT 'abc' REGEXP 'b'")).toBe(1);
    expect(one("SELECT 'abc' REGEXP '^b'")).toBe(0);
    expect(one("SELECT NULL REGEXP 'b'")).toBe(0);
    expect(one("SELECT 'a[' REGEXP '['")).toBe(0);
  });

  it('aborts a statement whose matching overruns the budget with a 400, then serves the next turn', async () => {
    let caught: unknown;
    try {
      tight.prepare(MANY).get('^tr-(?:[0-9a-f]|[0-9a-f]){0,26}Z');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(MlflowError);
    expect((caught as MlflowError).statusCode).toBe(400);
    expect((caught as MlflowError).message).toMatch(/^RLIKE matching took more than 0\.001 s in one search/);
    await new Promise((r) => setImmediate(r));
    expect(tight.prepare("SELECT 'tr-1' REGEXP '^tr-' AS c").get()).toEqual({ c: 1 });
  });
});
