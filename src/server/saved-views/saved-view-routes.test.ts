// The saved-views endpoints through the real app: without auth over both store engines (SQLite,
// and PostgreSQL for the views beside a SQLite trace store), and with --auth for who sees and
// changes what (private vs shared, owner vs manager).
import type { FastifyInstance } from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import { ADMIN, basic, call, createAuthTestServer, type AuthTestServer } from '../auth/auth-test-server.ts';
import { openStore } from '../storage/open-store.ts';
import { createTestDatabase } from '../storage/postgres/test-database.ts';
import { createExperiment } from '../test-helpers.ts';
import { PostgresSavedViewStore } from './postgres-saved-view-store.ts';
import type { SavedViewStore } from './saved-view-store.ts';
import { SqliteSavedViewStore } from './sqlite-saved-view-store.ts';

const ext = (path: string) => `/ajax-api/trace-explorer/v1/saved-views/${path}`;
const BODY = {
  version: 1,
  tab: 'traces',
  params: { q: "status = 'ERROR'", group: 'version', sort: 'tag:customer:asc', cols: 'id,name,tag%3Acustomer' },
};

/** A SQLite trace store with the saved views on the engine under test. */
const engines: [string, (path: string) => Promise<{ views: SavedViewStore; cleanup: () => Promise<void> }>][] = [
  ['sqlite', async (path) => ({ views: new SqliteSavedViewStore(path), cleanup: async () => undefined })],
  [
    'postgresql',
    async () => {
      const db = await createTestDatabase();
      return { views: await PostgresSavedViewStore.open(db.url), cleanup: () => db.drop() };
    },
  ],
];

