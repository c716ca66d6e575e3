import { afterEach, describe, expect, it } from 'vitest';
import { createTestServer, type TestServer } from '../test-helpers.ts';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('/health reports the database', () => {
  it('SQLite: OK while the database answers, 503 naming the engine once it does not', async () => {
    server = await createTestServer({ backend: 'sqlite' });
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
  });

  it('answers probes arriving together from one round trip', async () => {
    server = await createTestServer({ backend: 'sqlite' });
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
});
