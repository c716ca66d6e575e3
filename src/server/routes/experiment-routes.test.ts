import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServer, type TestServer } from '../test-helpers.ts';

let server: TestServer;
beforeAll(async () => {
  server = await createTestServer();
  const create = (name: string, tags: Record<string, string>) =>
    server.app.inject({
      method: 'POST',
      url: '/api/2.0/mlflow/experiments/create',
      payload: { name, tags: Object.entries(tags).map(([key, value]) => ({ key, value })) },
    });
  await create('alpha', { team: 'a', env: 'prod' });
  await create('Beta', { team: 'b' });
  await create('gamma-test', { team: 'a' });
});
afterAll(() => server.close());

interface Exp {
  experiment_id: string;
  name: string;
  creation_time: number;
}
const search = (payload: Record<string, unknown>) =>
  server.app.inject({ method: 'POST', url: '/api/2.0/mlflow/experiments/search', payload });
const names = async (payload: Record<string, unknown>) => {
  const response = await search(payload);
  expect(response.statusCode).toBe(200);
  return (response.json().experiments as Exp[]).map((e) => e.name);
};

describe('SearchExperiments filter', () => {
  it.each([
    ["name LIKE 'a%'", ['alpha']],
    ["name ILIKE 'b%'", ['Beta']],
    ["name = 'Default'", ['Default']],
    ["attribute.name != 'Default' and name LIKE '%a%'", ['alpha', 'Beta', 'gamma-test']],
    ["tags.team = 'a'", ['alpha', 'gamma-test']],
    ["tag.team = 'a' AND name LIKE '%test'", ['gamma-test']],
    ['tags.`env` = "prod"', ['alpha']],
    // A tag comparison needs the tag: experiments without `env` never match.
    ["tags.env != 'prod'", []],
    ['last_update_time < 0', []],
    ['creation_time >= 0', ['alpha', 'Beta', 'Default', 'gamma-test']],
  ])('%s', async (filter, expected) => {
    expect((await names({ filter })).sort()).toEqual([...expected].sort());
  });

  it.each([
    ["name > 'a'", "Invalid comparator '>' not one of"],
    ["name IN ('alpha')", 'Invalid comparator for string attribute: IN'],
    ["foo = 'x'", "Invalid attribute key 'foo' specified. Valid keys are"],
    ["run.name = 'x'", "Invalid entity type 'run'. Valid entity types are ('attribute', 'tag', 'tags')"],
    ["creation_time > 'x'", "Expected numeric value type for numeric attribute: creation_time. Found 'x'"],
    ["creation_time LIKE '1%'", "Invalid comparator 'LIKE' not one of"],
    ['name = alpha', 'Parameter value is either not quoted or unidentified quote types used for string value alpha.'],
    ['name = 5', 'Expected a quoted string value for attributes. Got value 5'],
    ["tags.team > 'a'", 'Invalid comparator for tag: >'],
    ['tags.team = 1', "Expected a quoted string value for tag (e.g. 'my-value'). Got value 1"],
    ["name = 'alpha' OR name = 'Beta'", 'Invalid clause(s) in filter string: OR'],
    ["(name = 'alpha')", 'Invalid clause(s) in filter string'],
  ])('rejects %s', async (filter, message) => {
    const response = await search({ filter });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      error_code: 'INVALID_PARAMETER_VALUE',
      message: expect.stringContaining(message),
    });
  });
});

describe('SearchExperiments order_by', () => {
  it('orders by name, experiment_id and times, ASC or DESC', async () => {
    expect(await names({ order_by: ['name'] })).toEqual(['Beta', 'Default', 'alpha', 'gamma-test']);
    expect(await names({ order_by: ['`name` DESC'] })).toEqual(['gamma-test', 'alpha', 'Default', 'Beta']);
    expect(await names({ order_by: ['experiment_id desc'] })).toEqual(['gamma-test', 'Beta', 'alpha', 'Default']);
    const all = (await search({ order_by: ['last_update_time ASC', 'name ASC'] })).json().experiments as Exp[];
    expect(all.map((e) => e.creation_time)).toEqual([...all.map((e) => e.creation_time)].sort((a, b) => a - b));
  });

  it("defaults to MLflow's creation_time DESC, experiment_id ASC", async () => {
    const got = (await search({})).json().experiments as Exp[];
    const expected = [...got].sort(
      (a, b) => b.creation_time - a.creation_time || Number(a.experiment_id) - Number(b.experiment_id),
    );
    expect(got.map((e) => e.experiment_id)).toEqual(expected.map((e) => e.experiment_id));
  });

  it('pages, with a token only when more experiments follow', async () => {
    const first = (await search({ order_by: ['name'], max_results: 3 })).json();
    expect(first.experiments.map((e: Exp) => e.name)).toEqual(['Beta', 'Default', 'alpha']);
    const second = (await search({ order_by: ['name'], max_results: 3, page_token: first.next_page_token })).json();
    expect(second).toEqual({ experiments: [expect.objectContaining({ name: 'gamma-test' })] });
    expect((await search({ max_results: 4 })).json().next_page_token).toBeUndefined();
  });

  it('reads filter and order_by from a GET query string', async () => {
    const response = await server.app.inject({
      url: `/ajax-api/2.0/mlflow/experiments/search?filter=${encodeURIComponent("tags.team = 'a'")}&order_by=name%20DESC`,
    });
    expect(response.json().experiments.map((e: Exp) => e.name)).toEqual(['gamma-test', 'alpha']);
  });

  it.each([
    [['tags.team'], 'Invalid order_by entity: tag'],
    [['name UP'], "Invalid ordering key in order_by clause 'name UP'."],
    [['name ASC now'], "Invalid order_by clause 'name ASC now'. Could not be parsed."],
    [['name,experiment_id'], "Invalid order_by clause 'name,experiment_id'. Could not be parsed."],
    [['nope'], "Invalid attribute key 'nope' specified."],
  ])('rejects %j', async (orderBy, message) => {
    const response = await search({ order_by: orderBy });
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toContain(message);
  });
});
