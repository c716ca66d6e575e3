import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExperiment, createTestServer, startTrace, type TestServer } from '../test-helpers.ts';

let server: TestServer;
let exp: string;
const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);

beforeAll(async () => {
  server = await createTestServer();
  exp = await createExperiment(server.app, 'traces');
  for (let i = 0; i < 7; i++) {
    await startTrace(server.app, {
      traceId: `tr-${String(i).padStart(32, '0')}`,
      experimentId: exp,
      startMs: T0 + i * 1000,
      durationMs: 100 * (i + 1) + 0.5 * (i % 2),
      state: i % 3 === 0 ? 'ERROR' : 'OK',
      metadata: { app_version: i < 4 ? 'v1' : 'v2', 'mlflow.trace.session': `s${i % 2}` },
      tags: { 'mlflow.traceName': i % 2 ? 'chat' : 'search', env: 'prod' },
      clientRequestId: i === 3 ? 'req-3' : undefined,
    });
  }
});
afterAll(() => server.close());

const id = (i: number) => `tr-${String(i).padStart(32, '0')}`;
const search = (payload: Record<string, unknown>) =>
  server.app.inject({
    method: 'POST',
    url: '/ajax-api/3.0/mlflow/traces/search',
    payload: { locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } }], ...payload },
  });

