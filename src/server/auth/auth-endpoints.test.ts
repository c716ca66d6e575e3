// MLflow's user and permission endpoints, tokens, sessions and the "who did it" rules, through
// the real app with --auth on a real SQLite file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { ADMIN, basic, call, createAuthTestServer, type AuthTestServer } from './auth-test-server.ts';

let server: AuthTestServer;
const admin = basic(ADMIN.username, ADMIN.password);
const PASSWORD = 'a-long-password-1';
const api = (path: string) => `/api/2.0/mlflow/${path}`;
const ext = (path: string) => `/ajax-api/trace-explorer/v1/${path}`;

async function createUser(username: string, password = PASSWORD) {
  return call(server.app, admin, { method: 'POST', url: api('users/create'), payload: { username, password } });
}

async function createExperiment(authorization: string, name: string): Promise<string> {
  const r = await call(server.app, authorization, {
    method: 'POST',
    url: api('experiments/create'),
    payload: { name },
  });
  expect(r.statusCode).toBe(200);
  return r.json().experiment_id;
}

beforeAll(async () => {
  server = await createAuthTestServer();
});
afterAll(async () => {
  await server.close();
});

describe("MLflow's user endpoints", () => {
  it("create and get answer MLflow's User shape; duplicates and short passwords are refused", async () => {
    const created = await createUser('ann');
    expect(created.statusCode).toBe(200);
    expect(created.json().user).toMatchObject({
      username: 'ann',
      is_admin: false,
      experiment_permissions: [],
      registered_model_permissions: [],
    });
    expect(typeof created.json().user.id).toBe('number');
    expect(JSON.stringify(created.json())).not.toContain('password');
    const again = await createUser('ann');
    expect([again.statusCode, again.json().error_code]).toEqual([400, 'RESOURCE_ALREADY_EXISTS']);
    const short = await createUser('bob', 'short');
    expect([short.statusCode, short.json().error_code]).toEqual([400, 'INVALID_PARAMETER_VALUE']);
    const missing = await call(server.app, admin, {
      method: 'POST',
      url: api('users/create'),
      payload: { username: 'x' },
    });
    expect(missing.json().message).toContain("Missing value for required parameter 'password'");
  });

  it('users/get: yourself or an admin; an unknown user is RESOURCE_DOES_NOT_EXIST', async () => {
    await createUser('cat');
    const self = await call(server.app, basic('cat', PASSWORD), { url: `${api('users/get')}?username=cat` });
    expect(self.statusCode).toBe(200);
    const other = await call(server.app, basic('cat', PASSWORD), { url: `${api('users/get')}?username=admin` });
    expect([other.statusCode, other.json().error_code]).toEqual([403, 'PERMISSION_DENIED']);
    const unknown = await call(server.app, admin, { url: `${api('users/get')}?username=nobody` });
    expect([unknown.statusCode, unknown.json()]).toEqual([
      404,
      { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'User with username=nobody not found' },
    ]);
  });

  it('update-password: the old password stops working, the new one works', async () => {
    await createUser('dan');
    const changed = await call(server.app, basic('dan', PASSWORD), {
      method: 'PATCH',
      url: api('users/update-password'),
      payload: { username: 'dan', password: 'another-password-2' },
    });
    expect([changed.statusCode, changed.json()]).toEqual([200, {}]);
    const old = await call(server.app, basic('dan', PASSWORD), { url: '/version' });
    expect(old.statusCode).toBe(401);
    const fresh = await call(server.app, basic('dan', 'another-password-2'), { url: '/version' });
    expect(fresh.statusCode).toBe(200);
    const someoneElse = await call(server.app, basic('dan', 'another-password-2'), {
      method: 'PATCH',
      url: api('users/update-password'),
      payload: { username: 'admin', password: 'taken-over-pw-3' },
    });
    expect(someoneElse.statusCode).toBe(403);
  });

  it('update-admin and delete are for admins; the last admin cannot be removed', async () => {
    await createUser('eve');
    const selfPromote = await call(server.app, basic('eve', PASSWORD), {
      method: 'PATCH',
      url: api('users/update-admin'),
      payload: { username: 'eve', is_admin: true },
    });
    expect(selfPromote.statusCode).toBe(403);
    const promote = await call(server.app, admin, {
      method: 'PATCH',
      url: api('users/update-admin'),
      payload: { username: 'eve', is_admin: true },
    });
    expect(promote.statusCode).toBe(200);
    expect((await call(server.app, basic('eve', PASSWORD), { url: api('users/list') })).statusCode).toBe(200);
    const removed = await call(server.app, admin, {
      method: 'DELETE',
      url: api('users/delete'),
      payload: { username: 'eve' },
    });
    expect(removed.statusCode).toBe(200);
    expect((await call(server.app, basic('eve', PASSWORD), { url: '/version' })).statusCode).toBe(401);
    const last = await call(server.app, admin, {
      method: 'DELETE',
      url: api('users/delete'),
      payload: { username: 'admin' },
    });
    expect([last.statusCode, last.json().error_code]).toEqual([400, 'INVALID_PARAMETER_VALUE']);
  });

  it('passwords are stored as salted scrypt hashes', () => {
    const db = new Database(join(server.dir, 'test.db'), { readonly: true });
    const rows = db.prepare('SELECT password_hash FROM auth_users').all() as { password_hash: string }[];
    db.close();
    expect(rows.length).toBeGreaterThan(1);
    for (const r of rows) expect(r.password_hash).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(new Set(rows.map((r) => r.password_hash)).size).toBe(rows.length);
  });
});

