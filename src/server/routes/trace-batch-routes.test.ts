// Bulk actions on the wire (real server, real SQLite): tags and labels on a selection, per-trace
// failures, filter selections paged by keyset, Undo restoring the exact previous state, deletes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TraceBatchResponse } from '../../core/trace-batch.ts';
import { createExperiment, createTestServer, startTrace, type TestServer } from '../test-helpers.ts';

let server: TestServer;
beforeAll(async () => {
  server = await createTestServer();
});
afterAll(() => server.close());

const EXT = '/ajax-api/trace-explorer/v1';
const batch = (payload: Record<string, unknown>, path = 'batch') =>
  server.app.inject({ method: 'POST', url: `${EXT}/traces/${path}`, payload });
const info = async (traceId: string) =>
  (await server.app.inject({ url: `/api/3.0/mlflow/traces/${traceId}` })).json().trace.trace_info;
const assess = async (traceId: string, assessment: Record<string, unknown>) =>
  (
    await server.app.inject({
      method: 'POST',
      url: `/api/3.0/mlflow/traces/${traceId}/assessments`,
      payload: { assessment },
    })
  ).json().assessment;

/** Everything Undo must restore: tags and every assessment (validity included), order-independent. */
const snapshot = async (traceId: string) => {
  const i = await info(traceId);
  return {
    tags: i.tags,
    assessments: [...(i.assessments ?? [])].sort((a, b) => a.assessment_id.localeCompare(b.assessment_id)),
  };
};

