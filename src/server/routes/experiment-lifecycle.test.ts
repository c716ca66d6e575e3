// DeleteExperiment, RestoreExperiment, UpdateExperiment (rename) and view_type, on the wire,
// under both prefixes, with MLflow's errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExperiment, createTestServer, startTrace, type TestServer } from '../test-helpers.ts';

let server: TestServer;
beforeAll(async () => {
  server = await createTestServer();
});
afterAll(() => server.close());

const post = (path: string, payload: Record<string, unknown>, prefix = '/api') =>
  server.app.inject({ method: 'POST', url: `${prefix}/2.0/mlflow/experiments/${path}`, payload });
const getExperiment = async (id: string) =>
  (await server.app.inject({ url: `/api/2.0/mlflow/experiments/get?experiment_id=${id}` })).json().experiment;
const searchNames = async (payload: Record<string, unknown> = {}) =>
  ((await post('search', payload)).json().experiments as { name: string }[]).map((e) => e.name).sort();
const searchTraces = async (experimentId: string) =>
  (
    await server.app.inject({
      method: 'POST',
      url: '/api/3.0/mlflow/traces/search',
      payload: { locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } }] },
    })
  ).json().traces ?? [];

describe('experiment lifecycle', () => {
  it('deletes: still readable with lifecycle_stage deleted, hidden from the default search, traces unsearchable', async () => {
    const id = await createExperiment(server.app, 'doomed');
    await startTrace(server.app, { traceId: 'tr-doomed', experimentId: id, startMs: Date.UTC(2025, 0, 1) });
    expect(await searchTraces(id)).toHaveLength(1);
    const before = await getExperiment(id);

    const deleted = await post('delete', { experiment_id: id });
    expect([deleted.statusCode, deleted.json()]).toEqual([200, {}]);
    const after = await getExperiment(id);
    expect(after.lifecycle_stage).toBe('deleted');
    expect(after.last_update_time).toBeGreaterThanOrEqual(before.last_update_time);
    const byName = await server.app.inject({ url: '/api/2.0/mlflow/experiments/get-by-name?experiment_name=doomed' });
    expect(byName.json().experiment.lifecycle_stage).toBe('deleted');

    expect(await searchNames()).not.toContain('doomed');
    expect(await searchNames({ view_type: 'DELETED_ONLY' })).toEqual(['doomed']);
    expect(await searchNames({ view_type: 'ALL' })).toContain('doomed');
    expect(await searchTraces(id)).toEqual([]);

    // Writes into a deleted experiment are refused, as MLflow does.
    const write = await server.app.inject({
      method: 'POST',
      url: '/api/3.0/mlflow/traces',
      payload: {
        trace: {
          trace_info: {
            trace_id: 'tr-late',
            trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: id } },
            request_time: '2025-01-01T00:00:00Z',
            state: 'OK',
          },
        },
      },
    });
    expect(write.statusCode).toBe(400);
    expect(write.json().message).toBe(`The experiment ${id} must be in the 'active' state. Current state is deleted.`);

    // Deleting twice: MLflow looks for an active experiment and finds none.
    const again = await post('delete', { experiment_id: id });
    expect([again.statusCode, again.json()]).toEqual([
      404,
      { error_code: 'RESOURCE_DOES_NOT_EXIST', message: `No Experiment with id=${id} exists` },
    ]);

    const restored = await post('restore', { experiment_id: id }, '/ajax-api');
    expect([restored.statusCode, restored.json()]).toEqual([200, {}]);
    expect((await getExperiment(id)).lifecycle_stage).toBe('active');
    expect(await searchNames()).toContain('doomed');
    expect(await searchTraces(id)).toHaveLength(1);
    const restoreActive = await post('restore', { experiment_id: id });
    expect(restoreActive.statusCode).toBe(404);
  });

  it("answers nothing of a deleted experiment's traces: counts, groups, keys, values and metrics", async () => {
    const id = await createExperiment(server.app, 'counted-then-deleted');
    await startTrace(server.app, {
      traceId: 'tr-counted',
      experimentId: id,
      startMs: Date.UTC(2025, 0, 2),
      metadata: { app_version: '9.9' },
    });
    const ext = (path: string, payload: Record<string, unknown> = {}) =>
      server.app.inject({
        method: 'POST',
        url: `/ajax-api/trace-explorer/v1/${path}`,
        payload: { experiment_ids: [id], ...payload },
      });
    const metrics = () =>
      server.app.inject({
        method: 'POST',
        url: '/ajax-api/3.0/mlflow/traces/metrics',
        payload: {
          experiment_ids: [id],
          view_type: 'TRACES',
          metric_name: 'trace_count',
          aggregations: [{ aggregation_type: 'COUNT' }],
        },
      });
    const answers = async () => ({
      count: (await ext('count')).json().count,
      groups: (await ext('groups', { group_by: 'metadata.app_version' })).json().groups.length,
      keys: (await ext('keys')).json().keys.length,
      values: (await ext('values', { kind: 'metadata', key: 'app_version' })).json().values.length,
      metrics: ((await metrics()).json().data_points ?? []).length,
    });
    const before = await answers();
    expect(Object.values(before).every((n) => n > 0)).toBe(true);
    expect((await post('delete', { experiment_id: id })).statusCode).toBe(200);
    expect(await answers()).toEqual({ count: 0, groups: 0, keys: 0, values: 0, metrics: 0 });
    expect((await post('restore', { experiment_id: id })).statusCode).toBe(200);
    expect(await answers()).toEqual(before);
  });

  it('renames under both prefixes; a taken name, a deleted experiment and missing fields are refused', async () => {
    const id = await createExperiment(server.app, 'old-name');
    await createExperiment(server.app, 'taken');
    expect((await post('update', { experiment_id: id, new_name: 'new-name' })).statusCode).toBe(200);
    expect((await getExperiment(id)).name).toBe('new-name');
    expect((await post('update', { experiment_id: id, new_name: 'newer' }, '/ajax-api')).statusCode).toBe(200);
    expect((await getExperiment(id)).name).toBe('newer');

    const taken = await post('update', { experiment_id: id, new_name: 'taken' });
    expect([taken.statusCode, taken.json()]).toEqual([
      400,
      { error_code: 'RESOURCE_ALREADY_EXISTS', message: 'Experiment(name=taken) already exists.' },
    ]);
    const missing = await post('update', { experiment_id: id });
    expect([missing.statusCode, missing.json().error_code]).toEqual([400, 'INVALID_PARAMETER_VALUE']);
    const unknown = await post('update', { experiment_id: '424242', new_name: 'x' });
    expect([unknown.statusCode, unknown.json().message]).toEqual([404, 'No Experiment with id=424242 exists']);

    await post('delete', { experiment_id: id });
    const renameDeleted = await post('update', { experiment_id: id, new_name: 'zombie' });
    expect([renameDeleted.statusCode, renameDeleted.json()]).toEqual([
      400,
      { error_code: 'INVALID_STATE', message: 'Cannot rename a non-active experiment.' },
    ]);
    // A deleted experiment keeps its name: creating it again is refused.
    const recreate = await post('create', { name: 'newer' });
    expect([recreate.statusCode, recreate.json().error_code]).toEqual([400, 'RESOURCE_ALREADY_EXISTS']);
  });

  it('needs experiment_id; an id that is not a number names no experiment', async () => {
    expect((await post('delete', {})).statusCode).toBe(400);
    const bad = await post('delete', { experiment_id: 'abc' });
    expect([bad.statusCode, bad.json().message]).toEqual([404, 'No Experiment with id=abc exists']);
  });
});