describe("MLflow's experiment permission endpoints", () => {
  it("create, get, update, delete with MLflow's fields and errors", async () => {
    await createUser('fay');
    const id = await createExperiment(admin, 'perm-crud');
    const body = { experiment_id: id, username: 'fay', permission: 'EDIT' };
    const created = await call(server.app, admin, {
      method: 'POST',
      url: api('experiments/permissions/create'),
      payload: body,
    });
    expect(created.json().experiment_permission).toMatchObject({ experiment_id: id, permission: 'EDIT' });
    const dup = await call(server.app, admin, {
      method: 'POST',
      url: api('experiments/permissions/create'),
      payload: body,
    });
    expect([dup.statusCode, dup.json().error_code]).toEqual([400, 'RESOURCE_ALREADY_EXISTS']);
    const bad = await call(server.app, admin, {
      method: 'POST',
      url: api('experiments/permissions/create'),
      payload: { ...body, username: 'admin', permission: 'OWNER' },
    });
    expect(bad.json()).toEqual({
      error_code: 'INVALID_PARAMETER_VALUE',
      message: "Invalid permission 'OWNER'. Valid permissions are: ('READ', 'EDIT', 'MANAGE', 'NO_PERMISSIONS')",
    });
    const updated = await call(server.app, admin, {
      method: 'PATCH',
      url: api('experiments/permissions/update'),
      payload: { ...body, permission: 'NO_PERMISSIONS' },
    });
    expect(updated.statusCode).toBe(200);
    const got = await call(server.app, admin, {
      url: `${api('experiments/permissions/get')}?experiment_id=${id}&username=fay`,
    });
    expect(got.json().experiment_permission.permission).toBe('NO_PERMISSIONS');
    expect(
      (await call(server.app, basic('fay', PASSWORD), { url: `${api('experiments/get')}?experiment_id=${id}` }))
        .statusCode,
    ).toBe(403);
    const deleted = await call(server.app, admin, {
      method: 'DELETE',
      url: api('experiments/permissions/delete'),
      payload: { experiment_id: id, username: 'fay' },
    });
    expect(deleted.statusCode).toBe(200);
    const gone = await call(server.app, admin, {
      url: `${api('experiments/permissions/get')}?experiment_id=${id}&username=fay`,
    });
    expect(gone.json()).toEqual({
      error_code: 'RESOURCE_DOES_NOT_EXIST',
      message: `Experiment permission with experiment_id=${id} and username=fay not found`,
    });
    // Back to the default (READ).
    expect(
      (await call(server.app, basic('fay', PASSWORD), { url: `${api('experiments/get')}?experiment_id=${id}` }))
        .statusCode,
    ).toBe(200);
  });

  it('the creator of an experiment gets MANAGE and may grant others on it, not on other experiments', async () => {
    await createUser('gus');
    await createUser('hal');
    const mine = await createExperiment(basic('gus', PASSWORD), 'gus-exp');
    const theirs = await createExperiment(admin, 'admin-exp');
    const grant = (experiment_id: string) =>
      call(server.app, basic('gus', PASSWORD), {
        method: 'POST',
        url: api('experiments/permissions/create'),
        payload: { experiment_id, username: 'hal', permission: 'EDIT' },
      });
    expect((await grant(mine)).statusCode).toBe(200);
    expect((await grant(theirs)).statusCode).toBe(403);
    const perm = await call(server.app, basic('gus', PASSWORD), {
      url: `${ext('experiments/my-permission')}?experiment_id=${mine}`,
    });
    expect(perm.json().permission).toBe('MANAGE');
  });

  it('experiment lifecycle needs MANAGE', async () => {
    await createUser('rex');
    const id = await createExperiment(admin, 'rex-exp');
    const post = (path: string, payload: object) =>
      call(server.app, basic('rex', PASSWORD), { method: 'POST', url: api(`experiments/${path}`), payload });
    for (const [path, payload] of [
      ['delete', { experiment_id: id }],
      ['update', { experiment_id: id, new_name: 'renamed' }],
    ] as const)
      expect((await post(path, payload)).statusCode).toBe(403);
    await call(server.app, admin, {
      method: 'POST',
      url: api('experiments/permissions/create'),
      payload: { experiment_id: id, username: 'rex', permission: 'MANAGE' },
    });
    expect((await post('update', { experiment_id: id, new_name: 'rex-renamed' })).statusCode).toBe(200);
    expect((await post('delete', { experiment_id: id })).statusCode).toBe(200);
    expect((await post('restore', { experiment_id: id })).statusCode).toBe(200);
  });

  it('SearchExperiments lists only readable experiments, across pages', async () => {
    await createUser('ivy');
    const hidden: string[] = [];
    for (let i = 0; i < 5; i++) {
      const id = await createExperiment(admin, `hidden-${i}`);
      hidden.push(id);
      await call(server.app, admin, {
        method: 'POST',
        url: api('experiments/permissions/create'),
        payload: { experiment_id: id, username: 'ivy', permission: 'NO_PERMISSIONS' },
      });
    }
    const seen: string[] = [];
    let token: string | undefined;
    for (let page = 0; page < 50; page++) {
      const r = await call(server.app, basic('ivy', PASSWORD), {
        method: 'POST',
        url: api('experiments/search'),
        payload: { max_results: 2, ...(token ? { page_token: token } : {}) },
      });
      expect(r.json().experiments.length).toBeLessThanOrEqual(2);
      seen.push(...r.json().experiments.map((e: { experiment_id: string }) => e.experiment_id));
      token = r.json().next_page_token;
      if (!token) break;
    }
    const all = (await call(server.app, admin, { method: 'POST', url: api('experiments/search'), payload: {} })).json()
      .experiments as { experiment_id: string }[];
    expect(seen.sort()).toEqual(
      all
        .map((e) => e.experiment_id)
        .filter((id) => !hidden.includes(id))
        .sort(),
    );
    expect(seen.length).toBeGreaterThan(0);
  });
});

