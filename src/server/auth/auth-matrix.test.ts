// Route-by-route access matrix through the real app with --auth: every principal against every
// route that touches experiment data or needs a kind of caller. Each case builds its own trace,
// so writes that delete or change data never affect another case.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { otlpJsonBody } from '../test-helpers.ts';
import { ADMIN, basic, call, createAuthTestServer, type AuthTestServer } from './auth-test-server.ts';
import type { InjectOptions } from 'fastify';

type Need = 'signed-in' | 'read-any' | 'user' | 'read' | 'ingest' | 'edit' | 'manage' | 'admin';

interface Fixture {
  experimentId: string;
  experimentName: string;
  traceId: string;
  assessmentId: string;
  hex: string;
}

interface Case {
  name: string;
  need: Need;
  request: (f: Fixture) => InjectOptions;
}

let server: AuthTestServer;
const adminAuth = basic(ADMIN.username, ADMIN.password);
let seq = 0;
const hex32 = () => (++seq).toString(16).padStart(32, '0');
const loc = (id: string) => ({ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: id } });

const CASES: Case[] = [
  { name: 'version', need: 'signed-in', request: () => ({ url: '/version' }) },
  { name: 'server-info', need: 'signed-in', request: () => ({ url: '/api/3.0/mlflow/server-info' }) },
  { name: 'capabilities', need: 'signed-in', request: () => ({ url: '/api/trace-explorer/v1/capabilities' }) },
  {
    name: 'search experiments',
    need: 'read-any',
    request: () => ({ method: 'POST', url: '/api/2.0/mlflow/experiments/search', payload: {} }),
  },
  {
    name: 'create experiment',
    need: 'user',
    request: () => ({ method: 'POST', url: '/api/2.0/mlflow/experiments/create', payload: { name: `made-${++seq}` } }),
  },
  {
    name: 'get experiment',
    need: 'read',
    request: (f) => ({ url: `/api/2.0/mlflow/experiments/get?experiment_id=${f.experimentId}` }),
  },
  {
    name: 'get experiment by name',
    need: 'read',
    request: (f) => ({ url: `/ajax-api/2.0/mlflow/experiments/get-by-name?experiment_name=${f.experimentName}` }),
  },
  {
    name: 'set experiment tag',
    need: 'edit',
    request: (f) => ({
      method: 'POST',
      url: '/api/2.0/mlflow/experiments/set-experiment-tag',
      payload: { experiment_id: f.experimentId, key: 'k', value: 'v' },
    }),
  },
  {
    name: 'delete experiment tag',
    need: 'edit',
    request: (f) => ({
      method: 'POST',
      url: '/ajax-api/2.0/mlflow/experiments/delete-experiment-tag',
      payload: { experiment_id: f.experimentId, key: 'seeded' },
    }),
  },
  {
    name: 'bulk tag and label (ids)',
    need: 'edit',
    request: (f) => ({
      method: 'POST',
      url: '/api/trace-explorer/v1/traces/batch',
      payload: { trace_ids: [f.traceId], operations: [{ op: 'set_tag', key: 'bulk', value: '1' }] },
    }),
  },
  {
    name: 'bulk tag (filter)',
    need: 'edit',
    request: (f) => ({
      method: 'POST',
      url: '/ajax-api/trace-explorer/v1/traces/batch',
      payload: { experiment_ids: [f.experimentId], max_traces: 1, operations: [{ op: 'delete_tag', key: 'none' }] },
    }),
  },
  {
    name: 'bulk undo (items)',
    need: 'edit',
    request: (f) => ({
      method: 'POST',
      url: '/api/trace-explorer/v1/traces/batch',
      payload: { items: [{ trace_id: f.traceId, operations: [{ op: 'delete_tag', key: 'k' }] }] },
    }),
  },
  {
    name: 'bulk delete',
    need: 'manage',
    request: (f) => ({
      method: 'POST',
      url: '/api/trace-explorer/v1/traces/batch-delete',
      payload: { trace_ids: [f.traceId] },
    }),
  },
  {
    name: 'start trace',
    need: 'ingest',
    request: (f) => ({
      method: 'POST',
      url: '/api/3.0/mlflow/traces',
      payload: {
        trace: {
          trace_info: {
            trace_id: `tr-${hex32()}`,
            trace_location: loc(f.experimentId),
            request_time: '2026-01-01T00:00:00Z',
            state: 'OK',
          },
        },
      },
    }),
  },
  { name: 'get trace', need: 'read', request: (f) => ({ url: `/api/3.0/mlflow/traces/get?trace_id=${f.traceId}` }) },
  { name: 'get trace info', need: 'read', request: (f) => ({ url: `/api/3.0/mlflow/traces/${f.traceId}` }) },
  {
    name: 'batch get',
    need: 'read',
    request: (f) => ({ url: `/api/3.0/mlflow/traces/batchGet?trace_ids=${f.traceId}` }),
  },
  {
    name: 'batch get infos',
    need: 'read',
    request: (f) => ({
      method: 'POST',
      url: '/api/3.0/mlflow/traces/batchGetInfos',
      payload: { trace_ids: [f.traceId] },
    }),
  },
  {
    name: 'search traces',
    need: 'read',
    request: (f) => ({
      method: 'POST',
      url: '/ajax-api/3.0/mlflow/traces/search',
      payload: { locations: [loc(f.experimentId)] },
    }),
  },
  {
    name: 'delete traces (v3)',
    need: 'manage',
    request: (f) => ({
      method: 'POST',
      url: '/api/3.0/mlflow/traces/delete-traces',
      payload: { experiment_id: f.experimentId, trace_ids: [f.traceId] },
    }),
  },
  {
    name: 'delete traces (v2, by time)',
    need: 'manage',
    request: (f) => ({
      method: 'POST',
      url: '/api/2.0/mlflow/traces/delete-traces',
      payload: { experiment_id: f.experimentId, max_timestamp_millis: 0 },
    }),
  },
  {
    name: 'set tag',
    need: 'edit',
    request: (f) => ({
      method: 'PATCH',
      url: `/api/3.0/mlflow/traces/${f.traceId}/tags`,
      payload: { key: 'k', value: 'v' },
    }),
  },
  {
    name: 'delete tag',
    need: 'edit',
    request: (f) => ({ method: 'DELETE', url: `/api/2.0/mlflow/traces/${f.traceId}/tags`, payload: { key: 'k' } }),
  },
  {
    name: 'link to run',
    need: 'edit',
    request: (f) => ({
      method: 'POST',
      url: '/api/2.0/mlflow/traces/link-to-run',
      payload: { trace_ids: [f.traceId], run_id: 'r1' },
    }),
  },
  {
    name: 'link prompts',
    need: 'edit',
    request: (f) => ({
      method: 'POST',
      url: '/api/2.0/mlflow/traces/link-prompts',
      payload: { trace_id: f.traceId, prompt_versions: [{ name: 'p', version: '1' }] },
    }),
  },
  {
    name: 'create assessment',
    need: 'edit',
    request: (f) => ({
      method: 'POST',
      url: `/api/3.0/mlflow/traces/${f.traceId}/assessments`,
      payload: { assessment: { assessment_name: 'ok', source: { source_type: 'HUMAN' }, feedback: { value: true } } },
    }),
  },
  {
    name: 'get assessment',
    need: 'read',
    request: (f) => ({ url: `/api/3.0/mlflow/traces/${f.traceId}/assessments/${f.assessmentId}` }),
  },
  {
    name: 'update assessment',
    need: 'edit',
    request: (f) => ({
      method: 'PATCH',
      url: `/api/3.0/mlflow/traces/${f.traceId}/assessments/${f.assessmentId}`,
      payload: { assessment: { rationale: 'r' }, update_mask: 'rationale' },
    }),
  },
  {
    name: 'delete assessment',
    need: 'edit',
    request: (f) => ({ method: 'DELETE', url: `/api/3.0/mlflow/traces/${f.traceId}/assessments/${f.assessmentId}` }),
  },
  {
    name: 'metrics',
    need: 'read',
    request: (f) => ({
      method: 'POST',
      url: '/api/3.0/mlflow/traces/metrics',
      payload: {
        experiment_ids: [f.experimentId],
        view_type: 'TRACES',
        metric_name: 'trace_count',
        aggregations: [{ aggregation_type: 'COUNT' }],
      },
    }),
  },
  {
    name: 'OTLP export',
    need: 'ingest',
    request: (f) => ({
      method: 'POST',
      url: '/v1/traces',
      headers: { 'content-type': 'application/json', 'x-mlflow-experiment-id': f.experimentId },
      payload: otlpJsonBody([
        { traceId: hex32(), spanId: '00000000000000aa', name: 'root', startNs: '1000000', endNs: '2000000' },
      ]),
    }),
  },
  {
    name: 'get trace artifact',
    need: 'read',
    request: (f) => ({ url: `/ajax-api/3.0/mlflow/get-trace-artifact?request_id=${f.traceId}` }),
  },
  {
    name: 'download traces.json',
    need: 'read',
    request: (f) => ({
      url: `/api/2.0/mlflow-artifacts/artifacts/${f.experimentId}/traces/${f.traceId}/artifacts/traces.json`,
    }),
  },
  {
    name: 'upload traces.json',
    need: 'ingest',
    request: (f) => ({
      method: 'PUT',
      url: `/api/2.0/mlflow-artifacts/artifacts/${f.experimentId}/traces/${f.traceId}/artifacts/traces.json`,
      headers: { 'content-type': 'application/octet-stream' },
      payload: '{"spans": []}',
    }),
  },
  ...(['keys', 'values', 'count', 'groups'] as const).map((kind): Case => ({
    name: `extension ${kind}`,
    need: 'read',
    request: (f) => ({
      method: 'POST',
      url: `/api/trace-explorer/v1/${kind}`,
      payload: { experiment_ids: [f.experimentId], kind: 'tag', key: 'k', group_by: 'name' },
    }),
  })),
  { name: 'audit', need: 'read', request: (f) => ({ url: `/api/trace-explorer/v1/audit?trace_id=${f.traceId}` }) },
  {
    name: 'my permission',
    need: 'read',
    request: (f) => ({ url: `/api/trace-explorer/v1/experiments/my-permission?experiment_id=${f.experimentId}` }),
  },
  {
    name: 'list grants',
    need: 'manage',
    request: (f) => ({ url: `/api/trace-explorer/v1/experiments/permissions/list?experiment_id=${f.experimentId}` }),
  },
  {
    name: 'get permission',
    need: 'manage',
    request: (f) => ({
      url: `/api/2.0/mlflow/experiments/permissions/get?experiment_id=${f.experimentId}&username=reader`,
    }),
  },
  {
    name: 'update permission',
    need: 'manage',
    request: (f) => ({
      method: 'PATCH',
      url: '/api/2.0/mlflow/experiments/permissions/update',
      payload: { experiment_id: f.experimentId, username: 'reader', permission: 'READ' },
    }),
  },
  { name: 'list users', need: 'admin', request: () => ({ url: '/api/2.0/mlflow/users/list' }) },
  { name: 'list tokens', need: 'user', request: () => ({ url: '/api/trace-explorer/v1/tokens/list' }) },
];

