import { createServer, type Server, type Socket } from 'node:net';
import type { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServer } from '../../test-helpers.ts';
import { checkPostgresHealth } from './check-postgres-health.ts';
import {
  DatabaseUnavailableError,
  isRetryablePostgresError,
  StatementTimeoutError,
  translatePostgresError,
  ValueOutOfRangeError,
} from './postgres-errors.ts';
import { createPostgresPool } from './postgres-pool.ts';
import { parsePostgresUri } from './postgres-uri.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';
import { withStatementTimeout } from './with-statement-timeout.ts';

let db: TestDatabase;
let pool: Pool;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = createPostgresPool(db.uri, { size: 2, statementTimeoutMs: 30_000 });
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});

/** A pool whose server accepts TCP connections and never says a word: a hung database. */
async function silentServer(): Promise<{ server: Server; port: number; close: () => Promise<void> }> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    server,
    port,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

describe('withStatementTimeout', () => {
  it('cancels a slow statement at the budget and reports it as StatementTimeoutError', async () => {
    // pg_sleep(5) ends without an error unless cancelled: the error itself shows the budget was applied.
    const error = await withStatementTimeout(pool, 200, (c) => c.query('SELECT pg_sleep(5)')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StatementTimeoutError);
    expect(error).toMatchObject({ errorCode: 'TEMPORARILY_UNAVAILABLE', statusCode: 503, timeoutMs: 200 });
    expect((error as Error).message).toMatch(/took longer than 200 ms and was cancelled/);
    expect((error as Error).message).not.toMatch(/pg_sleep|SELECT|canceling statement/);
  });

  it('returns the work’s result, and leaves pooled connections at their default timeout', async () => {
    const rows = await withStatementTimeout(pool, 1_000, async (c) => (await c.query('SELECT 41 + 1 AS n')).rows);
    expect(rows).toEqual([{ n: 42 }]);
    // Hold both connections, so both were through withStatementTimeout above or now: none keeps 200 ms / 1 s.
    const [a, b] = await Promise.all([pool.connect(), pool.connect()]);
    try {
      for (const c of [a, b]) expect((await c.query('SHOW statement_timeout')).rows[0].statement_timeout).toBe('30s');
    } finally {
      a.release();
      b.release();
    }
  });

  it('rolls back the work of a cancelled request', async () => {
    await pool.query('CREATE TABLE IF NOT EXISTS budget_probe (x int)');
    await withStatementTimeout(pool, 200, async (c) => {
      await c.query('INSERT INTO budget_probe VALUES (1)');
      await c.query('SELECT pg_sleep(5)');
    }).catch(() => undefined);
    expect((await pool.query('SELECT count(*)::int AS n FROM budget_probe')).rows[0].n).toBe(0);
  });

  it('answers 503 in MLflow’s envelope through the app’s error handler, with no SQL in it', async () => {
    const server = await createTestServer();
    try {
      server.app.get('/api/2.0/test/slow', () => withStatementTimeout(pool, 100, (c) => c.query('SELECT pg_sleep(5)')));
      const res = await server.app.inject({ method: 'GET', url: '/api/2.0/test/slow' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({
        error_code: 'TEMPORARILY_UNAVAILABLE',
        message:
          "The request's database work took longer than 100 ms and was cancelled. Narrow the filter or the time range, or retry later.",
      });
    } finally {
      await server.close();
    }
  });

  it('applies the pool’s own cap to statements outside a request budget', async () => {
    const capped = createPostgresPool(db.uri, { size: 1, statementTimeoutMs: 150 });
    try {
      const error = await capped.query('SELECT pg_sleep(5)').catch((e: unknown) => e);
      expect(translatePostgresError(error, 150)).toBeInstanceOf(StatementTimeoutError);
    } finally {
      await capped.end();
    }
  });

  it('reports an unreachable database as DatabaseUnavailableError, not a 500', async () => {
    const silent = await silentServer();
    await silent.close(); // Nothing listens on this port any more.
    const down = createPostgresPool(parsePostgresUri(`postgresql://u:p@127.0.0.1:${silent.port}/db`), {
      size: 1,
      statementTimeoutMs: 1_000,
    });
    try {
      const error = await withStatementTimeout(down, 1_000, (c) => c.query('SELECT 1')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DatabaseUnavailableError);
      expect(error).toMatchObject({ statusCode: 503, message: 'The database is unavailable. Retry later.' });
    } finally {
      await down.end();
    }
  });
});

describe('translatePostgresError', () => {
  it.each([
    [{ code: '57P01', message: 'terminating connection due to administrator command' }, DatabaseUnavailableError],
    [{ code: '53300', message: 'sorry, too many clients already' }, DatabaseUnavailableError],
    [{ code: '08006', message: 'connection failure' }, DatabaseUnavailableError],
    [new Error('timeout exceeded when trying to connect'), DatabaseUnavailableError],
    [{ code: '57014', message: 'canceling statement due to statement timeout' }, StatementTimeoutError],
    [{ code: '22003', message: 'value "1e+30" is out of range for type bigint' }, ValueOutOfRangeError],
  ])('maps %o', (error, kind) => {
    expect(translatePostgresError(error)).toBeInstanceOf(kind);
  });
  it('leaves our own faults alone (they stay 500s without internals)', () => {
    const syntax = { code: '42601', message: 'syntax error at or near "SELEC"' };
    expect(translatePostgresError(syntax)).toBe(syntax);
  });
  it('tells a store which failures to retry', () => {
    expect(['40001', '40P01', '23505', '57014'].map((code) => isRetryablePostgresError({ code }))).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });
});

describe('checkPostgresHealth', () => {
  it('reports a reachable database with its latency', async () => {
    const health = await checkPostgresHealth(pool, 2_000);
    expect(health).toMatchObject({ ok: true });
    expect(health.ok && health.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('fails fast for a database that accepts connections and never answers', async () => {
    const silent = await silentServer();
    const hung = createPostgresPool(parsePostgresUri(`postgresql://u:p@127.0.0.1:${silent.port}/db`), {
      size: 1,
      statementTimeoutMs: 1_000,
      connectionTimeoutMs: 30_000,
    });
    try {
      // The reason names the health check's own 300 ms, not the pool's 30 s connection timeout.
      expect(await checkPostgresHealth(hung, 300)).toEqual({ ok: false, reason: 'no connection within 300 ms' });
    } finally {
      await silent.close();
      await hung.end().catch(() => undefined);
    }
  });

  it('reports a refused connection', async () => {
    const silent = await silentServer();
    await silent.close();
    const down = createPostgresPool(parsePostgresUri(`postgresql://u:p@127.0.0.1:${silent.port}/db`), {
      size: 1,
      statementTimeoutMs: 1_000,
    });
    try {
      expect(await checkPostgresHealth(down, 2_000)).toEqual({ ok: false, reason: 'unreachable (ECONNREFUSED)' });
    } finally {
      await down.end();
    }
  });
});
