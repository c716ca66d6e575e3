import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServer, startTrace, type TestServer } from '../test-helpers.ts';

let server: TestServer;
const TRACE = 'tr-assess';
const base = `/api/3.0/mlflow/traces/${TRACE}/assessments`;

beforeAll(async () => {
  server = await createTestServer();
  await startTrace(server.app, { traceId: TRACE, startMs: Date.UTC(2025, 0, 1), durationMs: 10 });
});
afterAll(() => server.close());

const create = (assessment: Record<string, unknown>) =>
  server.app.inject({ method: 'POST', url: base, payload: { assessment } });
const search = (filter: string) =>
  server.app.inject({
    method: 'POST',
    url: '/api/3.0/mlflow/traces/search',
    payload: { locations: [{ mlflow_experiment: { experiment_id: '0' } }], filter },
  });

describe('assessments', () => {
  it('creates feedback with server ids and times, and search returns it', async () => {
    const response = await create({
      assessment_name: 'thumbs',
      trace_id: 'ignored',
      source: { source_type: 'HUMAN', source_id: 'ann' },
      feedback: { value: true },
      rationale: 'good',
    });
    expect(response.statusCode).toBe(200);
    const a = response.json().assessment;
    expect(a).toMatchObject({
      assessment_name: 'thumbs',
      trace_id: TRACE,
      source: { source_type: 'HUMAN', source_id: 'ann' },
      feedback: { value: true },
      rationale: 'good',
      valid: true,
    });
    expect(a.assessment_id).toMatch(/^a-[0-9a-f]{32}$/);
    expect(a.create_time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/);
    const found = await search("feedback.thumbs = 'true'");
    expect(found.json().traces[0].assessments[0].assessment_id).toBe(a.assessment_id);
  });

  it('stores expectations (serialized for objects) and issues', async () => {
    const exp = await create({
      assessment_name: 'expected',
      source: { source_type: 'CODE' },
      expectation: { serialized_value: { serialization_format: 'JSON_FORMAT', value: '{"a": [1, 2]}' } },
    });
    expect(exp.json().assessment.expectation).toEqual({
      serialized_value: { serialization_format: 'JSON_FORMAT', value: '{"a":[1,2]}' },
    });
    const prim = await create({
      assessmentName: 'level',
      source: { sourceType: 'LLM_JUDGE' },
      expectation: { value: 'high' },
    });
    expect(prim.json().assessment.expectation).toEqual({ value: 'high' });
    expect((await search("expectation.level = 'high'")).json().traces).toHaveLength(1);
    const issue = await create({
      assessment_name: 'hallucination',
      source: { source_type: 'CODE' },
      issue: { issue_name: 'hallucination' },
    });
    expect(issue.json().assessment.issue).toEqual({ issue_name: 'hallucination' });
    expect((await search("issue.id = 'hallucination'")).json().traces).toHaveLength(1);
  });

  it('overrides, and restores the overridden one on delete', async () => {
    const first = (
      await create({ assessment_name: 'score', source: { source_type: 'HUMAN' }, feedback: { value: 1 } })
    ).json().assessment;
    const second = (
      await create({
        assessment_name: 'score',
        source: { source_type: 'HUMAN' },
        feedback: { value: 5 },
        overrides: first.assessment_id,
      })
    ).json().assessment;
    expect(second.overrides).toBe(first.assessment_id);
    let old = await server.app.inject({ url: `${base}/${first.assessment_id}` });
    expect(old.json().assessment.valid).toBe(false);
    expect((await search("feedback.score = '1'")).json().traces).toHaveLength(0);
    expect((await search("feedback.score = '5'")).json().traces).toHaveLength(1);
    const del = await server.app.inject({ method: 'DELETE', url: `${base}/${second.assessment_id}` });
    expect(del.json()).toEqual({});
    old = await server.app.inject({ url: `${base}/${first.assessment_id}` });
    expect(old.json().assessment.valid).toBe(true);
    expect((await server.app.inject({ method: 'DELETE', url: `${base}/${second.assessment_id}` })).statusCode).toBe(
      200,
    );
  });

  it('updates with a camelCase update_mask, merging metadata', async () => {
    const a = (
      await create({
        assessment_name: 'tone',
        source: { source_type: 'HUMAN' },
        feedback: { value: 'ok' },
        metadata: { k1: 'v1' },
      })
    ).json().assessment;
    const response = await server.app.inject({
      method: 'PATCH',
      url: `${base}/${a.assessment_id}`,
      payload: {
        assessment: {
          assessment_name: 'tone2',
          feedback: { value: 'great' },
          rationale: 'why',
          metadata: { k2: 'v2' },
        },
        update_mask: 'assessmentName,feedback,rationale,metadata',
      },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().assessment).toMatchObject({
      assessment_name: 'tone2',
      feedback: { value: 'great' },
      rationale: 'why',
      metadata: { k1: 'v1', k2: 'v2' },
    });
    const wrong = await server.app.inject({
      method: 'PATCH',
      url: `${base}/${a.assessment_id}`,
      payload: { assessment: { expectation: { value: 1 } }, update_mask: 'expectation' },
    });
    expect(wrong.json().message).toBe('Cannot update expectation value on a Feedback assessment.');
    const snake = await server.app.inject({
      method: 'PATCH',
      url: `${base}/${a.assessment_id}`,
      payload: { assessment: {}, update_mask: 'assessment_name' },
    });
    expect(snake.statusCode).toBe(400);
  });

  it("ignores a client assessment_id on create, so another trace's assessment cannot be moved", async () => {
    await startTrace(server.app, { traceId: 'tr-other', startMs: Date.UTC(2025, 0, 2), durationMs: 1 });
    const mine = (
      await create({ assessment_name: 'owned', source: { source_type: 'HUMAN' }, feedback: { value: 1 } })
    ).json().assessment;
    const hijack = await server.app.inject({
      method: 'POST',
      url: '/api/3.0/mlflow/traces/tr-other/assessments',
      payload: {
        assessment: {
          assessment_id: mine.assessment_id,
          assessment_name: 'stolen',
          source: { source_type: 'HUMAN' },
          feedback: { value: 2 },
        },
      },
    });
    expect(hijack.statusCode).toBe(200);
    expect(hijack.json().assessment.assessment_id).not.toBe(mine.assessment_id);
    expect(hijack.json().assessment.trace_id).toBe('tr-other');
    const still = await server.app.inject({ url: `${base}/${mine.assessment_id}` });
    expect(still.json().assessment).toMatchObject({
      assessment_id: mine.assessment_id,
      trace_id: TRACE,
      assessment_name: 'owned',
      feedback: { value: 1 },
    });
  });

  it('upserts StartTraceV3 assessments by id within their trace, and refuses an id owned by another trace', async () => {
    const startWith = (traceId: string, assessment: Record<string, unknown>) =>
      server.app.inject({
        method: 'POST',
        url: '/api/3.0/mlflow/traces',
        payload: {
          trace: {
            trace_info: {
              trace_id: traceId,
              trace_location: { mlflow_experiment: { experiment_id: '0' } },
              request_time: '2025-01-03T00:00:00Z',
              state: 'OK',
              assessments: [{ assessment_name: 'q', source: { source_type: 'CODE' }, ...assessment }],
            },
          },
        },
      });
    const first = await startWith('tr-upsert', { assessment_id: 'a-fixed', feedback: { value: 1 } });
    expect(first.statusCode).toBe(200);
    const created = first.json().trace.trace_info.assessments[0].create_time;
    const again = await startWith('tr-upsert', { assessment_id: 'a-fixed', feedback: { value: 2 } });
    expect(again.statusCode).toBe(200);
    const assessments = again.json().trace.trace_info.assessments;
    expect(assessments).toHaveLength(1);
    expect(assessments[0]).toMatchObject({
      assessment_id: 'a-fixed',
      trace_id: 'tr-upsert',
      feedback: { value: 2 },
      create_time: created,
    });

    const clash = await startWith('tr-clash', { assessment_id: 'a-fixed', feedback: { value: 3 } });
    expect(clash.statusCode).toBe(400);
    expect(clash.json()).toEqual({
      error_code: 'RESOURCE_ALREADY_EXISTS',
      message: "Assessment with ID 'a-fixed' already exists on another trace.",
    });
    // Nothing of the refused request was written, and the owner's assessment is untouched.
    expect((await server.app.inject({ url: '/api/3.0/mlflow/traces/tr-clash' })).statusCode).toBe(404);
    const owner = await server.app.inject({ url: '/api/3.0/mlflow/traces/tr-upsert/assessments/a-fixed' });
    expect(owner.json().assessment).toMatchObject({ trace_id: 'tr-upsert', feedback: { value: 2 } });
  });

  it('reports MLflow errors', async () => {
    const unknownType = await create({ assessment_name: 'x', source: { source_type: 'HUMAN' } });
    expect(unknownType.json()).toEqual({
      error_code: 'INVALID_PARAMETER_VALUE',
      message: 'Unknown assessment type: None',
    });
    const missingOverride = await create({
      assessment_name: 'x',
      source: { source_type: 'HUMAN' },
      feedback: { value: 1 },
      overrides: 'a-nope',
    });
    expect(missingOverride.statusCode).toBe(404);
    expect(missingOverride.json().message).toBe("Assessment with ID 'a-nope' not found for trace '{trace_id}'");
    const noTrace = await server.app.inject({ url: '/api/3.0/mlflow/traces/tr-none/assessments/a-1' });
    expect(noTrace.json().message).toBe("Trace with request_id 'tr-none' not found");
    const noAssessment = await server.app.inject({ url: `${base}/a-1` });
    expect(noAssessment.json().message).toBe(`Assessment with ID 'a-1' not found for trace '${TRACE}'`);
  });
});