describe.each(engines)('saved views without auth (views on %s)', (_engine, openViews) => {
  let app: FastifyInstance;
  let close: () => Promise<void>;
  let exp: string;
  let other: string;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trace-explorer-views-routes-'));
    const path = join(dir, 'test.db');
    const store = await openStore(`sqlite:///${path}`, { synchronous: 'NORMAL' });
    const { views, cleanup } = await openViews(path);
    app = await buildApp({ store, savedViews: views });
    close = async () => {
      await app.close();
      await store.close();
      await views.close();
      await cleanup();
      rmSync(dir, { recursive: true, force: true });
    };
    exp = await createExperiment(app, 'views');
    other = await createExperiment(app, 'other');
  });
  afterAll(() => close());

  const post = (path: string, payload: Record<string, unknown>) =>
    app.inject({ method: 'POST', url: ext(path), payload });
  const get = (path: string, query: Record<string, string>) => app.inject({ method: 'GET', url: ext(path), query });

  it('is listed in the capabilities', async () => {
    const r = await app.inject({ method: 'GET', url: '/api/trace-explorer/v1/capabilities' });
    expect(r.json().extensions).toContain('saved-views');
  });

  it('creates, lists, gets, updates, sets the default and deletes a view', async () => {
    const created = await post('create', { experiment_id: exp, name: '  Errors by version ', body: BODY });
    expect(created.statusCode).toBe(200);
    const view = created.json().view;
    expect(view).toMatchObject({
      experiment_id: exp,
      name: 'Errors by version',
      visibility: 'shared',
      owner: null,
      is_default: false,
      body: BODY,
    });
    expect(view.view_id).toMatch(/^sv-[0-9a-f]{24}$/);

    const listed = await get('list', { experiment_id: exp });
    expect(listed.json().views.map((v: { view_id: string }) => v.view_id)).toEqual([view.view_id]);
    expect((await get('get', { experiment_id: exp, view_id: view.view_id })).json().view).toEqual(view);

    const body2 = { ...BODY, tab: 'compare', params: { q: '', key: 'metadata.app_version' } };
    const updated = await post('update', { experiment_id: exp, view_id: view.view_id, name: 'Compare', body: body2 });
    expect(updated.statusCode).toBe(200);
    expect(updated.json().view).toMatchObject({ name: 'Compare', body: body2 });

    expect((await post('set-default', { experiment_id: exp, view_id: view.view_id })).statusCode).toBe(200);
    expect((await get('list', { experiment_id: exp })).json().views[0].is_default).toBe(true);
    expect((await post('set-default', { experiment_id: exp })).statusCode).toBe(200);
    expect((await get('list', { experiment_id: exp })).json().views[0].is_default).toBe(false);

    expect((await post('delete', { experiment_id: exp, view_id: view.view_id })).statusCode).toBe(200);
    const gone = await get('get', { experiment_id: exp, view_id: view.view_id });
    expect([gone.statusCode, gone.json().error_code]).toEqual([404, 'RESOURCE_DOES_NOT_EXIST']);
  });

  it("shows nothing of one experiment's views in another's", async () => {
    const view = (await post('create', { experiment_id: exp, name: 'mine', body: BODY })).json().view;
    expect((await get('list', { experiment_id: other })).json().views).toEqual([]);
    for (const [path, send] of [
      ['get', () => get('get', { experiment_id: other, view_id: view.view_id })],
      ['update', () => post('update', { experiment_id: other, view_id: view.view_id, name: 'x' })],
      ['delete', () => post('delete', { experiment_id: other, view_id: view.view_id })],
      ['set-default', () => post('set-default', { experiment_id: other, view_id: view.view_id })],
    ] as const) {
      const r = await send();
      expect({ path, status: r.statusCode, code: r.json().error_code }).toEqual({
        path,
        status: 404,
        code: 'RESOURCE_DOES_NOT_EXIST',
      });
    }
    expect((await get('get', { experiment_id: exp, view_id: view.view_id })).json().view.name).toBe('mine');
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['an old body version', { name: 'x', body: { ...BODY, version: 2 } }, /Unsupported saved view body version 2/],
    [
      'an unknown parameter',
      { name: 'x', body: { ...BODY, params: { trace: 'tr-1' } } },
      /Unknown saved view parameter 'trace'/,
    ],
    ['a non-string parameter', { name: 'x', body: { ...BODY, params: { q: 1 } } }, /must be a string/],
    ['a bad tab', { name: 'x', body: { ...BODY, tab: 'admin' } }, /tab must be/],
    ['a huge body', { name: 'x', body: { ...BODY, params: { q: 'x'.repeat(20_000) } } }, /at most 16384 characters/],
    ['an empty name', { name: '   ', body: BODY }, /must not be empty/],
    ['a long name', { name: 'n'.repeat(121), body: BODY }, /at most 120 characters/],
    ['no body', { name: 'x' }, /must be a JSON object/],
    [
      'a private view without auth',
      { name: 'x', body: BODY, visibility: 'private' },
      /need a server started with --auth/,
    ],
    ['a bad visibility', { name: 'x', body: BODY, visibility: 'team' }, /Invalid visibility 'team'/],
  ])('refuses %s with MLflow’s envelope', async (_name, payload, message) => {
    const r = await post('create', { experiment_id: exp, ...payload });
    expect(r.statusCode).toBe(400);
    expect(r.json().error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(r.json().message).toMatch(message);
  });

  it('answers an unknown experiment or view id as not found, a malformed experiment id as invalid', async () => {
    const unknown = await get('list', { experiment_id: '987654' });
    expect([unknown.statusCode, unknown.json().error_code]).toEqual([404, 'RESOURCE_DOES_NOT_EXIST']);
    const bad = await get('list', { experiment_id: 'abc' });
    expect([bad.statusCode, bad.json().error_code]).toEqual([400, 'INVALID_PARAMETER_VALUE']);
    const missing = await get('get', { experiment_id: exp, view_id: "'; DROP TABLE saved_views; --" });
    expect([missing.statusCode, missing.json().error_code]).toEqual([404, 'RESOURCE_DOES_NOT_EXIST']);
    const noId = await post('delete', { experiment_id: exp });
    expect([noId.statusCode, noId.json().error_code]).toEqual([400, 'INVALID_PARAMETER_VALUE']);
  });
});

