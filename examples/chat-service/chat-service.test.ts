import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTEXT_KEYS, METADATA, TAGS, type TraceInfo } from '../../src/core/model.ts';
import { createTestServer, type TestServer } from '../../src/server/test-helpers.ts';
import { getTrace, init, searchTraces, shutdown } from '../../src/sdk/index.ts';
import { MlflowRestClient } from '../../src/sdk/mlflow-rest-client.ts';
import { buildChatService } from './chat-service.ts';
import { configFromEnv } from './config-from-env.ts';

// End to end: the real trace server and the example service, both listening on real ports and wired
// from the environment the way main.ts does it.
let traceServer: TestServer;
let service: FastifyInstance;
let serviceUrl: string;
let experimentId: string;
const ENV_KEYS = [
  'MLFLOW_TRACKING_URI',
  'MLFLOW_EXPERIMENT_ID',
  'APP_ENVIRONMENT',
  'APP_VERSION',
  'DEPLOYMENT_ID',
  'REGION',
  'HOST',
  'PORT',
];
const savedEnv = Object.fromEntries(ENV_KEYS.map((key) => [key, process.env[key]]));

beforeAll(async () => {
  traceServer = await createTestServer();
  const trackingUri = await traceServer.app.listen({ port: 0, host: '127.0.0.1' });
  const created = await new MlflowRestClient(trackingUri).request<{ experiment_id: string }>(
    'POST',
    '/api/2.0/mlflow/experiments/create',
    { body: { name: 'chat-service-e2e' } },
  );
  Object.assign(process.env, {
    MLFLOW_TRACKING_URI: trackingUri,
    MLFLOW_EXPERIMENT_ID: created.experiment_id,
    APP_ENVIRONMENT: 'staging',
    APP_VERSION: '2.3.1',
    DEPLOYMENT_ID: 'stg-euw1-42',
    REGION: 'eu-west-1',
    HOST: '127.0.0.1',
    PORT: '0',
  });
  experimentId = created.experiment_id;
  const config = configFromEnv();
  init({ scheduleDelayMs: 10 }); // the tracking URI and experiment come from the environment, as in main.ts
  service = await buildChatService({ ...config.service, feedbackLookupTimeoutMs: 500 });
  serviceUrl = await service.listen(config.listen);
});

afterAll(async () => {
  await service.close();
  await shutdown();
  await traceServer.close();
  for (const [key, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

async function chat(message: string, headers: Record<string, string>) {
  const response = await fetch(`${serviceUrl}/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ message }),
  });
  return {
    status: response.status,
    body: (await response.json()) as { reply?: string; trace_id: string; request_id: string },
  };
}

async function findByRequestId(id: string): Promise<TraceInfo> {
  const { traces } = await searchTraces({ filter: `client_request_id = '${id}'` });
  expect(traces).toHaveLength(1);
  return traces[0];
}

describe('examples/chat-service', () => {
  it('records request id, session, user and deployment context on the trace', async () => {
    const first = await chat('How do I get a refund for a double charge?', {
      'x-request-id': 'req-e2e-1',
      'x-session-id': 'sess-e2e',
      'x-user-id': 'alice',
    });
    expect(first.status).toBe(200);
    expect(first.body.reply).toBeTruthy();
    const second = await chat('And where is my order #123456?', {
      'x-request-id': 'req-e2e-2',
      'x-session-id': 'sess-e2e',
      'x-user-id': 'alice',
    });
    expect(second.status).toBe(200);

    // Feedback flushes the SDK's queue, so by now both traces are stored.
    const feedback = await fetch(`${serviceUrl}/chat_feedback?client_request_id=req-e2e-2`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-user-id': 'alice' },
      body: JSON.stringify({ value: false, comment: 'It did not tell me the delivery date.' }),
    });
    expect(feedback.status).toBe(200);
    expect(((await feedback.json()) as { trace_id: string }).trace_id).toBe(second.body.trace_id);

    const info = await findByRequestId('req-e2e-2');
    expect(info.trace_id).toBe(second.body.trace_id);
    expect(info.trace_location.mlflow_experiment?.experiment_id).toBe(experimentId);
    expect(info.state).toBe('OK');
    expect(info.trace_metadata).toMatchObject({
      [METADATA.user]: 'alice',
      [METADATA.session]: 'sess-e2e',
      [CONTEXT_KEYS.environment]: 'staging',
      [CONTEXT_KEYS.appVersion]: '2.3.1',
      [CONTEXT_KEYS.deploymentId]: 'stg-euw1-42',
      [CONTEXT_KEYS.region]: 'eu-west-1',
      [METADATA.sourceType]: 'LOCAL',
    });
    expect(info.tags[TAGS.traceName]).toBe('chat');
    expect(info.request_preview).toBe('And where is my order #123456?');
    expect(info.response_preview).toContain('order #123456');
    expect(JSON.parse(info.trace_metadata[METADATA.tokenUsage])).toMatchObject({ input_tokens: expect.any(Number) });

    const assessment = info.assessments?.find((a) => a.assessment_name === 'user_satisfaction');
    expect(assessment).toMatchObject({
      feedback: { value: false },
      rationale: 'It did not tell me the delivery date.',
      source: { source_type: 'HUMAN', source_id: 'alice' },
    });

    const { traces: session } = await searchTraces({ filter: `metadata.\`${METADATA.session}\` = 'sess-e2e'` });
    expect(session.map((t) => t.client_request_id).sort()).toEqual(['req-e2e-1', 'req-e2e-2']);

    const { spans } = await getTrace(info.trace_id);
    expect(spans.map((s) => s.name).sort()).toEqual(['chat', 'chat_model', 'lookup_order', 'retrieveDocs']);
  });

  it('records model failures as ERROR traces and still answers the caller', async () => {
    const failed = await chat('please #fail now', { 'x-request-id': 'req-e2e-fail', 'x-user-id': 'bob' });
    expect(failed.status).toBe(502);
    const feedback = await fetch(`${serviceUrl}/chat_feedback?client_request_id=req-e2e-fail`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-user-id': 'bob' },
      body: JSON.stringify({ value: false }),
    });
    expect(feedback.status).toBe(200);
    const info = await findByRequestId('req-e2e-fail');
    expect(info.state).toBe('ERROR');
    expect(info.trace_metadata[METADATA.user]).toBe('bob');
  });

  it('rejects unsafe ids and answers 404 for unknown request ids', async () => {
    expect((await chat('hi', { 'x-request-id': "x' OR 1=1" })).status).toBe(400);
    const missing = await fetch(`${serviceUrl}/chat_feedback?client_request_id=never-sent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ value: true }),
    });
    expect(missing.status).toBe(404);
  });
});
