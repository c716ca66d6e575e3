import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, basic, createAuthTestServer, type AuthTestServer } from '../server/auth/auth-test-server.ts';
import { authorizationHeader } from './credentials.ts';
import { flush, getExportStats, init, searchTraces, shutdown, trace } from './index.ts';

describe('authorizationHeader', () => {
  it.each([
    [{}, {}, undefined],
    [{}, { MLFLOW_TRACKING_TOKEN: 'te_x' }, 'Bearer te_x'],
    [{}, { MLFLOW_TRACKING_USERNAME: 'u', MLFLOW_TRACKING_PASSWORD: 'p' }, `Basic ${btoa('u:p')}`],
    [
      {},
      { MLFLOW_TRACKING_USERNAME: 'u', MLFLOW_TRACKING_PASSWORD: 'p', MLFLOW_TRACKING_TOKEN: 't' },
      `Basic ${btoa('u:p')}`,
    ],
    [{}, { MLFLOW_TRACKING_USERNAME: 'u' }, undefined],
    [{ token: 'mine' }, { MLFLOW_TRACKING_TOKEN: 'env' }, 'Bearer mine'],
    [{ username: 'a', password: 'b' }, {}, `Basic ${btoa('a:b')}`],
    [{}, { MLFLOW_TRACKING_TOKEN: '' }, undefined],
  ])('%j with env %j', (options, env, expected) => {
    expect(authorizationHeader(options, env)).toBe(expected);
  });
});

describe('against a server with --auth', () => {
  let server: AuthTestServer;
  let trackingUri: string;
  let experimentId: string;
  let ingestToken: string;

  beforeAll(async () => {
    server = await createAuthTestServer();
    trackingUri = await server.app.listen({ port: 0, host: '127.0.0.1' });
    const admin = { authorization: basic(ADMIN.username, ADMIN.password) };
    experimentId = (
      await server.app.inject({
        method: 'POST',
        url: '/api/2.0/mlflow/experiments/create',
        headers: admin,
        payload: { name: 'sdk' },
      })
    ).json().experiment_id;
    ingestToken = (
      await server.app.inject({
        method: 'POST',
        url: '/api/trace-explorer/v1/tokens/create',
        headers: admin,
        payload: { name: 'sdk', level: 'ingest', experiment_ids: [experimentId] },
      })
    ).json().secret;
  });
  afterEach(async () => {
    await shutdown();
  });
  afterAll(async () => {
    await server.close();
  });

  it('an ingest token exports spans (OTLP) and the trace info, but cannot search', async () => {
    init({ trackingUri, experimentId, token: ingestToken, warn: () => undefined });
    trace(() => 'ok', { name: 'with-token' })();
    await flush();
    expect(getExportStats()).toMatchObject({ exportedTraces: 1, failedTraces: 0, failedSpanRequests: 0 });
    await expect(searchTraces({ filter: "trace.name = 'with-token'" })).rejects.toMatchObject({ status: 403 });
    init({ trackingUri, experimentId, username: ADMIN.username, password: ADMIN.password });
    const { traces } = await searchTraces({ filter: "trace.name = 'with-token'" });
    expect(traces).toHaveLength(1);
  });

  it('without credentials every export fails with 401', async () => {
    init({ trackingUri, experimentId, warn: () => undefined });
    trace(() => 'no', { name: 'anonymous' })();
    await flush();
    expect(getExportStats().exportedTraces).toBe(0);
    expect(getExportStats().failedTraces + getExportStats().failedSpanRequests).toBeGreaterThan(0);
  });
});