describe('access tokens', () => {
  it('are shown once, stored hashed, listed with creation and last use, and revocable', async () => {
    await createUser('jay');
    const id = await createExperiment(basic('jay', PASSWORD), 'jay-exp');
    const made = await call(server.app, basic('jay', PASSWORD), {
      method: 'POST',
      url: ext('tokens/create'),
      payload: { name: 'ci', level: 'read', experiment_ids: [id] },
    });
    const { token, secret } = made.json();
    expect(secret).toMatch(/^te_[0-9a-f]{16}_/);
    expect(token).toMatchObject({ name: 'ci', level: 'read', experiment_ids: [id], last_used_at_ms: null });
    const db = new Database(join(server.dir, 'test.db'), { readonly: true });
    const stored = db.prepare('SELECT secret_hash FROM auth_tokens WHERE id = ?').get(token.id) as {
      secret_hash: string;
    };
    db.close();
    expect(stored.secret_hash.startsWith('scrypt$')).toBe(true);
    expect(stored.secret_hash).not.toContain(secret.split('_')[2]);
    const used = await call(server.app, `Bearer ${secret}`, { url: `${api('experiments/get')}?experiment_id=${id}` });
    expect(used.statusCode).toBe(200);
    const listed = (await call(server.app, basic('jay', PASSWORD), { url: ext('tokens/list') })).json().tokens;
    expect(listed).toHaveLength(1);
    expect(listed[0].last_used_at_ms).toBeGreaterThan(0);
    expect(JSON.stringify(listed)).not.toContain(secret);
    const revoked = await call(server.app, basic('jay', PASSWORD), {
      method: 'POST',
      url: ext('tokens/revoke'),
      payload: { token_id: token.id },
    });
    expect(revoked.statusCode).toBe(200);
    const after = await call(server.app, `Bearer ${secret}`, { url: `${api('experiments/get')}?experiment_id=${id}` });
    expect(after.statusCode).toBe(401);
  });

  it('cannot reach beyond its experiments, and nobody hands out more than they have', async () => {
    await createUser('kim');
    const own = await createExperiment(basic('kim', PASSWORD), 'kim-exp');
    const other = await createExperiment(admin, 'kim-other');
    const made = await call(server.app, basic('kim', PASSWORD), {
      method: 'POST',
      url: ext('tokens/create'),
      payload: { name: 'edit', level: 'edit', experiment_ids: [own] },
    });
    const bearer = `Bearer ${made.json().secret}`;
    expect(
      (await call(server.app, bearer, { url: `${api('experiments/get')}?experiment_id=${other}` })).statusCode,
    ).toBe(403);
    const search = await call(server.app, bearer, { method: 'POST', url: api('experiments/search'), payload: {} });
    expect(search.json().experiments.map((e: { experiment_id: string }) => e.experiment_id)).toEqual([own]);
    // kim has only READ (the default) on `other`: no edit token for it.
    const beyond = await call(server.app, basic('kim', PASSWORD), {
      method: 'POST',
      url: ext('tokens/create'),
      payload: { name: 'x', level: 'edit', experiment_ids: [other] },
    });
    expect(beyond.statusCode).toBe(403);
    // Tokens cannot make tokens or manage users.
    const nested = await call(server.app, bearer, {
      method: 'POST',
      url: ext('tokens/create'),
      payload: { name: 'x', level: 'read', experiment_ids: [own] },
    });
    expect(nested.statusCode).toBe(403);
  });
});