/** Principals and what they hold on the fixture experiment (grants made in beforeAll). */
type Holder =
  | 'anonymous'
  | 'wrong-password'
  | 'none'
  | 'reader'
  | 'editor'
  | 'manager'
  | 'admin'
  | 'ingest-token'
  | 'read-token'
  | 'edit-token'
  | 'editor-session';
const CAN: Record<Holder, Need[]> = {
  anonymous: [],
  'wrong-password': [],
  none: ['signed-in', 'read-any', 'user'],
  reader: ['signed-in', 'read-any', 'user', 'read'],
  editor: ['signed-in', 'read-any', 'user', 'read', 'ingest', 'edit'],
  'editor-session': ['signed-in', 'read-any', 'user', 'read', 'ingest', 'edit'],
  manager: ['signed-in', 'read-any', 'user', 'read', 'ingest', 'edit', 'manage'],
  admin: ['signed-in', 'read-any', 'user', 'read', 'ingest', 'edit', 'manage', 'admin'],
  'ingest-token': ['signed-in', 'ingest'],
  'read-token': ['signed-in', 'read-any', 'read'],
  'edit-token': ['signed-in', 'read-any', 'read', 'ingest', 'edit'],
};
const PASSWORD = 'a-long-password-1';
const credentials = new Map<Holder, { authorization?: string; cookie?: string }>();
let experimentId = '';

