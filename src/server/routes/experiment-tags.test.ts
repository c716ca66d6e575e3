// SetExperimentTag / DeleteExperimentTag on the wire, with MLflow's errors (label schemas live in these tags).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExperiment, createTestServer, type TestServer } from '../test-helpers.ts';

let server: TestServer;
beforeAll(async () => {
  server = await createTestServer();
});
afterAll(() => server.close());

const post = (path: string, payload: Record<string, unknown>, prefix = '/api') =>
  server.app.inject({ method: 'POST', url: `${prefix}/2.0/mlflow/experiments/${path}`, payload });
const tagsOf = async (id: string) =>
  (await server.app.inject({ url: `/api/2.0/mlflow/experiments/get?experiment_id=${id}` })).json().experiment.tags;

describe('experiment tags', () => {
  it('sets (upserting), reads back through GetExperiment and deletes, under both prefixes', async () => {
    const id = await createExperiment(server.app, 'tagged');
    expect((await post('set-experiment-tag', { experiment_id: id, key: 'team', value: 'a' })).json()).toEqual({});
    await post('set-experiment-tag', { experiment_id: id, key: 'team', value: 'b' }, '/ajax-api');
    await post('set-experiment-tag', { experiment_id: id, key: 'empty' });
    expect(await tagsOf(id)).toEqual([
      { key: 'empty', value: '' },
      { key: 'team', value: 'b' },
    ]);
    const deleted = await post('delete-experiment-tag', { experiment_id: id, key: 'team' }, '/ajax-api');
    expect([deleted.statusCode, deleted.json()]).toEqual([200, {}]);
    expect(await tagsOf(id)).toEqual([{ key: 'empty', value: '' }]);
    // SearchExperiments' tag filter sees the tag.
    const found = await post('search', { filter: "tags.empty = ''" });
    expect(found.json().experiments.map((e: { name: string }) => e.name)).toEqual(['tagged']);
  });

  it('accepts 5000 characters and refuses 5001, as MLflow does for experiment tags', async () => {
    const id = await createExperiment(server.app, 'long');
    expect(
      (await post('set-experiment-tag', { experiment_id: id, key: 'k', value: 'x'.repeat(5000) })).statusCode,
    ).toBe(200);
    const refused = await post('set-experiment-tag', { experiment_id: id, key: 'k', value: 'x'.repeat(5001) });
    expect([refused.statusCode, refused.json()]).toEqual([
      400,
      { error_code: 'INVALID_PARAMETER_VALUE', message: "'value' exceeds the maximum length of 5000 characters" },
    ]);
    expect((await tagsOf(id))[0].value).toHaveLength(5000);
  });

  it('refuses a deleted experiment, an unknown one, a bad key, a missing key and a missing tag', async () => {
    const id = await createExperiment(server.app, 'gone');
    await post('set-experiment-tag', { experiment_id: id, key: 'k', value: 'v' });
    await post('delete', { experiment_id: id });
    const inactive = {
      error_code: 'INVALID_PARAMETER_VALUE',
      message: `The experiment ${id} must be in the 'active' state. Current state is deleted.`,
    };
    for (const [path, payload] of [
      ['set-experiment-tag', { experiment_id: id, key: 'k', value: 'w' }],
      ['delete-experiment-tag', { experiment_id: id, key: 'k' }],
    ] as const) {
      const response = await post(path, payload);
      expect([response.statusCode, response.json()]).toEqual([400, inactive]);
    }
    const unknown = await post('set-experiment-tag', { experiment_id: '987654', key: 'k', value: 'v' });
    expect([unknown.statusCode, unknown.json().error_code]).toEqual([404, 'RESOURCE_DOES_NOT_EXIST']);
    const live = await createExperiment(server.app, 'live');
    const badKey = await post('set-experiment-tag', { experiment_id: live, key: '../up', value: 'v' });
    expect([badKey.statusCode, badKey.json().error_code]).toEqual([400, 'INVALID_PARAMETER_VALUE']);
    const noKey = await post('set-experiment-tag', { experiment_id: live, value: 'v' });
    expect([noKey.statusCode, noKey.json().error_code]).toEqual([400, 'INVALID_PARAMETER_VALUE']);
    const missing = await post('delete-experiment-tag', { experiment_id: live, key: 'nope' });
    expect([missing.statusCode, missing.json()]).toEqual([
      404,
      { error_code: 'RESOURCE_DOES_NOT_EXIST', message: `No tag with name: nope in experiment with id ${live}` },
    ]);
  });
});