describe('who did it', () => {
  it("a HUMAN assessment's source_id is the signed-in user, whatever the client claims", async () => {
    await createUser('lee');
    const id = await createExperiment(basic('lee', PASSWORD), 'lee-exp');
    const start = await call(server.app, basic('lee', PASSWORD), {
      method: 'POST',
      url: '/api/3.0/mlflow/traces',
      payload: {
        trace: {
          trace_info: {
            trace_id: 'tr-forged',
            trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: id } },
            request_time: '2026-01-01T00:00:00Z',
            state: 'OK',
            assessments: [
              {
                assessment_name: 'in-trace',
                source: { source_type: 'HUMAN', source_id: 'admin' },
                feedback: { value: 1 },
              },
            ],
          },
        },
      },
    });
    expect(start.statusCode).toBe(200);
    const forged = await call(server.app, basic('lee', PASSWORD), {
      method: 'POST',
      url: '/api/3.0/mlflow/traces/tr-forged/assessments',
      payload: {
        assessment: {
          assessment_name: 'q',
          source: { sourceType: 'HUMAN', sourceId: 'admin' },
          feedback: { value: false },
        },
      },
    });
    expect(forged.json().assessment.source).toEqual({ source_type: 'HUMAN', source_id: 'lee' });
    const code = await call(server.app, basic('lee', PASSWORD), {
      method: 'POST',
      url: '/api/3.0/mlflow/traces/tr-forged/assessments',
      payload: {
        assessment: {
          assessment_name: 'c',
          source: { source_type: 'CODE', source_id: 'my-check' },
          feedback: { value: 1 },
        },
      },
    });
    expect(code.json().assessment.source).toEqual({ source_type: 'CODE', source_id: 'my-check' });
    const info = (await call(server.app, admin, { url: '/api/3.0/mlflow/traces/tr-forged' })).json().trace.trace_info;
    const inTrace = info.assessments.find((a: { assessment_name: string }) => a.assessment_name === 'in-trace');
    expect(inTrace.source.source_id).toBe('lee');
  });

  it("a bulk label is the signed-in user's, and a selection reaching an experiment without EDIT is refused whole", async () => {
    await createUser('kim');
    const mine = await createExperiment(basic('kim', PASSWORD), 'kim-bulk');
    const theirs = await createExperiment(admin, 'admin-bulk');
    for (const [traceId, experimentId] of [
      ['tr-kim-1', mine],
      ['tr-admin-1', theirs],
    ]) {
      const started = await call(server.app, admin, {
        method: 'POST',
        url: '/api/3.0/mlflow/traces',
        payload: {
          trace: {
            trace_info: {
              trace_id: traceId,
              trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } },
              request_time: '2026-01-01T00:00:00Z',
              state: 'OK',
            },
          },
        },
      });
      expect(started.statusCode).toBe(200);
    }
    const label = [{ op: 'set_assessment', name: 'tone', value: 'rude', source_id: 'admin' }];
    const mixed = await call(server.app, basic('kim', PASSWORD), {
      method: 'POST',
      url: ext('traces/batch'),
      payload: { trace_ids: ['tr-kim-1', 'tr-admin-1'], operations: label },
    });
    expect(mixed.statusCode).toBe(403);
    const readInfo = async (traceId: string) =>
      (await call(server.app, admin, { url: `/api/3.0/mlflow/traces/${traceId}` })).json().trace.trace_info;
    expect((await readInfo('tr-kim-1')).assessments ?? []).toEqual([]);
    const byFilter = await call(server.app, basic('kim', PASSWORD), {
      method: 'POST',
      url: ext('traces/batch'),
      payload: { experiment_ids: [mine, theirs], operations: label },
    });
    expect(byFilter.statusCode).toBe(403);
    const own = await call(server.app, basic('kim', PASSWORD), {
      method: 'POST',
      url: ext('traces/batch'),
      payload: { experiment_ids: [mine], operations: label },
    });
    expect(own.json()).toMatchObject({ processed: 1, failures: [] });
    const [created] = (await readInfo('tr-kim-1')).assessments;
    expect(created.source).toEqual({ source_type: 'HUMAN', source_id: 'kim' });
  });

  it('tag changes are recorded with the user in the audit trail', async () => {
    await call(server.app, basic('lee', PASSWORD), {
      method: 'PATCH',
      url: '/api/3.0/mlflow/traces/tr-forged/tags',
      payload: { key: 'reviewed', value: 'yes' },
    });
    const audit = await call(server.app, admin, { url: `${ext('audit')}?trace_id=tr-forged` });
    expect(audit.json().events[0]).toMatchObject({ username: 'lee', action: 'tag.set', detail: 'key=reviewed' });
  });
});