async function admin(options: InjectOptions) {
  const response = await call(server.app, adminAuth, options);
  if (response.statusCode !== 200) throw new Error(`${options.url} ${response.statusCode}: ${response.body}`);
  return response.json();
}

async function fixture(): Promise<Fixture> {
  const hex = hex32();
  await admin({
    method: 'POST',
    url: '/v1/traces',
    headers: { 'content-type': 'application/json', 'x-mlflow-experiment-id': experimentId },
    payload: otlpJsonBody([
      { traceId: hex, spanId: '00000000000000a1', name: 'root', startNs: '1000000', endNs: '2000000' },
    ]),
  });
  const traceId = `tr-${hex}`;
  await admin({ method: 'PATCH', url: `/api/3.0/mlflow/traces/${traceId}/tags`, payload: { key: 'k', value: 'v' } });
  await admin({
    method: 'POST',
    url: '/api/2.0/mlflow/experiments/set-experiment-tag',
    payload: { experiment_id: experimentId, key: 'seeded', value: 'v' },
  });
  const created = await admin({
    method: 'POST',
    url: `/api/3.0/mlflow/traces/${traceId}/assessments`,
    payload: { assessment: { assessment_name: 'seed', source: { source_type: 'CODE' }, feedback: { value: 1 } } },
  });
  return { experimentId, experimentName: 'shared', traceId, assessmentId: created.assessment.assessment_id, hex };
}

