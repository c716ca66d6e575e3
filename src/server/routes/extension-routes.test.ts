import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExperiment, createTestServer, startTrace, type TestServer } from '../test-helpers.ts';

let server: TestServer;
let exp: string;
const T0 = Date.UTC(2025, 0, 1);

beforeAll(async () => {
  server = await createTestServer();
  exp = await createExperiment(server.app, 'ext');
  for (let i = 0; i < 12; i++) {
    await startTrace(server.app, {
      traceId: `tr-e${i}`,
      experimentId: exp,
      startMs: T0 + i * 1000,
      durationMs: 100 + i,
      state: i === 3 ? 'ERROR' : 'OK',
      metadata: { 'mlflow.trace.session': `s${i % 3}`, app_version: i < 6 ? '1.0' : '1.1' },
      tags: { team: i % 2 ? 'red' : 'blue' },
    });
  }
  await server.app.inject({
    method: 'POST',
    url: '/api/3.0/mlflow/traces/tr-e0/assessments',
    payload: {
      assessment: { assessment_name: 'thumbs', source: { source_type: 'HUMAN' }, feedback: { value: false } },
    },
  });
});
afterAll(() => server.close());

const ext = (path: string, payload: Record<string, unknown>, app: FastifyInstance = server.app) =>
  app.inject({
    method: 'POST',
    url: `/ajax-api/trace-explorer/v1/${path}`,
    payload: { experiment_ids: [exp], ...payload },
  });

describe('extension endpoints', () => {
  it('describes capabilities', async () => {
    const response = await server.app.inject({ url: '/api/trace-explorer/v1/capabilities' });
    expect(response.json()).toMatchObject({ filter_dialects: ['mlflow', 'extended'], version: expect.any(String) });
  });

  it('lists keys and frequent values, with prefix search', async () => {
    const keys = (await ext('keys', {})).json().keys;
    expect(keys).toContainEqual({ kind: 'metadata', key: 'app_version', count: 12 });
    expect(keys).toContainEqual({ kind: 'tag', key: 'team', count: 12 });
    const values = (await ext('values', { kind: 'metadata', key: 'app_version' })).json();
    expect(values).toEqual({
      values: [
        { value: '1.0', count: 6 },
        { value: '1.1', count: 6 },
      ],
    });
    const prefixed = (await ext('values', { kind: 'tag', key: 'team', prefix: 're' })).json();
    expect(prefixed).toEqual({ values: [{ value: 'red', count: 6 }] });
    expect((await ext('values', { kind: 'span', key: 'x' })).statusCode).toBe(400);
  });

  it('counts exactly up to a cap', async () => {
    expect((await ext('count', { filter: "tag.team = 'red' OR status = 'ERROR'" })).json()).toEqual({
      count: 6,
      exact: true,
    });
    expect((await ext('count', { cap: 5 })).json()).toEqual({ count: 5, exact: false });
    expect((await ext('count', { filter: 'bogus' })).statusCode).toBe(400);
  });

  it('groups by session with aggregates, by count and by recency, paged', async () => {
    const byCount = (await ext('groups', { group_by: 'metadata.`mlflow.trace.session`', max_results: 2 })).json();
    expect(byCount.groups).toHaveLength(2);
    expect(byCount.groups[0]).toMatchObject({
      value: 's0',
      count: 4,
      error_count: 1,
      feedback_up: 0,
      feedback_down: 1,
      first_ms: T0,
      last_ms: T0 + 9000,
    });
    expect(byCount.groups[0].p50_ms).toBeCloseTo(104.5);
    const next = (
      await ext('groups', {
        group_by: 'metadata.`mlflow.trace.session`',
        max_results: 2,
        page_token: byCount.next_page_token,
      })
    ).json();
    expect(next.groups.map((g: { value: string }) => g.value)).toEqual(['s2']);
    expect(next.next_page_token).toBeUndefined();
    const recent = (
      await ext('groups', { group_by: 'metadata.mlflow.trace.session', order: 'recent', filter: "tag.team = 'blue'" })
    ).json();
    expect(recent.groups.map((g: { value: string }) => g.value)).toEqual(['s1', 's2', 's0']);
    expect(recent.groups[0].count).toBe(2);
    expect((await ext('groups', { group_by: 'span.name' })).statusCode).toBe(400);
  });

  it('orders groups the same from the in-memory columns and from SQL', async () => {
    for (const body of [
      { group_by: 'metadata.app_version', order: 'count' },
      { group_by: 'tag.team', order: 'recent', filter: "status = 'OK'" },
      { group_by: 'metadata.`mlflow.trace.session`', order: 'recent', max_results: 1 },
    ]) {
      const fast = (await ext('groups', body)).json();
      const slow = (await ext('groups', body, await server.sqlOnly())).json();
      expect(fast).toEqual(slow);
    }
  });
});
