import { Client } from 'pg';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { buildApp } from '../app.ts';
import { openStore } from '../storage/open-store.ts';
import { createTestDatabase } from '../storage/postgres/test-database.ts';
import { createTestServer, defaultTestBackend, type TestServer } from '../test-helpers.ts';

// Each test runs on the vitest project's engine: SQLite in `server`, PostgreSQL in `server-postgres`.
const backend = defaultTestBackend();

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('/health reports the database', () => {
  it.runIf(backend === 'sqlite')(
    'SQLite: OK while the file answers, 503 naming the engine once it does not',
    async () => {
      server = await createTestServer({ backend });
      const up = await server.app.inject({ url: '/health' });
      expect(up.statusCode).toBe(200);
      expect(up.body).toBe('OK');
      expect(up.headers['cache-control']).toBe('no-store');

      // A closed store is what a replica with a lost database looks like to the route.
      await server.store.close();
      const down = await server.app.inject({ url: '/health' });
      expect(down.statusCode).toBe(503);
      expect(down.json()).toEqual({
        error_code: 'TEMPORARILY_UNAVAILABLE',
        message: 'The SQLite database is unreachable: the database is closed.',
        database: { engine: 'sqlite', reachable: false, reason: 'the database is closed' },
      });
      // The test server closes its store again on teardown: give it a fresh one to close.
      server = undefined;
    },
  );

  it('answers probes arriving together from one round trip', async () => {
    server = await createTestServer({ backend });
    const { app, store } = server;
    // The probe is held until all five requests have reached the route, so they are truly together.
    let arrived = 0;
    let allArrived!: () => void;
    const together = new Promise<void>((resolve) => (allArrived = resolve));
    app.addHook('preHandler', async () => {
      if (++arrived === 5) allArrived();
    });
    let probes = 0;
    const health = store.health.bind(store);
    store.health = async (timeoutMs) => {
      probes++;
      await together;
      return health(timeoutMs);
    };
    const answers = await Promise.all(Array.from({ length: 5 }, () => app.inject({ url: '/health' })));
    expect(answers.map((a) => a.body)).toEqual(['OK', 'OK', 'OK', 'OK', 'OK']);
    expect(probes).toBe(1);
    // The next probe is a new round trip, not a remembered answer.
    expect((await app.inject({ url: '/health' })).body).toBe('OK');
    expect(probes).toBe(2);
  });

  it.runIf(backend === 'postgresql')(
    'PostgreSQL: 503 naming the engine while the database refuses connections, OK again once it accepts them',
    async () => {
      const database = await createTestDatabase();
      const store = await openStore(database.url);
      const app = await buildApp({ store });
      const admin = new Client({ connectionString: inject('postgresUrl') });
      await admin.connect();
      const name = database.uri.database;
      try {
        expect((await app.inject({ url: '/health' })).body).toBe('OK');

        // What a replica sees when its database goes away: no new sessions, and its pooled ones ended.
        await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
        await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);
        const down = await app.inject({ url: '/health' });
        expect(down.statusCode).toBe(503);
        const body = down.json();
        expect(body).toMatchObject({
          error_code: 'TEMPORARILY_UNAVAILABLE',
          message: expect.stringMatching(/^The PostgreSQL database is unreachable: unreachable \(/),
          database: { engine: 'postgresql', reachable: false, reason: expect.stringMatching(/^unreachable \(/) },
        });
        // The reason names an error code, never the URI, the password or SQL.
        expect(down.body).not.toContain(database.uri.password ?? '<none>');
        expect(down.body).not.toMatch(/SELECT|postgresql:\/\//);

        await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
        expect((await app.inject({ url: '/health' })).body).toBe('OK');
      } finally {
        await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`).catch(() => undefined);
        await admin.end();
        await app.close();
        await store.close();
        await database.drop();
      }
    },
  );
});
