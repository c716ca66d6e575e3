// The review queue endpoints through the real app on a real SQLite file: traces arrive through
// StartTraceV3, queues are worked through the extension endpoints, and access goes through --auth.
import type { FastifyInstance, InjectOptions } from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import { ADMIN, basic, call, createAuthTestServer, type AuthTestServer } from '../auth/auth-test-server.ts';
import { openSqlite } from '../storage/open-sqlite.ts';
import { openStore } from '../storage/open-store.ts';
import type { TraceStore } from '../storage/trace-store.ts';
import { createExperiment, startTrace } from '../test-helpers.ts';
import { reviewQueueRoutes } from './review-queue-routes.ts';
import { SqliteReviewQueueStore } from './sqlite-review-queue-store.ts';

const Q = '/api/trace-explorer/v1/review-queues';
let dir: string;
let store: TraceStore;
let queues: SqliteReviewQueueStore;
let app: FastifyInstance;
/** The clock the queue routes read (live queues look for new traces at most every 2 s). */
let clock = Date.UTC(2026, 0, 10);
let exp = '';
let otherExp = '';

async function ok(options: InjectOptions) {
  const response = await app.inject(options);
  if (response.statusCode !== 200) throw new Error(`${options.url} ${response.statusCode}: ${response.body}`);
  return response.json();
}
const post = (path: string, payload: Record<string, unknown>) => ok({ method: 'POST', url: `${Q}/${path}`, payload });
const refused = async (path: string, payload: Record<string, unknown>) => {
  const response = await app.inject({ method: 'POST', url: `${Q}/${path}`, payload });
  return { status: response.statusCode, ...(response.json() as { error_code: string; message: string }) };
};
const hex = (n: number) => n.toString(16).padStart(32, '0');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'trace-explorer-queue-routes-'));
  const path = join(dir, 'test.db');
  store = await openStore(`sqlite:///${path}`, { synchronous: 'NORMAL' });
  queues = new SqliteReviewQueueStore(openSqlite(path));
  app = await buildApp({ store });
  await app.register(reviewQueueRoutes, { store, queues, now: () => clock });
  exp = await createExperiment(app, 'queues');
  otherExp = await createExperiment(app, 'elsewhere');
  // 30 traces a minute apart, every third an ERROR; the newest is trace 29.
  for (let i = 0; i < 30; i++)
    await startTrace(app, {
      traceId: `tr-${hex(i)}`,
      experimentId: exp,
      startMs: clock - (30 - i) * 60_000,
      state: i % 3 === 0 ? 'ERROR' : 'OK',
    });
  await startTrace(app, { traceId: `tr-${hex(999)}`, experimentId: otherExp, startMs: clock - 1000 });
});