describe('StartTraceV3 and GetTraceInfoV3', () => {
  it('returns the stored info with server tags and wire encodings', async () => {
    const response = await server.app.inject({ url: `/api/3.0/mlflow/traces/${id(3)}` });
    expect(response.statusCode).toBe(200);
    const info = response.json().trace.trace_info;
    expect(info).toMatchObject({
      trace_id: id(3),
      client_request_id: 'req-3',
      trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } },
      request_time: '2025-01-01T12:00:03Z',
      execution_duration: '0.401s',
      state: 'ERROR',
    });
    expect(info.tags['mlflow.artifactLocation']).toBe(`mlflow-artifacts:/${exp}/traces/${id(3)}/artifacts`);
    expect(info.trace_metadata['mlflow.trace.infoFinalized']).toBe('true');
    expect(info.tags['mlflow.trace.spansLocation']).toBeUndefined();
  });

  it('derives mlflow.artifactLocation on every read instead of storing a row per trace; a set tag wins', async () => {
    const expected = `mlflow-artifacts:/${exp}/traces/${id(3)}/artifacts`;
    const started = (await startTrace(server.app, {
      traceId: 'tr-artifact',
      experimentId: exp,
      startMs: T0,
      state: 'OK',
      tags: { 'mlflow.artifactLocation': 'client value' },
    })) as { trace: { trace_info: { tags: Record<string, string> } } };
    expect(started.trace.trace_info.tags['mlflow.artifactLocation']).toBe(
      `mlflow-artifacts:/${exp}/traces/tr-artifact/artifacts`,
    );
    const found = (await search({ filter: `trace.request_id = '${id(3)}'` })).json().traces as {
      tags: Record<string, string>;
    }[];
    expect(found.map((t) => t.tags['mlflow.artifactLocation'])).toEqual([expected]);
    // Derived, not stored: it follows the experiment's location rather than the client's value.
    await server.app.inject({
      method: 'PATCH',
      url: `/api/3.0/mlflow/traces/tr-artifact/tags`,
      payload: { key: 'mlflow.artifactLocation', value: 's3://elsewhere' },
    });
    const after = await server.app.inject({ url: '/api/3.0/mlflow/traces/tr-artifact' });
    expect(after.json().trace.trace_info.tags['mlflow.artifactLocation']).toBe('s3://elsewhere');
  });

  it('accepts lowerCamelCase fields and numeric enums', async () => {
    const response = await server.app.inject({
      method: 'POST',
      url: '/api/3.0/mlflow/traces',
      payload: {
        trace: {
          traceInfo: {
            traceId: 'tr-camel',
            traceLocation: { mlflowExperiment: { experimentId: exp } },
            requestTime: '2025-01-01T00:00:00.123456Z',
            executionDuration: '2s',
            state: 1,
          },
        },
      },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().trace.trace_info).toMatchObject({
      trace_id: 'tr-camel',
      state: 'OK',
      execution_duration: '2s',
      request_time: '2025-01-01T00:00:00.123Z',
    });
  });

  it('is an upsert', async () => {
    await startTrace(server.app, {
      traceId: 'tr-upsert',
      experimentId: exp,
      startMs: T0,
      state: 'IN_PROGRESS',
      tags: { a: '1' },
    });
    const second = await startTrace(server.app, {
      traceId: 'tr-upsert',
      experimentId: exp,
      startMs: T0,
      durationMs: 1500,
      state: 'OK',
      tags: { b: '2' },
    });
    const info = (
      second.trace as { trace_info: { state: string; execution_duration: string; tags: Record<string, string> } }
    ).trace_info;
    expect(info.state).toBe('OK');
    expect(info.execution_duration).toBe('1.500s');
    expect(info.tags).toMatchObject({ a: '1', b: '2' });
  });

  it('reports unknown traces and experiments like MLflow', async () => {
    const missing = await server.app.inject({ url: '/api/3.0/mlflow/traces/tr-nope' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({
      error_code: 'RESOURCE_DOES_NOT_EXIST',
      message: "Trace with ID 'tr-nope' not found.",
    });
    const badExp = await server.app.inject({
      method: 'POST',
      url: '/api/3.0/mlflow/traces',
      payload: {
        trace: {
          trace_info: {
            trace_id: 'tr-x',
            trace_location: { mlflow_experiment: { experiment_id: '999' } },
            request_time: '2025-01-01T00:00:00Z',
          },
        },
      },
    });
    expect(badExp.statusCode).toBe(404);
    expect(badExp.json().message).toBe('No Experiment with id=999 exists');
    const nonInt = await server.app.inject({
      method: 'POST',
      url: '/api/3.0/mlflow/traces',
      payload: {
        trace: { trace_info: { trace_id: 'tr-x', trace_location: { mlflow_experiment: { experiment_id: 'abc' } } } },
      },
    });
    expect(nonInt.statusCode).toBe(400);
    expect(nonInt.json().message).toMatch(/^Invalid experiment ID 'abc'/);
  });

  it("rejects wrong types with MLflow's hint message", async () => {
    const response = await server.app.inject({
      method: 'POST',
      url: '/api/3.0/mlflow/traces',
      payload: {
        trace: {
          trace_info: {
            trace_id: 'tr-y',
            trace_location: { mlflow_experiment: { experiment_id: exp } },
            request_time: 5,
          },
        },
      },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toBe(
      "Invalid value 5 for parameter 'request_time' supplied:  Hint: Value was of type 'int'. See the API docs for more information about request parameters.",
    );
  });
});

describe('content type and body checks', () => {
  it.each([
    [undefined, 'Bad Request. Content-Type header is missing.'],
    ['text/plain', "Bad Request. Content-Type must be one of ['application/json']."],
  ])('POST with content type %s is a 400', async (type, message) => {
    const response = await server.app.inject({
      method: 'POST',
      url: '/api/3.0/mlflow/traces/search',
      body: '{}',
      headers: type ? { 'content-type': type } : {},
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error_code: 'INVALID_PARAMETER_VALUE', message });
  });

  it('ignores content type parameters and treats bad JSON as {}', async () => {
    const response = await server.app.inject({
      method: 'POST',
      url: '/api/3.0/mlflow/traces/search',
      body: '{nope',
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toMatch(/^Missing value for required parameter 'locations'/);
  });

  it('answers 413 above 20 MiB', async () => {
    const response = await server.app.inject({
      method: 'POST',
      url: '/api/3.0/mlflow/traces/search',
      body: `{"x":"${'a'.repeat(21 * 1024 * 1024)}"}`,
      headers: { 'content-type': 'application/json' },
    });
    expect(response.statusCode).toBe(413);
    expect(response.json().error_code).toBe('REQUEST_LIMIT_EXCEEDED');
  });
});

describe('SearchTracesV3', () => {
  it('orders by time descending and pages with opaque tokens', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    for (let page = 0; page < 10; page++) {
      const response = await search({
        max_results: 3,
        filter: "tag.env = 'prod'",
        ...(token ? { page_token: token } : {}),
      });
      expect(response.statusCode).toBe(200);
      const body = response.json();
      seen.push(...body.traces.map((t: { trace_id: string }) => t.trace_id));
      token = body.next_page_token;
      if (!token) break;
    }
    expect(seen).toEqual([6, 5, 4, 3, 2, 1, 0].map(id));
  });

  it('accepts MLflow offset tokens', async () => {
    const token = Buffer.from(JSON.stringify({ offset: 2 })).toString('base64');
    const response = await search({ max_results: 2, page_token: token, filter: "tag.env = 'prod'" });
    expect(response.json().traces.map((t: { trace_id: string }) => t.trace_id)).toEqual([id(4), id(3)]);
  });

  it.each([
    ['not base64!', 'Invalid page token, could not base64-decode'],
    [Buffer.from('nope').toString('base64'), 'Invalid page token, decoded value=nope'],
    [Buffer.from('{"offset": 0}').toString('base64'), 'Invalid page token, parsed value='],
  ])('rejects page token %s', async (token, message) => {
    const response = await search({ page_token: token });
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toContain(message);
  });

  it('filters with the extended grammar and orders by other keys', async () => {
    const byVersion = await search({
      filter: "metadata.app_version = 'v2' AND status = 'OK'",
      order_by: ['execution_time_ms ASC'],
    });
    expect(byVersion.json().traces.map((t: { trace_id: string }) => t.trace_id)).toEqual([id(4), id(5)]);
    const or = await search({ filter: "client_request_id = 'req-3' OR (name = 'chat' AND NOT status = 'OK')" });
    expect(or.json().traces.map((t: { trace_id: string }) => t.trace_id)).toEqual([id(3)]);
    const session = await search({ filter: "metadata.`mlflow.trace.session` = 's1'", max_results: 500 });
    expect(session.json().traces).toHaveLength(3);
  });

  it('returns tags, metadata and assessments with each trace', async () => {
    const response = await search({ max_results: 1 });
    const trace = response.json().traces[0];
    expect(trace.tags.env).toBe('prod');
    expect(trace.trace_metadata.app_version).toBe('v2');
  });

  it.each([
    [{ max_results: 501 }, "Invalid value 501 for parameter 'max_results' supplied:  Hint: Value was of type 'int'."],
    [{ max_results: 0 }, "Invalid value 0 for parameter 'max_results' supplied. It must be a positive integer"],
    [{ max_results: 'x' }, "Invalid value 'x' for parameter 'max_results' supplied:  Hint: Value was of type 'str'."],
    [{ filter: 'nope = 1' }, "Invalid attribute key 'nope'"],
    [{ filter: 'x'.repeat(9000) }, 'Filter string is too long'],
    [{ order_by: ['timestamp_ms sideways'] }, 'Invalid ordering key in order_by clause'],
    [
      { locations: [{ mlflow_experiment: { experiment_id: '1.5' } }] },
      'Locations must be a list of experiment IDs. Found invalid experiment IDs: 1.5',
    ],
  ])('rejects case $#', async (payload, message) => {
    const response = await search(payload);
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toContain(message);
  });

  it('accepts max_results as a numeric string and returns nothing for no locations', async () => {
    expect((await search({ max_results: '2' })).json().traces).toHaveLength(2);
    const none = await server.app.inject({
      method: 'POST',
      url: '/api/3.0/mlflow/traces/search',
      payload: { locations: [] },
    });
    expect(none.json()).toEqual({ traces: [] });
  });

  it('runs a fixed number of statements per page', async () => {
    const small = await server.store.searchTraces({ experimentIds: [exp], maxResults: 1, cursor: { offset: 0 } });
    const large = await server.store.searchTraces({ experimentIds: [exp], maxResults: 500, cursor: { offset: 0 } });
    // Which experiments are active, the page, then tags, metadata and assessments.
    expect(small.statements).toBe(5);
    expect(large.statements).toBe(5);
  });
});

describe('batch reads', () => {
  it('BatchGetInfos answers in request order and skips unknown ids', async () => {
    const response = await server.app.inject({
      method: 'POST',
      url: '/api/3.0/mlflow/traces/batchGetInfos',
      payload: { trace_ids: [id(2), 'tr-none', id(1)] },
    });
    expect(response.json().trace_infos.map((t: { trace_id: string }) => t.trace_id)).toEqual([id(2), id(1)]);
  });

  it('BatchGet needs trace_ids', async () => {
    const response = await server.app.inject({ url: '/api/3.0/mlflow/traces/batchGet' });
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toMatch(/^Missing value for required parameter 'trace_ids'/);
  });

  it('GetTrace says when spans are not stored here', async () => {
    const response = await server.app.inject({ url: `/api/3.0/mlflow/traces/get?trace_id=${id(1)}` });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({
      error_code: 'INTERNAL_ERROR',
      message: 'Trace data not stored in tracking store',
    });
    const unknown = await server.app.inject({ url: '/api/3.0/mlflow/traces/get?trace_id=tr-none' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().message).toBe('Trace with ID tr-none is not found.');
    const badBool = await server.app.inject({ url: `/api/3.0/mlflow/traces/get?trace_id=${id(1)}&allow_partial=yes` });
    expect(badBool.json().message).toBe("Invalid boolean value: yes, must be 'true' or 'false'.");
  });
});

describe('tags', () => {
  it('sets and deletes on the v2 and v3 paths, with a body or ?key=', async () => {
    const set = await server.app.inject({
      method: 'PATCH',
      url: `/api/2.0/mlflow/traces/${id(0)}/tags`,
      payload: { key: 'reviewed', value: 'yes' },
    });
    expect(set.statusCode).toBe(200);
    expect(set.json()).toEqual({});
    const info = await server.app.inject({ url: `/ajax-api/3.0/mlflow/traces/${id(0)}` });
    expect(info.json().trace.trace_info.tags.reviewed).toBe('yes');
    const del = await server.app.inject({
      method: 'DELETE',
      url: `/ajax-api/3.0/mlflow/traces/${id(0)}/tags?key=reviewed`,
    });
    expect(del.statusCode).toBe(200);
    const again = await server.app.inject({
      method: 'DELETE',
      url: `/api/3.0/mlflow/traces/${id(0)}/tags`,
      payload: { key: 'reviewed' },
    });
    expect(again.statusCode).toBe(404);
    expect(again.json().message).toBe(`No trace tag with key 'reviewed' for trace with ID '${id(0)}'`);
  });

  it.each([
    [{ value: 'x' }, "Missing value for required parameter 'key'"],
    [{ key: 'bad:key', value: 'x' }, "Invalid tag name: 'bad:key'"],
    [{ key: '../up', value: 'x' }, 'must not resolve to other names'],
    [{ key: 'k'.repeat(251), value: 'x' }, 'exceeded length limit of 250'],
  ])('validates case $#', async (payload, message) => {
    const response = await server.app.inject({ method: 'PATCH', url: `/api/3.0/mlflow/traces/${id(0)}/tags`, payload });
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toContain(message);
  });

  it('stores long values truncated to 8000 characters (answered cut to 4096, §2.1)', async () => {
    await server.app.inject({
      method: 'PATCH',
      url: `/api/3.0/mlflow/traces/${id(0)}/tags`,
      payload: { key: 'long', value: 'v'.repeat(9000) },
    });
    const info = await server.app.inject({ url: `/api/3.0/mlflow/traces/${id(0)}` });
    expect(info.json().trace.trace_info.tags.long).toHaveLength(4096);
    expect((await search({ filter: `tag.long = '${'v'.repeat(8000)}'` })).json().traces).toHaveLength(1);
  });
});

describe('TraceInfo truncation on the wire (§2.1)', () => {
  it('cuts metadata keys and values to 250 characters and tag keys to 250, values to 4096, keeping the stored text', async () => {
    const longKey = `k${'e'.repeat(299)}`;
    const emoji = '😀'.repeat(300);
    const body = await startTrace(server.app, {
      traceId: 'tr-long',
      experimentId: exp,
      startMs: T0 - 60_000,
      metadata: { [longKey]: 'm'.repeat(300), emoji },
      tags: { [longKey]: 't'.repeat(5000), short: 'ok' },
    });
    const expected = {
      trace_metadata: { [longKey.slice(0, 250)]: 'm'.repeat(250), emoji: '😀'.repeat(250) },
      tags: { [longKey.slice(0, 250)]: 't'.repeat(4096), short: 'ok' },
    };
    const fromStart = (body.trace as { trace_info: unknown }).trace_info;
    const fromGet = (await server.app.inject({ url: '/api/3.0/mlflow/traces/tr-long' })).json().trace.trace_info;
    const fromBatch = (
      await server.app.inject({
        method: 'POST',
        url: '/api/3.0/mlflow/traces/batchGetInfos',
        payload: { trace_ids: ['tr-long'] },
      })
    ).json().trace_infos[0];
    // Storage keeps the full text: a filter on the full key and value still finds the trace.
    const found = (
      await search({
        filter: `metadata.\`${longKey}\` = '${'m'.repeat(300)}' AND tag.\`${longKey}\` = '${'t'.repeat(5000)}'`,
      })
    ).json();
    expect(found.traces.map((t: { trace_id: string }) => t.trace_id)).toEqual(['tr-long']);
    for (const info of [fromStart, fromGet, fromBatch, found.traces[0]]) expect(info).toMatchObject(expected);
    expect(Object.keys(fromGet.trace_metadata)).not.toContain(longKey);
  });
});

describe('delete-traces and links', () => {
  it('validates modes with MLflow messages', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ experiment_id: exp }, 'Either `max_timestamp_millis` or `trace_ids` must be specified.'],
      [
        { experiment_id: exp, max_timestamp_millis: 1, request_ids: ['a'] },
        'Only one of `max_timestamp_millis` and `trace_ids` can be specified.',
      ],
      [
        { experiment_id: exp, request_ids: ['a'], max_traces: 1 },
        "`max_traces` can't be specified if `trace_ids` is specified.",
      ],
      [
        { experiment_id: exp, max_timestamp_millis: 1, max_traces: 0 },
        '`max_traces` must be a positive integer, received 0.',
      ],
    ];
    for (const [payload, message] of cases) {
      const response = await server.app.inject({
        method: 'POST',
        url: '/api/3.0/mlflow/traces/delete-traces',
        payload,
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().message).toBe(message);
    }
  });

  it('deletes by ids and by time, oldest first', async () => {
    const e = await createExperiment(server.app, 'deletions');
    for (let i = 0; i < 4; i++)
      await startTrace(server.app, { traceId: `tr-del-${i}`, experimentId: e, startMs: T0 + i });
    const byIds = await server.app.inject({
      method: 'POST',
      url: '/api/2.0/mlflow/traces/delete-traces',
      payload: { experiment_id: e, request_ids: ['tr-del-3', 'tr-unknown'] },
    });
    expect(byIds.json()).toEqual({ traces_deleted: 1 });
    const byTime = await server.app.inject({
      method: 'POST',
      url: '/api/3.0/mlflow/traces/delete-traces',
      payload: { experiment_id: e, max_timestamp_millis: String(T0 + 10), max_traces: 2 },
    });
    expect(byTime.json()).toEqual({ traces_deleted: 2 });
    const left = await server.app.inject({ url: '/api/3.0/mlflow/traces/tr-del-2' });
    expect(left.statusCode).toBe(200);
  });

  it('links traces to a run (searchable as run_id) and limits the batch', async () => {
    const ok = await server.app.inject({
      method: 'POST',
      url: '/api/2.0/mlflow/traces/link-to-run',
      payload: { trace_ids: [id(5)], run_id: 'run-1' },
    });
    expect(ok.statusCode).toBe(200);
    const found = await search({ filter: "run_id = 'run-1'" });
    expect(found.json().traces.map((t: { trace_id: string }) => t.trace_id)).toEqual([id(5)]);
    const tooMany = await server.app.inject({
      method: 'POST',
      url: '/api/2.0/mlflow/traces/link-to-run',
      payload: { trace_ids: Array.from({ length: 101 }, (_, i) => `t${i}`), run_id: 'r' },
    });
    expect(tooMany.json().message).toBe(
      'Cannot link more than 100 traces to a run in a single request. Provided 101 traces.',
    );
  });

  it('links prompts (searchable as prompt)', async () => {
    const ok = await server.app.inject({
      method: 'POST',
      url: '/api/2.0/mlflow/traces/link-prompts',
      payload: { trace_id: id(6), prompt_versions: [{ name: 'qa', version: '2' }] },
    });
    expect(ok.statusCode).toBe(200);
    const found = await search({ filter: 'prompt = "qa/2"' });
    expect(found.json().traces.map((t: { trace_id: string }) => t.trace_id)).toEqual([id(6)]);
  });
});
