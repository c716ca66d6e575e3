// Routes read experiment ids the way MLflow does (search-request.ts parseExperimentIds: surrounding
// space is ignored, '-0' is 0), so the access check must see the same experiment: a user denied on
// an experiment must not reach it by spelling its id differently.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { otlpJsonBody } from '../test-helpers.ts';
import { ADMIN, basic, call, createAuthTestServer, type AuthTestServer } from './auth-test-server.ts';

let server: AuthTestServer;
let experimentId = '';
const adminAuth = basic(ADMIN.username, ADMIN.password);
const denied = basic('denied', 'a-long-password-1');

async function admin(options: Parameters<typeof call>[2]) {
  const response = await call(server.app, adminAuth, options);
  if (response.statusCode !== 200) throw new Error(`${options.url} ${response.statusCode}: ${response.body}`);
  return response.json();
}

beforeAll(async () => {
  // Everyone may read by default; 'denied' holds NO_PERMISSIONS on the experiment.
  server = await createAuthTestServer({ defaultPermission: 'READ' });
  experimentId = (await admin({ method: 'POST', url: '/api/2.0/mlflow/experiments/create', payload: { name: 'e' } }))
    .experiment_id;
  await admin({
    method: 'POST',
    url: '/api/2.0/mlflow/users/create',
    payload: { username: 'denied', password: 'a-long-password-1' },
  });
  for (const id of [experimentId, '0'])
    await admin({
      method: 'POST',
      url: '/api/2.0/mlflow/experiments/permissions/create',
      payload: { experiment_id: id, username: 'denied', permission: 'NO_PERMISSIONS' },
    });
  await admin({
    method: 'POST',
    url: '/v1/traces',
    headers: { 'content-type': 'application/json', 'x-mlflow-experiment-id': experimentId },
    payload: otlpJsonBody([
      { traceId: 'ab'.repeat(16), spanId: '00000000000000a1', name: 'root', startNs: '1000000', endNs: '2000000' },
    ]),
  });
});

afterAll(async () => {
  await server?.close();
});

describe('an experiment id spelled another way', () => {
  const spellings = () => [` ${experimentId}`, `${experimentId} `, `\t${experimentId}\n`, `-0`, ` 0`];

  it('is refused on routes that read a list of experiment ids', async () => {
    for (const id of spellings())
      for (const path of ['count', 'keys', 'export', 'export/columns', 'traces/since', 'groups']) {
        const response = await call(server.app, denied, {
          method: 'POST',
          url: `/api/trace-explorer/v1/${path}`,
          payload: { experiment_ids: [id], kind: 'tag', group_by: 'name', format: 'jsonl' },
        });
        expect([path, JSON.stringify(id), response.statusCode]).toEqual([path, JSON.stringify(id), 403]);
      }
  });

  it('is refused on routes that read one experiment id', async () => {
    for (const id of spellings()) {
      const q = encodeURIComponent(id);
      for (const url of [
        `/api/trace-explorer/v1/review-queues/list?experiment_id=${q}`,
        `/api/trace-explorer/v1/saved-views/list?experiment_id=${q}`,
      ]) {
        const response = await call(server.app, denied, { url });
        expect([url, response.statusCode]).toEqual([url, 403]);
      }
    }
  });

  it('is refused for a bulk action by filter', async () => {
    for (const id of spellings()) {
      const response = await call(server.app, denied, {
        method: 'POST',
        url: '/api/trace-explorer/v1/traces/batch-delete',
        payload: { experiment_ids: [id] },
      });
      expect([JSON.stringify(id), response.statusCode]).toEqual([JSON.stringify(id), 403]);
    }
    expect(
      (
        await admin({
          method: 'POST',
          url: '/api/trace-explorer/v1/count',
          payload: { experiment_ids: [experimentId] },
        })
      ).count,
    ).toBe(1);
  });
});
