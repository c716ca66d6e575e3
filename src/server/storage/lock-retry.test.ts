// The auxiliary stores' writes (auth, review queues, saved views) meeting SQLite's write lock taken by
// another connection, as the trace store's writer thread takes it for a big commit: the real app with
// --auth on a real SQLite file, the lock held by a second connection in BEGIN IMMEDIATE.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, basic, call, createAuthTestServer, type AuthTestServer } from '../auth/auth-test-server.ts';

const admin = basic(ADMIN.username, ADMIN.password);
const VIEWS = '/ajax-api/trace-explorer/v1/saved-views';
const QUEUES = '/ajax-api/trace-explorer/v1/review-queues';
const VIEW_BODY = { version: 1, tab: 'traces', params: { q: "status = 'ERROR'" } };

/** Takes the database's write lock on a connection of its own until the returned function runs. */
function holdWriteLock(server: AuthTestServer): () => void {
  const holder = new Database(join(server.dir, 'test.db'));
  holder.exec('BEGIN IMMEDIATE');
  return () => {
    holder.exec('COMMIT');
    holder.close();
  };
}

/** An experiment with one trace in a review queue, ready to be claimed. */
async function queueWithOneItem(server: AuthTestServer, name: string) {
  const post = async (url: string, payload: Record<string, unknown>) => {
    const response = await call(server.app, admin, { method: 'POST', url, payload });
    if (response.statusCode !== 200) throw new Error(`${url} ${response.statusCode}: ${response.body}`);
    return response.json();
  };
  const { experiment_id: exp } = await post('/api/2.0/mlflow/experiments/create', { name });
  const traceId = `tr-${name}`;
  await post('/api/3.0/mlflow/traces', {
    trace: {
      trace_info: {
        trace_id: traceId,
        trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } },
        request_time: new Date(Date.UTC(2026, 0, 1)).toISOString(),
        state: 'OK',
        trace_metadata: {},
        tags: {},
      },
    },
  });
  const { queue } = await post(`${QUEUES}/create`, { experiment_id: exp, name: 'Work' });
  const ids = { experiment_id: exp, queue_id: queue.queue_id };
  await post(`${QUEUES}/add-items`, { ...ids, trace_ids: [traceId] });
  return { exp: exp as string, ids, traceId };
}

/** The three kinds of write, each through its route: a saved view, a queue claim, a permission. */
type Prepare = (server: AuthTestServer, n: number) => Promise<() => ReturnType<typeof call>>;
/** Each write's name, its preparation (returning the request) and the part of its answer it must have. */
const writes: [string, Prepare, (n: number) => Record<string, unknown>][] = [
  [
    'saved view create',
    async (server, n) => {
      const { exp } = await queueWithOneItem(server, `views-${n}`);
      return () =>
        call(server.app, admin, {
          method: 'POST',
          url: `${VIEWS}/create`,
          payload: { experiment_id: exp, name: `view ${n}`, body: VIEW_BODY, visibility: 'shared' },
        });
    },
    (n) => ({ view: { name: `view ${n}` } }),
  ],
  [
    'review queue claim',
    async (server, n) => {
      const { ids } = await queueWithOneItem(server, `claims-${n}`);
      return () => call(server.app, admin, { method: 'POST', url: `${QUEUES}/next`, payload: ids });
    },
    (n) => ({ item: { trace_id: `tr-claims-${n}`, claimed_by: ADMIN.username, status: 'pending' } }),
  ],
  [
    'auth grant create',
    async (server, n) => {
      const { exp } = await queueWithOneItem(server, `grants-${n}`);
      const username = `user-${n}`;
      await call(server.app, admin, {
        method: 'POST',
        url: '/api/2.0/mlflow/users/create',
        payload: { username, password: 'a-long-password-1' },
      });
      return () =>
        call(server.app, admin, {
          method: 'POST',
          url: '/api/2.0/mlflow/experiments/permissions/create',
          payload: { experiment_id: exp, username, permission: 'EDIT' },
        });
    },
    () => ({ experiment_permission: { permission: 'EDIT' } }),
  ],
];

describe('a write that meets the write lock waits off the event loop', () => {
  let server: AuthTestServer;
  beforeAll(async () => {
    server = await createAuthTestServer();
  });
  afterAll(() => server.close());

  it.each(writes.map(([name, prepare, answer], n) => [name, prepare, answer, n] as const))(
    '%s: /health and reads are answered while it waits; it completes once the lock is released',
    async (_name, prepare, answer, n) => {
      const send = await prepare(server, n);
      const release = holdWriteLock(server);
      const answered: string[] = [];
      let write: ReturnType<typeof call>;
      try {
        write = send().then((r) => (answered.push('write'), r));
        // Let the write reach the store and meet the lock (it cannot get past it while it is held).
        await new Promise((resolve) => setTimeout(resolve, 20));
        const health = await server.app.inject({ method: 'GET', url: '/health' });
        answered.push('health');
        expect(health.statusCode).toBe(200);
        // A read on an auxiliary store (the auth check included) does not wait for the writer in WAL.
        const users = await call(server.app, admin, { method: 'GET', url: '/api/2.0/mlflow/users/list' });
        answered.push('read');
        expect(users.statusCode).toBe(200);
        expect(answered).toEqual(['health', 'read']);
      } finally {
        release();
      }
      const response = await write;
      expect(answered).toEqual(['health', 'read', 'write']);
      expect({ status: response.statusCode, body: response.json() }).toMatchObject({ status: 200, body: answer(n) });
    },
  );
});

describe('a write that meets the write lock past its budget', () => {
  let server: AuthTestServer;
  beforeAll(async () => {
    server = await createAuthTestServer({ lockBudgetMs: 50 });
  });
  afterAll(() => server.close());

  it.each(writes.map(([name, prepare, answer], n) => [name, prepare, answer, n] as const))(
    '%s: answers 503 TEMPORARILY_UNAVAILABLE in the envelope, having written nothing; tried again it succeeds',
    async (_name, prepare, answer, n) => {
      const send = await prepare(server, n);
      const release = holdWriteLock(server);
      let refused: Awaited<ReturnType<typeof call>>;
      try {
        refused = await send();
      } finally {
        release();
      }
      expect(refused.statusCode).toBe(503);
      expect(refused.json()).toEqual({
        error_code: 'TEMPORARILY_UNAVAILABLE',
        message: 'The database is busy; try again shortly.',
      });
      // Nothing was half-done: the same write, sent again, is the first of its kind (no "already exists",
      // the queue item is still unclaimed and claimable).
      const again = await send();
      expect({ status: again.statusCode, body: again.json() }).toMatchObject({ status: 200, body: answer(n) });
    },
  );
});
