import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTEXT_KEYS, METADATA, TAGS, type TraceInfo } from '../../src/core/model.ts';
import { createTestServer, type TestServer } from '../../src/server/test-helpers.ts';
import { getTrace, searchTraces, shutdown } from '../../src/sdk/index.ts';
import { seedDemo, type SeedDemoResult } from './seed-demo.ts';
import { findSeededDemo } from './find-seeded-demo.ts';

// Seeds a small demo into a real server over HTTP and reads it back through the search API.
let server: TestServer;
let result: SeedDemoResult;
let address: string;
let foundBeforeSeeding: string | undefined;
let all: TraceInfo[];

async function searchAll(filter?: string): Promise<TraceInfo[]> {
  const traces: TraceInfo[] = [];
  let pageToken: string | undefined;
  do {
    const page = await searchTraces({ filter, maxResults: 500, pageToken });
    traces.push(...page.traces);
    pageToken = page.nextPageToken;
  } while (pageToken);
  return traces;
}

beforeAll(async () => {
  server = await createTestServer();
  address = await server.app.listen({ port: 0, host: '127.0.0.1' });
  // Before seeding, the demo finds nothing to reuse.
  foundBeforeSeeding = await findSeededDemo(address);
  result = await seedDemo({ trackingUri: address, traces: 400, seed: 3, experimentName: 'chat-assistant' });
  all = await searchAll();
}, 60_000);

afterAll(async () => {
  await shutdown();
  await server.close();
});

describe('seedDemo against a real server', () => {
  it('is found by the next `npm run demo` on the same database, which then does not seed again', async () => {
    expect(foundBeforeSeeding).toBeUndefined();
    expect(await findSeededDemo(address)).toBe(result.experimentId);
    // An experiment of that name without traces is no demo yet: it gets seeded.
    const created = await fetch(`${address}/api/2.0/mlflow/experiments/create`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'empty-demo' }),
    });
    expect(created.status).toBe(200);
    expect(await findSeededDemo(address, 'empty-demo')).toBeUndefined();
  });

  it('stores every trace, finalized with its metadata and tags', () => {
    expect(result.failedTraces).toBe(0);
    expect(result.failedAssessments).toBe(0);
    expect(all).toHaveLength(400);
    expect(new Set(all.map((t) => t.trace_id))).toEqual(new Set(result.traceIds));
    const sample = all[0];
    expect(sample.tags[TAGS.traceName]).toBe('chat_assistant');
    expect(sample.client_request_id).toMatch(/^req_[0-9a-f]{16}$/);
    expect(sample.trace_metadata[METADATA.tokenUsage]).toBeDefined();
    expect(sample.request_preview).toBeTruthy();
  });

  it('has the promised versions, sessions, users and errors', async () => {
    const count = (key: string) => new Set(all.map((t) => t.trace_metadata[key])).size;
    expect(count(METADATA.session)).toBe(result.summary.sessions);
    expect(count(METADATA.user)).toBe(result.summary.users);
    expect(new Set(all.map((t) => t.trace_metadata[CONTEXT_KEYS.appVersion]))).toEqual(
      new Set(['1.0.0', '1.1.0', '1.2.0']),
    );
    expect(all.filter((t) => t.state === 'ERROR')).toHaveLength(result.summary.errors);
    expect(await searchAll(`metadata.${CONTEXT_KEYS.appVersion} = '1.1.0'`)).toHaveLength(
      result.summary.byVersion['1.1.0'].traces,
    );
  });

  it('logged the feedback and expectations', async () => {
    const feedback = all.flatMap((t) => (t.assessments ?? []).filter((a) => a.assessment_name === 'user_satisfaction'));
    expect(feedback).toHaveLength(result.summary.feedback);
    expect(feedback.filter((a) => a.feedback?.value === false)).toHaveLength(result.summary.feedbackDown);
    expect(feedback.every((a) => a.source.source_type === 'HUMAN' && a.source.source_id?.startsWith('user_'))).toBe(
      true,
    );
    const expectations = all.flatMap((t) => (t.assessments ?? []).filter((a) => a.expectation));
    expect(expectations).toHaveLength(result.summary.expectations);
  });

  it('stores the span tree with exception events on failed traces', async () => {
    const failed = all.find((t) => t.state === 'ERROR');
    if (!failed) throw new Error('the demo should contain a failed trace');
    const { spans } = await getTrace(failed.trace_id);
    expect(spans.length).toBeGreaterThanOrEqual(3);
    const events = spans.flatMap((s) => (s.events as { name: string }[] | undefined) ?? []);
    expect(events.some((e) => e.name === 'exception')).toBe(true);
  });
});
