import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServer, type TestServer } from './test-helpers.ts';

let server: TestServer;
beforeAll(async () => {
  server = await createTestServer();
});
afterAll(() => server.close());

describe('app basics', () => {
  it('answers /health and /version as text', async () => {
    const health = await server.app.inject({ url: '/health' });
    expect(health.statusCode).toBe(200);
    expect(health.body).toBe('OK');
    const version = await server.app.inject({ url: '/version' });
    expect(version.body).toMatch(/^3\.\d+\.\d+$/);
  });

  it('answers unknown API paths with the MLflow envelope', async () => {
    for (const url of ['/api/2.0/mlflow/nope', '/ajax-api/3.0/x']) {
      const response = await server.app.inject({ url });
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual({
        error_code: 'ENDPOINT_NOT_FOUND',
        message: expect.stringContaining('No API endpoint'),
      });
    }
  });

  it('answers router errors (bad escape, over-long path parameter) with the MLflow envelope', async () => {
    const urls = [
      '/api/3.0/mlflow/traces/%E0%A4%A',
      '/ajax-api/3.0/mlflow/traces/%zz/tags',
      `/api/3.0/mlflow/traces/${'a'.repeat(1001)}`,
    ];
    for (const url of urls) {
      const response = await server.app.inject({ url });
      expect(response.statusCode).toBe(400);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.json()).toEqual({
        error_code: 'INVALID_PARAMETER_VALUE',
        message: expect.stringMatching(/^Bad Request\. /),
      });
      expect(response.body).not.toMatch(/FST_ERR|statusCode|%E0|aaaa/);
      expect(response.headers['content-security-policy']).toContain("frame-ancestors 'self'");
    }
  });

  it('rejects a foreign Host header (DNS rebinding)', async () => {
    const response = await server.app.inject({ url: '/health', headers: { host: 'evil.example:5000' } });
    expect(response.statusCode).toBe(403);
  });

  it('sets security headers', async () => {
    const response = await server.app.inject({ url: '/health' });
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['content-security-policy']).toContain("script-src 'self'");
  });
});

describe('experiments', () => {
  it('has the Default experiment 0 and creates, gets and searches others', async () => {
    const created = await server.app.inject({
      method: 'POST',
      url: '/api/2.0/mlflow/experiments/create',
      payload: { name: 'chat' },
    });
    expect(created.statusCode).toBe(200);
    const id = created.json().experiment_id as string;
    expect(id).toMatch(/^\d+$/);

    const byId = await server.app.inject({ url: `/api/2.0/mlflow/experiments/get?experiment_id=${id}` });
    expect(byId.json().experiment).toMatchObject({ experiment_id: id, name: 'chat', lifecycle_stage: 'active' });
    expect(typeof byId.json().experiment.creation_time).toBe('number');

    const search = await server.app.inject({
      method: 'POST',
      url: '/ajax-api/2.0/mlflow/experiments/search',
      payload: {},
    });
    const names = (search.json().experiments as { name: string }[]).map((e) => e.name);
    expect(names).toEqual(expect.arrayContaining(['Default', 'chat']));
  });

  it('reports a duplicate name and an unknown id as 4xx', async () => {
    await server.app.inject({ method: 'POST', url: '/api/2.0/mlflow/experiments/create', payload: { name: 'dup' } });
    const dup = await server.app.inject({
      method: 'POST',
      url: '/api/2.0/mlflow/experiments/create',
      payload: { name: 'dup' },
    });
    expect(dup.statusCode).toBe(400);
    expect(dup.json().error_code).toBe('RESOURCE_ALREADY_EXISTS');
    const missing = await server.app.inject({ url: '/api/2.0/mlflow/experiments/get?experiment_id=999' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({
      error_code: 'RESOURCE_DOES_NOT_EXIST',
      message: 'No Experiment with id=999 exists',
    });
  });

  it('requires a name', async () => {
    const response = await server.app.inject({
      method: 'POST',
      url: '/api/2.0/mlflow/experiments/create',
      payload: {},
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toMatch(/^Missing value for required parameter 'name'/);
  });
});