describe('POST traces/batch', () => {
  it('tags and labels selected traces, reports unknown ones, and Undo restores exactly the previous state', async () => {
    const exp = await createExperiment(server.app, 'bulk-ids');
    const ids = ['tr-b1', 'tr-b2', 'tr-b3'];
    for (const [i, traceId] of ids.entries())
      await startTrace(server.app, { traceId, experimentId: exp, startMs: Date.UTC(2026, 0, 1, 0, i) });
    await server.app.inject({
      method: 'PATCH',
      url: '/api/3.0/mlflow/traces/tr-b2/tags',
      payload: { key: 'stage', value: 'old' },
    });
    // tr-b3 already has ann's label (overridden by the batch) and bob's (left alone).
    const annOld = await assess('tr-b3', {
      assessment_name: 'tone',
      source: { source_type: 'HUMAN', source_id: 'ann' },
      feedback: { value: 'friendly' },
      rationale: 'was fine',
    });
    await assess('tr-b3', {
      assessment_name: 'tone',
      source: { source_type: 'HUMAN', source_id: 'bob' },
      feedback: { value: 'rude' },
    });
    const before = await Promise.all(ids.map(snapshot));

    const response = await batch({
      trace_ids: [...ids, 'tr-missing'],
      operations: [
        { op: 'set_tag', key: 'stage', value: 'reviewed' },
        { op: 'set_assessment', name: 'tone', type: 'feedback', value: 'neutral', rationale: 'bulk', source_id: 'ann' },
        { op: 'set_assessment', name: 'answer', type: 'expectation', value: { city: 'Paris' }, source_id: 'ann' },
      ],
    });
    expect(response.statusCode).toBe(200);
    const result = response.json() as TraceBatchResponse;
    expect(result.processed).toBe(4);
    expect(result.failures).toEqual([
      {
        trace_id: 'tr-missing',
        error_code: 'RESOURCE_DOES_NOT_EXIST',
        message: "Trace with ID 'tr-missing' not found.",
      },
    ]);
    expect(result.undo.map((u) => u.trace_id)).toEqual(ids);

    const after = await info('tr-b3');
    expect(after.tags.stage).toBe('reviewed');
    const tone = after.assessments.filter((a: { assessment_name: string }) => a.assessment_name === 'tone');
    expect(tone.find((a: { assessment_id: string }) => a.assessment_id === annOld.assessment_id).valid).toBe(false);
    const annNew = tone.find((a: { overrides?: string }) => a.overrides === annOld.assessment_id);
    expect(annNew).toMatchObject({ valid: true, feedback: { value: 'neutral' }, rationale: 'bulk' });
    expect(
      after.assessments.find((a: { assessment_name: string }) => a.assessment_name === 'answer').expectation,
    ).toBeTruthy();

    // Undo is another batch: the inverse operations the response carried.
    const undone = await batch({ items: result.undo });
    expect(undone.json()).toMatchObject({ processed: 3, failures: [] });
    expect(await Promise.all(ids.map(snapshot))).toEqual(before);
  });

  it('works through a filter selection page by page, even when the change makes traces stop matching', async () => {
    const exp = await createExperiment(server.app, 'bulk-filter');
    for (let i = 0; i < 130; i++) {
      await startTrace(server.app, {
        traceId: `tr-f${i}`,
        experimentId: exp,
        startMs: Date.UTC(2026, 0, 1) + i * 1000,
        tags: { stage: i % 2 === 0 ? 'todo' : 'other' },
      });
    }
    const selection = { experiment_ids: [exp], filter: "tags.stage = 'todo'", max_traces: 20 };
    let token: string | undefined;
    let processed = 0;
    let pages = 0;
    do {
      const page = (
        await batch({ ...selection, page_token: token, operations: [{ op: 'set_tag', key: 'stage', value: 'done' }] })
      ).json() as TraceBatchResponse;
      processed += page.processed;
      token = page.next_page_token;
      pages++;
    } while (token);
    expect(processed).toBe(65);
    expect(pages).toBe(4);
    const count = await server.app.inject({
      method: 'POST',
      url: `${EXT}/count`,
      payload: { experiment_ids: [exp], filter: "tags.stage = 'done'" },
    });
    expect(count.json()).toEqual({ count: 65, exact: true });
    const left = await server.app.inject({
      method: 'POST',
      url: `${EXT}/count`,
      payload: { experiment_ids: [exp], filter: "tags.stage = 'todo'" },
    });
    expect(left.json().count).toBe(0);
  });

  it('removes a tag where present, treats its absence as nothing to do, and undoes the removal', async () => {
    const exp = await createExperiment(server.app, 'bulk-remove');
    await startTrace(server.app, { traceId: 'tr-r1', experimentId: exp, startMs: 1, tags: { flag: 'x' } });
    await startTrace(server.app, { traceId: 'tr-r2', experimentId: exp, startMs: 2 });
    const result = (
      await batch({ trace_ids: ['tr-r1', 'tr-r2'], operations: [{ op: 'delete_tag', key: 'flag' }] })
    ).json();
    expect(result).toEqual({
      processed: 2,
      failures: [],
      undo: [{ trace_id: 'tr-r1', operations: [{ op: 'set_tag', key: 'flag', value: 'x' }] }],
    });
    expect((await info('tr-r1')).tags.flag).toBeUndefined();
    await batch({ items: result.undo });
    expect((await info('tr-r1')).tags.flag).toBe('x');
  });

  it.each([
    [{ trace_ids: ['a'] }, '`operations` is required'],
    [{ operations: [{ op: 'set_tag', key: 'k', value: 'v' }] }, 'Name the traces'],
    [{ trace_ids: ['a'], operations: [{ op: 'explode' }] }, 'unknown operation'],
    [{ trace_ids: ['a'], operations: [{ op: 'set_tag', key: '../x', value: 'v' }] }, 'resolve'],
    [
      { trace_ids: Array.from({ length: 1001 }, (_, i) => `t${i}`), operations: [{ op: 'delete_tag', key: 'k' }] },
      'At most 1000',
    ],
    [{ experiment_ids: ['x'], operations: [{ op: 'delete_tag', key: 'k' }] }, 'Invalid experiment IDs'],
    [{ experiment_ids: ['0'], filter: 'bogus ~~', operations: [{ op: 'delete_tag', key: 'k' }] }, ''],
  ])('refuses %j with 400', async (payload, message) => {
    const response = await batch(payload);
    expect(response.statusCode).toBe(400);
    expect(response.json().error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(response.json().message).toContain(message);
  });
});

describe('POST traces/batch, sizes', () => {
  // Operations are applied to every selected trace: a large value would be written a thousand times.
  const big = 'x'.repeat(70_000);
  it.each([
    ['a label value', { trace_ids: ['a'], operations: [{ op: 'set_assessment', name: 'n', value: big }] }],
    ['a rationale', { trace_ids: ['a'], operations: [{ op: 'set_assessment', name: 'n', value: 1, rationale: big }] }],
    [
      'the operations together',
      {
        trace_ids: ['a'],
        operations: Array.from({ length: 10 }, (_, i) => ({ op: 'set_tag', key: `k${i}`, value: 'v'.repeat(7000) })),
      },
    ],
  ])('refuses %s over 64 KiB with 400', async (_what, payload) => {
    const response = await batch(payload);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining('KiB') });
  });

  it("takes an item's large value (Undo restores one trace at a time)", async () => {
    const response = await batch({
      items: [{ trace_id: 'tr-missing', operations: [{ op: 'set_assessment', name: 'n', value: { v: big } }] }],
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().failures).toEqual([expect.objectContaining({ error_code: 'RESOURCE_DOES_NOT_EXIST' })]);
  });
});

describe('POST traces/batch-delete', () => {
  it('deletes selected traces by id and by filter', async () => {
    const exp = await createExperiment(server.app, 'bulk-delete');
    for (let i = 0; i < 5; i++)
      await startTrace(server.app, {
        traceId: `tr-d${i}`,
        experimentId: exp,
        startMs: i + 1,
        state: i < 3 ? 'ERROR' : 'OK',
      });
    expect((await batch({ trace_ids: ['tr-d4', 'nope'] }, 'batch-delete')).json()).toEqual({ deleted: 1 });
    const byFilter = await batch({ experiment_ids: [exp], filter: "trace.status = 'ERROR'" }, 'batch-delete');
    expect(byFilter.json()).toEqual({ deleted: 3 });
    const search = await server.app.inject({
      method: 'POST',
      url: '/api/3.0/mlflow/traces/search',
      payload: { locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } }] },
    });
    expect(search.json().traces.map((t: { trace_id: string }) => t.trace_id)).toEqual(['tr-d3']);
  });
});