afterAll(async () => {
  await app.close();
  await store.close();
  await queues.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('review queue endpoints', () => {
  it('create, list, get, update and delete a queue; bad input answers in the envelope', async () => {
    const { queue } = await post('create', {
      experiment_id: exp,
      name: 'Triage',
      instructions: 'Is the answer right?',
      label_names: ['correctness', 'tone'],
    });
    expect(queue).toMatchObject({
      experiment_id: exp,
      name: 'Triage',
      label_names: ['correctness', 'tone'],
      live_filter: null,
      created_by: 'anonymous',
      progress: { total: 0, done: 0, remaining: 0 },
    });
    expect(await refused('create', { experiment_id: exp, name: 'Triage' })).toMatchObject({
      status: 400,
      error_code: 'RESOURCE_ALREADY_EXISTS',
    });
    expect(await refused('create', { experiment_id: exp })).toMatchObject({
      status: 400,
      error_code: 'INVALID_PARAMETER_VALUE',
    });
    expect(await refused('create', { experiment_id: exp, name: 'x', label_names: 'tone' })).toMatchObject({
      status: 400,
      error_code: 'INVALID_PARAMETER_VALUE',
    });
    expect(await refused('create', { experiment_id: exp, name: 'x', live_filter: 'status = ' })).toMatchObject({
      status: 400,
      error_code: 'INVALID_PARAMETER_VALUE',
    });
    expect(await refused('create', { experiment_id: '424242', name: 'x' })).toMatchObject({ status: 404 });

    const listed = await ok({ url: `${Q}/list?experiment_id=${exp}` });
    expect(listed.queues.map((q: { name: string }) => q.name)).toEqual(['Triage']);
    expect((await ok({ url: `${Q}/list?experiment_id=${otherExp}` })).queues).toEqual([]);

    const updated = await post('update', { experiment_id: exp, queue_id: queue.queue_id, name: 'Triage 2' });
    expect(updated.queue).toMatchObject({ name: 'Triage 2', instructions: 'Is the answer right?' });
    const fetched = await ok({ url: `${Q}/get?experiment_id=${exp}&queue_id=${queue.queue_id}` });
    expect(fetched.queue.name).toBe('Triage 2');
    // A queue asked for under another experiment does not exist there.
    expect(
      (await app.inject({ url: `${Q}/get?experiment_id=${otherExp}&queue_id=${queue.queue_id}` })).statusCode,
    ).toBe(404);
    for (const queueId of ['abc', '1e3', '99999999999999999999', ''])
      expect((await refused('update', { experiment_id: exp, queue_id: queueId, name: 'y' })).status).toBe(400);

    expect(await post('delete', { experiment_id: exp, queue_id: queue.queue_id })).toEqual({});
    expect((await refused('delete', { experiment_id: exp, queue_id: queue.queue_id })).status).toBe(404);
  });

  it('adds traces by id (this experiment only) and a filter snapshot, newest first, capped', async () => {
    const { queue } = await post('create', { experiment_id: exp, name: 'Errors' });
    const ids = { experiment_id: exp, queue_id: queue.queue_id };
    const foreign = await refused('add-items', { ...ids, trace_ids: [`tr-${hex(1)}`, `tr-${hex(999)}`] });
    expect(foreign).toMatchObject({ status: 400, error_code: 'INVALID_PARAMETER_VALUE' });
    expect(foreign.message).toContain(`tr-${hex(999)}`);
    expect(await refused('add-items', ids)).toMatchObject({ status: 400 });

    expect(await post('add-items', { ...ids, filter: "status = 'ERROR'", max_traces: 4 })).toEqual({
      added: 4,
      matched: 4,
      truncated: true,
    });
    expect(await post('add-items', { ...ids, filter: "status = 'ERROR'" })).toEqual({
      added: 6,
      matched: 10,
      truncated: false,
    });
    expect(await post('add-items', { ...ids, trace_ids: [`tr-${hex(1)}`, `tr-${hex(27)}`] })).toEqual({ added: 1 });
    const { items } = await ok({ url: `${Q}/items?experiment_id=${exp}&queue_id=${queue.queue_id}` });
    expect(items.map((i: { trace_id: string }) => i.trace_id)).toEqual([
      ...[27, 24, 21, 18, 15, 12, 9, 6, 3, 0].map((n) => `tr-${hex(n)}`),
      `tr-${hex(1)}`,
    ]);
    expect((await refused('add-items', { ...ids, filter: '', max_traces: 100_001 })).status).toBe(400);
  });

  it('two reviewers get different items; complete records who and when; skip comes back last', async () => {
    const { queue } = await post('create', { experiment_id: exp, name: 'Work' });
    const ids = { experiment_id: exp, queue_id: queue.queue_id };
    await post('add-items', { ...ids, trace_ids: [0, 1, 2].map((n) => `tr-${hex(n)}`) });

    const ann = await post('next', { ...ids, reviewer: 'ann' });
    const bob = await post('next', { ...ids, reviewer: 'bob' });
    expect(ann.item).toMatchObject({ trace_id: `tr-${hex(0)}`, claimed_by: 'ann', status: 'pending' });
    expect(bob.item.trace_id).toBe(`tr-${hex(1)}`);
    // The explorer prefetches: passing over the current item claims the following one.
    const prefetched = await post('next', { ...ids, reviewer: 'ann', exclude_trace_ids: [`tr-${hex(0)}`] });
    expect(prefetched.item.trace_id).toBe(`tr-${hex(2)}`);
    expect((await post('next', { ...ids, reviewer: 'cat' })).item).toBeUndefined();

    clock += 5_000;
    const done = await post('complete', { ...ids, reviewer: 'ann', trace_id: `tr-${hex(0)}` });
    expect(done.item).toMatchObject({ status: 'done', completed_by: 'ann', completed_at_ms: clock });
    expect(done.progress).toEqual({
      total: 3,
      done: 1,
      skipped: 0,
      remaining: 2,
      by_reviewer: [{ reviewer: 'ann', done: 1 }],
    });
    expect((await post('skip', { ...ids, reviewer: 'bob', trace_id: `tr-${hex(1)}` })).progress).toMatchObject({
      skipped: 1,
      remaining: 2,
    });
    expect(await post('release', { ...ids, reviewer: 'ann', trace_id: `tr-${hex(2)}` })).toEqual({ released: true });
    expect((await post('next', { ...ids, reviewer: 'cat' })).item.trace_id).toBe(`tr-${hex(2)}`);
    expect((await post('next', { ...ids, reviewer: 'bob' })).item).toMatchObject({
      trace_id: `tr-${hex(1)}`,
      status: 'skipped',
    });
    expect(await refused('complete', { ...ids, reviewer: 'ann', trace_id: `tr-${hex(999)}` })).toMatchObject({
      status: 404,
      error_code: 'RESOURCE_DOES_NOT_EXIST',
    });
  });

  it('a live queue takes new matching traces when a reviewer asks, not older ones', async () => {
    const { queue } = await post('create', { experiment_id: exp, name: 'Live', live_filter: "status = 'ERROR'" });
    const ids = { experiment_id: exp, queue_id: queue.queue_id, reviewer: 'ann' };
    expect((await post('next', ids)).item).toBeUndefined();
    for (let i = 100; i < 104; i++)
      await startTrace(app, {
        traceId: `tr-${hex(i)}`,
        experimentId: exp,
        startMs: clock + i,
        state: i % 2 === 0 ? 'ERROR' : 'OK',
      });
    clock += 3_000;
    const first = await post('next', ids);
    expect(first.progress).toMatchObject({ total: 2, remaining: 2 });
    expect(first.item.trace_id).toBe(`tr-${hex(102)}`);
    await startTrace(app, { traceId: `tr-${hex(110)}`, experimentId: exp, startMs: clock, state: 'ERROR' });
    clock += 3_000;
    expect((await post('next', { ...ids, exclude_trace_ids: [`tr-${hex(102)}`] })).progress.total).toBe(3);
    const { items } = await ok({ url: `${Q}/items?experiment_id=${exp}&queue_id=${queue.queue_id}` });
    expect(items.map((i: { trace_id: string }) => i.trace_id)).toEqual([102, 100, 110].map((n) => `tr-${hex(n)}`));
  });
});

describe('review queue access', () => {
  let server: AuthTestServer;
  const PASSWORD = 'a-long-password-1';
  let experimentId = '';
  let queueId = '';
  const as = (username: string, path: string, payload: Record<string, unknown>) =>
    call(server.app, basic(username, PASSWORD), {
      method: 'POST',
      url: `${Q}/${path}`,
      payload: { experiment_id: experimentId, ...payload },
    });

  beforeAll(async () => {
    server = await createAuthTestServer();
    const admin = basic(ADMIN.username, ADMIN.password);
    const adminCall = async (options: InjectOptions) => (await call(server.app, admin, options)).json();
    experimentId = (
      await adminCall({ method: 'POST', url: '/api/2.0/mlflow/experiments/create', payload: { name: 'guarded' } })
    ).experiment_id;
    for (const [username, permission] of [
      ['reader', 'READ'],
      ['editor', 'EDIT'],
      ['manager', 'MANAGE'],
    ]) {
      await adminCall({
        method: 'POST',
        url: '/api/2.0/mlflow/users/create',
        payload: { username, password: PASSWORD },
      });
      await adminCall({
        method: 'POST',
        url: '/api/2.0/mlflow/experiments/permissions/create',
        payload: { experiment_id: experimentId, username, permission },
      });
    }
    await call(server.app, admin, {
      method: 'POST',
      url: '/api/3.0/mlflow/traces',
      payload: {
        trace: {
          trace_info: {
            trace_id: 'tr-guarded',
            trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } },
            request_time: '2026-01-01T00:00:00Z',
            state: 'OK',
          },
        },
      },
    });
  }, 60_000);
  afterAll(async () => {
    await server.close();
  });

  it('read lists, edit works a queue (as the signed-in reviewer), manage deletes it', async () => {
    expect((await as('reader', 'create', { name: 'q' })).statusCode).toBe(403);
    const created = await as('editor', 'create', { name: 'q' });
    expect(created.json().queue.created_by).toBe('editor');
    queueId = created.json().queue.queue_id;
    const listed = await call(server.app, basic('reader', PASSWORD), {
      url: `${Q}/list?experiment_id=${experimentId}`,
    });
    expect(listed.json().queues).toHaveLength(1);
    expect((await as('reader', 'next', { queue_id: queueId })).statusCode).toBe(403);
    expect((await as('editor', 'add-items', { queue_id: queueId, trace_ids: ['tr-guarded'] })).json()).toEqual({
      added: 1,
    });
    // The reviewer is the signed-in user, whatever the body says.
    const next = await as('editor', 'next', { queue_id: queueId, reviewer: 'someone-else' });
    expect(next.json().item.claimed_by).toBe('editor');
    expect((await as('editor', 'delete', { queue_id: queueId })).statusCode).toBe(403);
    expect((await as('manager', 'delete', { queue_id: queueId })).statusCode).toBe(200);
  });
});
