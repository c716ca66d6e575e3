// A tag or metadata key named `__proto__` (or `constructor`) is data like any other: set through the
// API (a tag's key is a JSON string value, so the body parser's prototype-poisoning guard lets it
// through) or an import line, it reads back through every trace read. Both engines (the
// `server-postgres` vitest project runs this file on PostgreSQL).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../../e2e/fixtures/parse-csv.ts';
import { createExperiment, createTestServer, startTrace, type TestServer } from '../test-helpers.ts';

let server: TestServer;
let exp: string;
const ID = 'tr-proto-keys';
const IMPORTED = 'tr-proto-imported';
const EXPECTED_TAGS = { ['__proto__']: 'tag p', constructor: 'tag c', plain: 'tag x' };

/** The keys and values of a wire object, as own properties (what a client's JSON.parse sees). */
const entries = (o: Record<string, string>) => Object.entries(o).sort(([a], [b]) => a.localeCompare(b));

beforeAll(async () => {
  server = await createTestServer();
  exp = await createExperiment(server.app, 'proto keys');
  await startTrace(server.app, { traceId: ID, experimentId: exp, startMs: Date.UTC(2026, 0, 1) });
  for (const [key, value] of Object.entries({ ['__proto__']: 'tag p', constructor: 'tag c', plain: 'tag x' })) {
    const r = await server.app.inject({
      method: 'PATCH',
      url: `/api/3.0/mlflow/traces/${ID}/tags`,
      payload: { key, value },
    });
    if (r.statusCode !== 200) throw new Error(`set tag ${key}: ${r.statusCode} ${r.body}`);
  }
  // Metadata is written once, with the trace: an import line (parsed with JSON.parse) carries the key.
  const line = `{"info":{"trace_id":"${IMPORTED}","request_time":"2026-01-01T00:00:00Z","state":"OK","trace_metadata":{"__proto__":"meta p","constructor":"meta c"},"tags":{"__proto__":"tag p"}}}`;
  const imported = await server.app.inject({
    method: 'POST',
    url: `/api/trace-explorer/v1/import?experiment_id=${exp}`,
    headers: { 'content-type': 'application/x-ndjson' },
    payload: `${line}\n`,
  });
  if (imported.json().imported !== 1) throw new Error(`import: ${imported.body}`);
});

afterAll(() => server.close());

describe('a key named __proto__ round-trips', () => {
  it('through GetTraceInfoV3, batchGetInfos and SearchTracesV3', async () => {
    const info = (await server.app.inject({ method: 'GET', url: `/api/3.0/mlflow/traces/${ID}` })).json().trace
      .trace_info;
    const [batch] = (
      await server.app.inject({
        method: 'POST',
        url: '/api/3.0/mlflow/traces/batchGetInfos',
        payload: { trace_ids: [ID] },
      })
    ).json().trace_infos;
    const searched = (
      await server.app.inject({
        method: 'POST',
        url: '/api/3.0/mlflow/traces/search',
        payload: { locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } }] },
      })
    )
      .json()
      .traces.find((t: { trace_id: string }) => t.trace_id === ID);
    for (const tags of [info.tags, batch.tags, searched.tags])
      expect(entries(tags).filter(([k]) => !k.startsWith('mlflow.'))).toEqual(entries(EXPECTED_TAGS));
  });

  it("in a CSV export's `other` column", async () => {
    const csv = await server.app.inject({
      method: 'POST',
      url: '/api/trace-explorer/v1/export',
      payload: { experiment_ids: [exp], format: 'csv', trace_ids: [IMPORTED], columns: ['trace_id', 'other'] },
    });
    const [, row] = parseCsv(csv.body);
    const other = JSON.parse(row[1]) as { tags: Record<string, string>; metadata: Record<string, string> };
    expect(Object.hasOwn(other.tags, '__proto__') && other.tags['__proto__']).toBe('tag p');
    expect(Object.hasOwn(other.metadata, '__proto__') && other.metadata['__proto__']).toBe('meta p');
  });

  it('as metadata and a tag of an imported trace', async () => {
    const info = (await server.app.inject({ method: 'GET', url: `/api/3.0/mlflow/traces/${IMPORTED}` })).json().trace
      .trace_info;
    expect(entries(info.trace_metadata).filter(([k]) => !k.startsWith('mlflow.'))).toEqual(
      entries({ ['__proto__']: 'meta p', constructor: 'meta c' }),
    );
    expect(entries(info.tags).filter(([k]) => !k.startsWith('mlflow.'))).toEqual(entries({ ['__proto__']: 'tag p' }));
  });
});