describe('saved views with --auth', () => {
  let server: AuthTestServer;
  let exp: string;
  const admin = basic(ADMIN.username, ADMIN.password);
  const PASSWORD = 'a-long-password-1';
  const ann = basic('ann', PASSWORD);
  const bob = basic('bob', PASSWORD);
  const carl = basic('carl', PASSWORD);

  beforeAll(async () => {
    // Everyone may read an experiment without a grant (the default permission READ).
    server = await createAuthTestServer();
    for (const username of ['ann', 'bob', 'carl'])
      await call(server.app, admin, {
        method: 'POST',
        url: '/api/2.0/mlflow/users/create',
        payload: { username, password: PASSWORD },
      });
    const created = await call(server.app, admin, {
      method: 'POST',
      url: '/api/2.0/mlflow/experiments/create',
      payload: { name: 'team' },
    });
    exp = created.json().experiment_id;
    for (const username of ['ann', 'bob'])
      await call(server.app, admin, {
        method: 'POST',
        url: '/api/2.0/mlflow/experiments/permissions/create',
        payload: { experiment_id: exp, username, permission: 'EDIT' },
      });
  });
  afterAll(() => server.close());

  const post = (who: string, path: string, payload: Record<string, unknown>) =>
    call(server.app, who, { method: 'POST', url: ext(path), payload: { experiment_id: exp, ...payload } });
  const list = async (who: string) =>
    (await call(server.app, who, { method: 'GET', url: ext('list'), query: { experiment_id: exp } }))
      .json()
      .views.map((v: { name: string }) => v.name);

  it('keeps a private view to its owner: others neither list, open, change nor learn it exists', async () => {
    const created = await post(ann, 'create', { name: 'ann private', body: BODY, visibility: 'private' });
    expect(created.json().view).toMatchObject({ owner: 'ann', visibility: 'private' });
    const id = created.json().view.view_id;
    expect(await list(ann)).toContain('ann private');
    expect(await list(bob)).not.toContain('ann private');
    expect(await list(admin)).not.toContain('ann private');
    for (const [who, path, payload] of [
      [bob, 'update', { view_id: id, name: 'taken' }],
      [bob, 'delete', { view_id: id }],
      [admin, 'set-default', { view_id: id }],
    ] as const) {
      const r = await post(who, path, payload);
      expect([path, r.statusCode, r.json().error_code]).toEqual([path, 404, 'RESOURCE_DOES_NOT_EXIST']);
    }
    const get = await call(server.app, bob, {
      method: 'GET',
      url: ext('get'),
      query: { experiment_id: exp, view_id: id },
    });
    expect(get.statusCode).toBe(404);
  });

  it('shares a shared view; only its owner or a manager changes it; reading is not enough to save', async () => {
    const id = (await post(ann, 'create', { name: 'ann shared', body: BODY })).json().view.view_id;
    expect(await list(bob)).toContain('ann shared');
    expect(await list(carl)).toContain('ann shared');
    const bobRename = await post(bob, 'update', { view_id: id, name: 'bob was here' });
    expect([bobRename.statusCode, bobRename.json().error_code]).toEqual([403, 'PERMISSION_DENIED']);
    expect((await post(bob, 'delete', { view_id: id })).statusCode).toBe(403);
    expect((await post(carl, 'create', { name: 'carl', body: BODY })).statusCode).toBe(403);
    expect((await post(ann, 'update', { view_id: id, name: 'ann shared 2' })).statusCode).toBe(200);
    // The experiment's creator (admin here) manages it: may rename but not make it private.
    expect((await post(admin, 'update', { view_id: id, name: 'renamed by admin' })).statusCode).toBe(200);
    const hide = await post(admin, 'update', { view_id: id, visibility: 'private' });
    expect([hide.statusCode, hide.json().message]).toEqual([403, "Only the view's owner may change who sees it."]);
    expect((await post(admin, 'delete', { view_id: id })).statusCode).toBe(200);
    expect(await list(ann)).not.toContain('renamed by admin');
  });

  it('sets the default with manage only, and only to a shared view', async () => {
    const shared = (await post(bob, 'create', { name: 'bob shared', body: BODY })).json().view.view_id;
    const mine = (await post(bob, 'create', { name: 'bob private', body: BODY, visibility: 'private' })).json().view
      .view_id;
    expect((await post(bob, 'set-default', { view_id: shared })).statusCode).toBe(403);
    expect((await post(bob, 'set-default', { view_id: mine })).statusCode).toBe(403);
    expect((await post(admin, 'set-default', { view_id: shared })).statusCode).toBe(200);
    const views = (
      await call(server.app, carl, { method: 'GET', url: ext('list'), query: { experiment_id: exp } })
    ).json().views as { name: string; is_default: boolean }[];
    expect(views.filter((v) => v.is_default).map((v) => v.name)).toEqual(['bob shared']);
    // The default stays shared: its owner cannot hide it from everyone who opens the experiment.
    const hide = await post(bob, 'update', { view_id: shared, visibility: 'private' });
    expect([hide.statusCode, hide.json().error_code]).toEqual([400, 'INVALID_PARAMETER_VALUE']);
  });

  it('refuses a caller without credentials', async () => {
    const r = await call(server.app, undefined, { method: 'GET', url: ext('list'), query: { experiment_id: exp } });
    expect(r.statusCode).toBe(401);
  });
});