describe('sessions', () => {
  const signIn = (origin: string | undefined, password = PASSWORD) =>
    server.app.inject({
      method: 'POST',
      url: ext('auth/sign-in'),
      headers: { host: 'localhost:5000', ...(origin ? { origin } : {}) },
      payload: { username: 'mia', password },
    });

  it('sign in sets an HttpOnly SameSite=Lax cookie; writes from another origin (another port) are refused', async () => {
    await createUser('mia');
    const ok = await signIn('http://localhost:5000');
    expect(ok.statusCode).toBe(200);
    const setCookie = String(ok.headers['set-cookie']);
    expect(setCookie).toMatch(/^te_session=[A-Za-z0-9_-]{40,}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+$/);
    const cookie = setCookie.split(';')[0];
    const id = await createExperiment(admin, 'mia-exp');
    await call(server.app, admin, {
      method: 'POST',
      url: api('experiments/permissions/create'),
      payload: { experiment_id: id, username: 'mia', permission: 'MANAGE' },
    });
    const write = (headers: Record<string, string>) =>
      server.app.inject({
        method: 'POST',
        url: '/ajax-api/3.0/mlflow/traces/delete-traces',
        headers: { host: 'localhost:5000', cookie, ...headers },
        payload: { experiment_id: id, max_timestamp_millis: 0 },
      });
    const first = await write({ origin: 'http://localhost:5000' });
    expect(first.statusCode).toBe(200);
    expect((await write({ 'sec-fetch-site': 'same-origin' })).statusCode).toBe(200);
    const crossPort = await write({ origin: 'http://localhost:6000' });
    expect([crossPort.statusCode, crossPort.json().error_code]).toEqual([403, 'PERMISSION_DENIED']);
    expect((await write({ origin: 'http://evil.example' })).statusCode).toBe(403);
    expect((await write({ 'sec-fetch-site': 'same-site' })).statusCode).toBe(403);
    expect((await write({ origin: 'null' })).statusCode).toBe(403);
    // Neither header: not a browser page (curl, an SDK holding the cookie), so no forgery to stop.
    expect((await write({})).statusCode).toBe(200);
    // Reads with the cookie work from anywhere the browser sends it (CORS keeps answers from other origins).
    const read = await server.app.inject({ url: `${api('experiments/get')}?experiment_id=${id}`, headers: { cookie } });
    expect(read.statusCode).toBe(200);
    const status = await server.app.inject({ url: ext('auth/status'), headers: { cookie } });
    expect(status.json()).toEqual({ auth_enabled: true, user: { username: 'mia', is_admin: false } });
    // Sign-in itself is refused cross-origin (login CSRF).
    expect((await signIn('http://localhost:6000')).statusCode).toBe(403);
    const out = await server.app.inject({
      method: 'POST',
      url: ext('auth/sign-out'),
      headers: { host: 'localhost:5000', origin: 'http://localhost:5000', cookie },
      payload: {},
    });
    expect(out.statusCode).toBe(200);
    expect(
      (await server.app.inject({ url: `${api('experiments/get')}?experiment_id=${id}`, headers: { cookie } }))
        .statusCode,
    ).toBe(401);
  });

  it('the cookie is Secure behind https', async () => {
    const r = await server.app.inject({
      method: 'POST',
      url: ext('auth/sign-in'),
      headers: { host: 'localhost:5000', origin: 'http://localhost:5000', 'x-forwarded-proto': 'https' },
      payload: { username: 'mia', password: PASSWORD },
    });
    expect(String(r.headers['set-cookie'])).toContain('; Secure');
  });

  it('sign-in attempts are rate limited per user: distinct wrong guesses lock the name for a while', async () => {
    await createUser('ned');
    const attempt = (password: string) =>
      server.app.inject({
        method: 'POST',
        url: ext('auth/sign-in'),
        headers: { host: 'localhost', origin: 'http://localhost' },
        remoteAddress: '10.0.0.9',
        payload: { username: 'ned', password },
      });
    // The same wrong password again is not a new guess.
    for (let i = 0; i < 12; i++) expect((await attempt('wrong-password-0')).statusCode).toBe(401);
    for (let i = 1; i < 10; i++) expect((await attempt(`wrong-password-${i}`)).statusCode).toBe(401);
    const locked = await attempt('wrong-password-10');
    expect([locked.statusCode, locked.json().error_code]).toEqual([429, 'REQUEST_LIMIT_EXCEEDED']);
    expect((await attempt(PASSWORD)).statusCode).toBe(429);
    // Basic auth shares the limit.
    expect((await call(server.app, basic('ned', PASSWORD), { url: '/version' })).statusCode).toBe(429);
  });
});
