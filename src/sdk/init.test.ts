import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestServer, type TestServer } from '../server/test-helpers.ts';
import { MlflowRestClient } from './mlflow-rest-client.ts';
import { flush, getExportStats, init, searchTraces, shutdown, trace } from './index.ts';

const ENV_KEYS = ['MLFLOW_TRACKING_URI', 'MLFLOW_EXPERIMENT_ID'] as const;
const savedEnv = Object.fromEntries(ENV_KEYS.map((key) => [key, process.env[key]]));

function setEnv(values: Partial<Record<(typeof ENV_KEYS)[number], string>>): void {
  for (const key of ENV_KEYS) {
    const value = values[key];
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
}

let server: TestServer;
let trackingUri: string;

beforeAll(async () => {
  server = await createTestServer();
  trackingUri = await server.app.listen({ port: 0, host: '127.0.0.1' });
});

afterEach(async () => {
  // Drop the configuration, so the next first use configures from the environment again.
  await shutdown();
  setEnv(savedEnv);
  vi.restoreAllMocks();
});

afterAll(async () => {
  await server.close();
});

describe('init from the environment', () => {
  it('reads MLFLOW_TRACKING_URI and MLFLOW_EXPERIMENT_ID on first use without init()', async () => {
    const created = await new MlflowRestClient(trackingUri).request<{ experiment_id: string }>(
      'POST',
      '/api/2.0/mlflow/experiments/create',
      { body: { name: 'from-env' } },
    );
    setEnv({ MLFLOW_TRACKING_URI: `${trackingUri}/`, MLFLOW_EXPERIMENT_ID: created.experiment_id });

    const work = trace((n: number) => n * 2, { name: 'env-configured' });
    expect(work(21)).toBe(42);
    await flush();

    expect(getExportStats()).toMatchObject({ exportedTraces: 1, failedTraces: 0, failedSpanRequests: 0 });
    const { traces } = await searchTraces({ filter: "trace.name = 'env-configured'" });
    expect(traces).toHaveLength(1);
    expect(traces[0].trace_location.mlflow_experiment?.experiment_id).toBe(created.experiment_id);
  });

  it.each([
    { name: 'unset', env: {}, trackingUri: 'http://localhost:5000', experimentId: '0' },
    {
      name: 'empty',
      env: { MLFLOW_TRACKING_URI: '', MLFLOW_EXPERIMENT_ID: '' },
      trackingUri: 'http://localhost:5000',
      experimentId: '0',
    },
    {
      name: 'set, trailing slashes trimmed',
      env: { MLFLOW_TRACKING_URI: 'https://mlflow.example.com//', MLFLOW_EXPERIMENT_ID: '12' },
      trackingUri: 'https://mlflow.example.com',
      experimentId: '12',
    },
  ])(
    '$name variables give tracking URI $trackingUri and experiment $experimentId',
    ({ env, trackingUri: uri, experimentId }) => {
      setEnv(env);
      expect(init()).toMatchObject({ trackingUri: uri, experimentId });
    },
  );

  it('explicit options win over the environment', () => {
    setEnv({ MLFLOW_TRACKING_URI: 'http://from-env.invalid', MLFLOW_EXPERIMENT_ID: '5' });
    expect(init({ trackingUri: 'http://explicit.invalid', experimentId: '6' })).toMatchObject({
      trackingUri: 'http://explicit.invalid',
      experimentId: '6',
    });
  });
});

describe('a malformed tracking URI', () => {
  it('never throws into application code: one warning naming the URI, every export counted as failed', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    setEnv({ MLFLOW_TRACKING_URI: 'not a url', MLFLOW_EXPERIMENT_ID: '1' });

    // The first traced call configures the SDK from the environment; it used to throw here.
    const work = trace(async (n: number) => n + 1, { name: 'work' });
    for (let i = 0; i < 3; i++) await expect(work(i)).resolves.toBe(i + 1);
    await expect(flush()).resolves.toBeUndefined();

    expect(getExportStats()).toMatchObject({ exportedTraces: 0, failedTraces: 3, queued: 0 });
    expect(getExportStats().failedSpanRequests).toBeGreaterThan(0);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toContain("'not a url'");
    expect(warn.mock.calls[0][0]).toContain('MLFLOW_TRACKING_URI');
  });

  it.each(['localhost:5000', 'ftp://mlflow.example.com', 'databricks'])(
    '%s (not http or https) is refused the same way',
    async (uri) => {
      const warn = vi.fn<(message: string) => void>();
      expect(() => init({ trackingUri: uri, experimentId: '1', warn, scheduleDelayMs: 1 })).not.toThrow();
      expect(trace(() => 'ok', { name: 'work' })()).toBe('ok');
      await flush();
      expect(getExportStats()).toMatchObject({ exportedTraces: 0, failedTraces: 1, failedSpanRequests: 1 });
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0][0]).toContain(`'${uri}'`);
    },
  );
});