beforeAll(async () => {
  server = await createAuthTestServer();
  experimentId = (
    await admin({ method: 'POST', url: '/api/2.0/mlflow/experiments/create', payload: { name: 'shared' } })
  ).experiment_id;
  const grants: [string, string][] = [
    ['none', 'NO_PERMISSIONS'],
    ['reader', 'READ'],
    ['editor', 'EDIT'],
    ['manager', 'MANAGE'],
  ];
  for (const [username, permission] of grants) {
    await admin({ method: 'POST', url: '/api/2.0/mlflow/users/create', payload: { username, password: PASSWORD } });
    await admin({
      method: 'POST',
      url: '/api/2.0/mlflow/experiments/permissions/create',
      payload: { experiment_id: experimentId, username, permission },
    });
    credentials.set(username as Holder, { authorization: basic(username, PASSWORD) });
  }
  credentials.set('admin', { authorization: adminAuth });
  credentials.set('anonymous', {});
  credentials.set('wrong-password', { authorization: basic('editor', 'not-the-password') });
  for (const level of ['ingest', 'read', 'edit'] as const) {
    const made = await call(server.app, basic('manager', PASSWORD), {
      method: 'POST',
      url: '/api/trace-explorer/v1/tokens/create',
      payload: { name: level, level, experiment_ids: [experimentId] },
    });
    if (made.statusCode !== 200) throw new Error(`token create ${made.statusCode}: ${made.body}`);
    credentials.set(`${level}-token`, { authorization: `Bearer ${made.json().secret}` });
  }
  const signIn = await server.app.inject({
    method: 'POST',
    url: '/ajax-api/trace-explorer/v1/auth/sign-in',
    headers: { origin: 'http://localhost', host: 'localhost' },
    payload: { username: 'editor', password: PASSWORD },
  });
  if (signIn.statusCode !== 200) throw new Error(`sign-in ${signIn.statusCode}: ${signIn.body}`);
  const cookie = String(signIn.headers['set-cookie']).split(';')[0];
  credentials.set('editor-session', { cookie });
}, 60_000);

afterAll(async () => {
  await server.close();
});

describe('access matrix', () => {
  for (const c of CASES) {
    it(`${c.name} needs ${c.need}`, async () => {
      for (const holder of Object.keys(CAN) as Holder[]) {
        const f = await fixture();
        const options = c.request(f);
        const cred = credentials.get(holder)!;
        const response = await server.app.inject({
          ...options,
          headers: {
            host: 'localhost',
            ...(options.headers ?? {}),
            ...(cred.authorization ? { authorization: cred.authorization } : {}),
            ...(cred.cookie ? { cookie: cred.cookie, origin: 'http://localhost' } : {}),
          },
        });
        const expected =
          holder === 'anonymous' || holder === 'wrong-password' ? 401 : CAN[holder].includes(c.need) ? 200 : 403;
        expect({
          holder,
          status: response.statusCode,
          body: expected === 200 ? '' : response.json().error_code,
        }).toEqual({
          holder,
          status: expected,
          body: expected === 401 ? 'UNAUTHENTICATED' : expected === 403 ? 'PERMISSION_DENIED' : '',
        });
      }
    }, 30_000);
  }
});
