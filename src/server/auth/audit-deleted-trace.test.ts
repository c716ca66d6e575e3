// The audit trail of a trace is read with read on its experiment. Once the trace is deleted the access
// rule can no longer find its experiment, so the events themselves must say whose they are.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { otlpJsonBody } from '../test-helpers.ts';
import { ADMIN, basic, call, createAuthTestServer, type AuthTestServer } from './auth-test-server.ts';

let server: AuthTestServer;
const admin = basic(ADMIN.username, ADMIN.password);
const outsider = basic('outsider', 'a-long-password-1');
let secret = '';

async function asAdmin(options: Parameters<typeof call>[2]) {
  const response = await call(server.app, admin, options);
  if (response.statusCode !== 200) throw new Error(`${options.url} ${response.statusCode}: ${response.body}`);
  return response.json();
}

async function tracedAndDeleted(experimentId: string, hex: string): Promise<string> {
  await asAdmin({
    method: 'POST',
    url: '/v1/traces',
    headers: { 'content-type': 'application/json', 'x-mlflow-experiment-id': experimentId },
    payload: otlpJsonBody([{ traceId: hex, spanId: '00000000000000a1', name: 'r', startNs: '1', endNs: '2' }]),
  });
  const traceId = `tr-${hex}`;
  await asAdmin({
    method: 'PATCH',
    url: `/api/3.0/mlflow/traces/${traceId}/tags`,
    payload: { key: 'verdict', value: 'x' },
  });
  await asAdmin({
    method: 'POST',
    url: '/api/3.0/mlflow/traces/delete-traces',
    payload: { experiment_id: experimentId, trace_ids: [traceId] },
  });
  return traceId;
}

beforeAll(async () => {
  server = await createAuthTestServer({ defaultPermission: 'READ' });
  const create = async (name: string) =>
    (await asAdmin({ method: 'POST', url: '/api/2.0/mlflow/experiments/create', payload: { name } })).experiment_id;
  secret = await create('secret');
  await asAdmin({
    method: 'POST',
    url: '/api/2.0/mlflow/users/create',
    payload: { username: 'outsider', password: 'a-long-password-1' },
  });
  await asAdmin({
    method: 'POST',
    url: '/api/2.0/mlflow/experiments/permissions/create',
    payload: { experiment_id: secret, username: 'outsider', permission: 'NO_PERMISSIONS' },
  });
});

afterAll(async () => {
  await server?.close();
});

describe('audit of a deleted trace', () => {
  it("is not shown to someone who cannot read the trace's experiment", async () => {
    const traceId = await tracedAndDeleted(secret, 'cd'.repeat(16));
    const adminView = await asAdmin({ url: `/api/trace-explorer/v1/audit?trace_id=${traceId}` });
    expect(adminView.events.map((e: { action: string }) => e.action)).toContain('tag.set');
    const response = await call(server.app, outsider, { url: `/api/trace-explorer/v1/audit?trace_id=${traceId}` });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ events: [] });
  });

  it('is shown to a reader of its experiment', async () => {
    const open = (
      await asAdmin({ method: 'POST', url: '/api/2.0/mlflow/experiments/create', payload: { name: 'open' } })
    ).experiment_id;
    const traceId = await tracedAndDeleted(open, 'ef'.repeat(16));
    const response = await call(server.app, outsider, { url: `/api/trace-explorer/v1/audit?trace_id=${traceId}` });
    expect(response.json().events.map((e: { action: string }) => e.action)).toContain('tag.set');
  });
});
