// The traces.json artifact path names its trace: the access check must find the same trace in it
// as the route serves or replaces, however the path is built.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { otlpJsonBody } from '../test-helpers.ts';
import { ADMIN, basic, call, createAuthTestServer, type AuthTestServer } from './auth-test-server.ts';

let server: AuthTestServer;
const admin = basic(ADMIN.username, ADMIN.password);
const user = basic('editor-of-a', 'a-long-password-1');
const A = `tr-${'aa'.repeat(16)}`;
const B = `tr-${'bb'.repeat(16)}`;
let a = '';
let b = '';

async function asAdmin(options: Parameters<typeof call>[2]) {
  const response = await call(server.app, admin, options);
  if (response.statusCode !== 200) throw new Error(`${options.url} ${response.statusCode}: ${response.body}`);
  return response.json();
}

beforeAll(async () => {
  server = await createAuthTestServer({ defaultPermission: 'NO_PERMISSIONS' });
  const create = async (name: string) =>
    (await asAdmin({ method: 'POST', url: '/api/2.0/mlflow/experiments/create', payload: { name } })).experiment_id;
  a = await create('a');
  b = await create('b');
  await asAdmin({
    method: 'POST',
    url: '/api/2.0/mlflow/users/create',
    payload: { username: 'editor-of-a', password: 'a-long-password-1' },
  });
  await asAdmin({
    method: 'POST',
    url: '/api/2.0/mlflow/experiments/permissions/create',
    payload: { experiment_id: a, username: 'editor-of-a', permission: 'EDIT' },
  });
  for (const [experimentId, hex] of [
    [a, 'aa'],
    [b, 'bb'],
  ])
    await asAdmin({
      method: 'POST',
      url: '/v1/traces',
      headers: { 'content-type': 'application/json', 'x-mlflow-experiment-id': experimentId },
      payload: otlpJsonBody([
        { traceId: hex.repeat(16), spanId: '00000000000000a1', name: `only-${hex}`, startNs: '1', endNs: '2' },
      ]),
    });
});

afterAll(async () => {
  await server?.close();
});

describe('a traces.json path naming two traces', () => {
  const smuggled = () =>
    `/api/2.0/mlflow-artifacts/artifacts/${a}/traces/${A}/artifacts/traces/${B}/artifacts/traces.json`;

  it('does not serve the spans of a trace in an experiment the caller cannot read', async () => {
    expect((await call(server.app, user, { url: smuggled() })).statusCode).toBe(403);
    // The caller's own trace is served as usual.
    const own = await call(server.app, user, {
      url: `/api/2.0/mlflow-artifacts/artifacts/${a}/traces/${A}/artifacts/traces.json`,
    });
    expect(own.statusCode).toBe(200);
    expect(own.body).toContain('only-aa');
  });

  it("does not replace another experiment's spans", async () => {
    const response = await call(server.app, user, {
      method: 'PUT',
      url: smuggled(),
      headers: { 'content-type': 'application/octet-stream' },
      payload: '{"spans": []}',
    });
    expect(response.statusCode).toBe(403);
    const trace = await asAdmin({ url: `/api/3.0/mlflow/traces/get?trace_id=${B}` });
    expect(trace.trace.spans).toHaveLength(1);
  });
});
