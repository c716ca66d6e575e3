// No malformed request may reach a 5xx: every row here must be answered with a 4xx.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServer, startTrace, type TestServer } from '../test-helpers.ts';

let server: TestServer;
beforeAll(async () => {
  server = await createTestServer();
  await startTrace(server.app, { traceId: 'tr-m', startMs: 1_700_000_000_000, durationMs: 1 });
});
afterAll(() => server.close());

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT';
/** base64 of {"offset":1e300}: an integer to Number.isInteger, but not one SQL can bind. */
const HUGE_OFFSET_TOKEN = Buffer.from('{"offset":1e300}').toString('base64');
const json = { 'content-type': 'application/json' };
const CASES: [Method, string, unknown, Record<string, string>?][] = [
  ['POST', '/api/3.0/mlflow/traces', '{"trace": 5}'],
  ['POST', '/api/3.0/mlflow/traces', { trace: { trace_info: [] } }],
  ['POST', '/api/3.0/mlflow/traces', { trace: { trace_info: { trace_id: 7 } } }],
  ['POST', '/api/3.0/mlflow/traces', { trace: { trace_info: { trace_id: 'x', trace_location: 'here' } } }],
  [
    'POST',
    '/api/3.0/mlflow/traces',
    {
      trace: {
        trace_info: { trace_id: 'x', trace_location: { mlflow_experiment: { experiment_id: '0' } }, state: 'WEIRD' },
      },
    },
  ],
  [
    'POST',
    '/api/3.0/mlflow/traces',
    {
      trace: {
        trace_info: { trace_id: 'x', trace_location: { mlflow_experiment: { experiment_id: '0' } }, tags: { a: 1 } },
      },
    },
  ],
  [
    'POST',
    '/api/3.0/mlflow/traces',
    {
      trace: {
        trace_info: {
          trace_id: 'x',
          trace_location: { mlflow_experiment: { experiment_id: '0' } },
          execution_duration: 'soon',
        },
      },
    },
  ],
  [
    'POST',
    '/api/3.0/mlflow/traces',
    {
      trace: {
        trace_info: { trace_id: 'x', trace_location: { mlflow_experiment: { experiment_id: '0' } }, assessments: [1] },
      },
    },
  ],
  ['POST', '/api/3.0/mlflow/traces/search', { locations: 'x' }],
  ['POST', '/api/3.0/mlflow/traces/search', { locations: [5] }],
  ['POST', '/api/3.0/mlflow/traces/search', { locations: [], filter: 5 }],
  [
    'POST',
    '/api/3.0/mlflow/traces/search',
    { locations: [{ mlflow_experiment: { experiment_id: '0' } }], filter: "tag.x = 'a' OR (" },
  ],
  [
    'POST',
    '/api/3.0/mlflow/traces/search',
    { locations: [{ mlflow_experiment: { experiment_id: '0' } }], order_by: 'timestamp_ms' },
  ],
  [
    'POST',
    '/api/3.0/mlflow/traces/search',
    { locations: [{ mlflow_experiment: { experiment_id: '0' } }], order_by: ['span.name'] },
  ],
  [
    'POST',
    '/api/3.0/mlflow/traces/search',
    { locations: [{ mlflow_experiment: { experiment_id: '0' } }], page_token: 5 },
  ],
  [
    'POST',
    '/api/3.0/mlflow/traces/search',
    { locations: [{ mlflow_experiment: { experiment_id: '0' } }], page_token: 'eyJvZmZzZXQiOiAiYSJ9' },
  ],
  [
    'POST',
    '/api/3.0/mlflow/traces/search',
    { locations: [{ mlflow_experiment: { experiment_id: '0' } }], max_results: 1.5 },
  ],
  [
    'POST',
    '/api/3.0/mlflow/traces/search',
    { locations: [{ mlflow_experiment: { experiment_id: '0' } }], max_results: '1e400' },
  ],
  [
    'POST',
    '/api/3.0/mlflow/traces/search',
    { locations: [{ mlflow_experiment: { experiment_id: '0' } }], page_token: HUGE_OFFSET_TOKEN },
  ],
  [
    'POST',
    '/api/3.0/mlflow/traces/search',
    { locations: [{ mlflow_experiment: { experiment_id: '0' } }], max_results: '99999999999999999999' },
  ],
  ['POST', '/api/2.0/mlflow/experiments/search', { page_token: HUGE_OFFSET_TOKEN }],
  ['POST', '/api/2.0/mlflow/experiments/search', { max_results: 1e300 }],
  ['POST', '/api/3.0/mlflow/traces/delete-traces', { experiment_id: '0', max_timestamp_millis: 1, max_traces: 1e300 }],
  ['POST', '/api/3.0/mlflow/traces/delete-traces', { experiment_id: '0', max_timestamp_millis: 1e300 }],
  [
    'POST',
    '/api/trace-explorer/v1/groups',
    { experiment_ids: ['0'], group_by: 'metadata.x', page_token: HUGE_OFFSET_TOKEN },
  ],
  ['POST', '/api/3.0/mlflow/traces/batchGetInfos', { trace_ids: 'tr-m' }],
  ['POST', '/api/3.0/mlflow/traces/batchGetInfos', { trace_ids: [1, 2] }],
  ['GET', '/api/3.0/mlflow/traces/get', undefined],
  ['GET', '/api/3.0/mlflow/traces/tr-nope', undefined],
  ['POST', '/api/3.0/mlflow/traces/delete-traces', { experiment_id: 0 }],
  ['POST', '/api/3.0/mlflow/traces/delete-traces', { experiment_id: '0', max_timestamp_millis: 'soon' }],
  ['POST', '/api/3.0/mlflow/traces/delete-traces', { experiment_id: '0', request_ids: 'tr-m' }],
  ['PATCH', '/api/3.0/mlflow/traces/tr-m/tags', { key: { a: 1 }, value: 'x' }],
  ['PATCH', '/api/3.0/mlflow/traces/tr-nope/tags', { key: 'a', value: 'x' }],
  ['DELETE', '/api/3.0/mlflow/traces/tr-m/tags', undefined],
  ['POST', '/api/2.0/mlflow/traces/link-to-run', { trace_ids: ['tr-m'] }],
  ['POST', '/api/2.0/mlflow/traces/link-prompts', { trace_id: 'tr-m', prompt_versions: [{ name: 'x' }] }],
  ['POST', '/api/2.0/mlflow/traces/link-prompts', { trace_id: 'tr-nope', prompt_versions: [] }],
  ['POST', '/api/3.0/mlflow/traces/tr-m/assessments', { assessment: 'x' }],
  [
    'POST',
    '/api/3.0/mlflow/traces/tr-nope/assessments',
    { assessment: { assessment_name: 'a', feedback: { value: 1 } } },
  ],
  [
    'POST',
    '/api/3.0/mlflow/traces/tr-m/assessments',
    { assessment: { assessment_name: 'a', feedback: { value: 1 }, source: { source_type: 'ROBOT' } } },
  ],
  [
    'POST',
    '/api/3.0/mlflow/traces/tr-m/assessments',
    { assessment: { assessment_name: 'a', expectation: { serialized_value: { value: '{bad' } } } },
  ],
  ['PATCH', '/api/3.0/mlflow/traces/tr-m/assessments/a-x', { assessment: {}, update_mask: 'rationale' }],
  ['PATCH', '/api/3.0/mlflow/traces/tr-m/assessments/a-x', { assessment: {}, update_mask: 5 }],
  [
    'POST',
    '/api/3.0/mlflow/traces/metrics',
    { experiment_ids: ['0'], view_type: 'NOPE', metric_name: 'x', aggregations: [] },
  ],
  [
    'POST',
    '/api/3.0/mlflow/traces/metrics',
    {
      experiment_ids: ['0'],
      view_type: 'TRACES',
      metric_name: 'latency',
      aggregations: [{ aggregation_type: 'PERCENTILE', percentile_value: 101 }],
    },
  ],
  [
    'POST',
    '/api/3.0/mlflow/traces/metrics',
    { experiment_ids: ['0'], view_type: 'TRACES', metric_name: 'latency', aggregations: ['AVG'] },
  ],
  [
    'POST',
    '/api/3.0/mlflow/traces/metrics',
    {
      experiment_ids: ['0'],
      view_type: 'TRACES',
      metric_name: 'latency',
      aggregations: [{ aggregation_type: 'AVG' }],
      filter: 'nope',
    },
  ],
  [
    'POST',
    '/api/3.0/mlflow/traces/metrics',
    {
      experiment_ids: ['0'],
      view_type: 'TRACES',
      metric_name: 'latency',
      aggregations: [{ aggregation_type: 'AVG' }],
      confidence_level: 2,
    },
  ],
  [
    'POST',
    '/api/3.0/mlflow/traces/metrics',
    {
      experiment_ids: ['0'],
      view_type: 'TRACES',
      metric_name: 'trace_count',
      aggregations: [{ aggregation_type: 'COUNT' }],
      time_interval_seconds: 1e15,
      start_time_ms: 0,
      end_time_ms: 1e12,
    },
  ],
  ['POST', '/api/2.0/mlflow/experiments/create', { name: 'x', tags: 'y' }],
  ['GET', '/api/2.0/mlflow/experiments/get?experiment_id=abc', undefined],
  ['POST', '/api/trace-explorer/v1/groups', { experiment_ids: ['0'], group_by: 'metadata.x', page_token: '!!' }],
  ['POST', '/api/trace-explorer/v1/groups', { experiment_ids: ['0'], group_by: 'metadata.x', order: 'sideways' }],
  ['POST', '/api/trace-explorer/v1/keys', { experiment_ids: ['x'] }],
  ['POST', '/api/trace-explorer/v1/count', { experiment_ids: ['0'], cap: 0 }],
  [
    'POST',
    '/v1/traces',
    '\u0000\u0001garbage',
    { 'content-type': 'application/x-protobuf', 'x-mlflow-experiment-id': '0' },
  ],
  [
    'POST',
    '/v1/traces',
    '{"resourceSpans": [{"scopeSpans": [{"spans": [{"traceId": 5}]}]}]}',
    { 'content-type': 'application/json', 'x-mlflow-experiment-id': '0' },
  ],
  [
    'POST',
    '/v1/traces',
    '{"resourceSpans": "x"}',
    { 'content-type': 'application/json', 'x-mlflow-experiment-id': 'abc' },
  ],
  [
    'POST',
    '/v1/traces',
    'x',
    { 'content-type': 'application/json', 'content-encoding': 'gzip', 'x-mlflow-experiment-id': '0' },
  ],
  ['PUT', '/api/2.0/mlflow-artifacts/artifacts/0/traces/tr-m/artifacts/traces.json', '{"spans": [{"span_id": 5}]}'],
  ['PUT', '/api/2.0/mlflow-artifacts/artifacts/0/traces/tr-nope/artifacts/traces.json', '{"spans": []}'],
  ['GET', '/ajax-api/3.0/mlflow/get-trace-artifact?request_id=tr-nope', undefined],
];

describe('malformed requests', () => {
  it('answers unsafe integers with INVALID_PARAMETER_VALUE and an MLflow-like message', async () => {
    const search = await server.app.inject({
      method: 'POST',
      url: '/api/3.0/mlflow/traces/search',
      payload: { locations: [{ mlflow_experiment: { experiment_id: '0' } }], page_token: HUGE_OFFSET_TOKEN },
    });
    expect(search.statusCode).toBe(400);
    expect(search.json()).toEqual({
      error_code: 'INVALID_PARAMETER_VALUE',
      message: expect.stringMatching(/^Invalid page token, parsed value=/),
    });
    const del = await server.app.inject({
      method: 'POST',
      url: '/api/3.0/mlflow/traces/delete-traces',
      payload: { experiment_id: '0', max_timestamp_millis: 1, max_traces: 1e300 },
    });
    expect(del.statusCode).toBe(400);
    expect(del.json()).toEqual({
      error_code: 'INVALID_PARAMETER_VALUE',
      message: expect.stringMatching(/^Invalid value 1e\+300 for parameter 'max_traces' supplied: {2}Hint: /),
    });
  });

  it.each(CASES.map((c, i) => [i, ...c] as const))(
    'case %i: %s %s is a 4xx',
    async (_i, method, url, body, headers) => {
      const response = await server.app.inject({
        method,
        url,
        ...(body === undefined ? {} : { payload: typeof body === 'string' ? body : JSON.stringify(body) }),
        headers: headers ?? (method === 'POST' || method === 'PUT' ? json : {}),
      });
      expect({ status: Math.floor(response.statusCode / 100), body: response.body }).toEqual({
        status: 4,
        body: response.body,
      });
      expect(response.body).not.toMatch(/SQLITE|SELECT |at .*\.ts:/);
    },
  );

  // JSON nested thousands of levels deep parses, but anything recursive over it (serialising a value,
  // describing it in an error message) overflows the stack: refused up front, in the envelope.
  const DEEP = '['.repeat(20_000) + ']'.repeat(20_000);
  it.each([
    [
      '/api/3.0/mlflow/traces/tr-m/assessments',
      `{"assessment":{"assessment_name":"q","source":{"source_type":"HUMAN"},"feedback":{"value":${DEEP}}}}`,
    ],
    [
      '/api/trace-explorer/v1/traces/batch',
      `{"trace_ids":["tr-m"],"operations":[{"op":"set_assessment","name":"q","value":${DEEP}}]}`,
    ],
    ['/api/3.0/mlflow/traces/search', `{"locations":${DEEP}}`],
    ['/api/3.0/mlflow/traces/search', JSON.stringify(`{"locations":${DEEP}}`)],
    ['/api/2.0/mlflow/experiments/create', `{"name":"deep","tags":${DEEP}}`],
    [
      '/api/3.0/mlflow/traces/metrics',
      `{"experiment_ids":["0"],"view_type":"TRACES","metric_name":"trace_count","aggregations":${DEEP}}`,
    ],
    [
      '/api/3.0/mlflow/traces/search',
      JSON.stringify({
        locations: [{ mlflow_experiment: { experiment_id: '0' } }],
        page_token: Buffer.from(DEEP).toString('base64'),
      }),
    ],
  ])('answers deeply nested JSON to %s with a 400', async (url, payload) => {
    const response = await server.app.inject({ method: 'POST', url, payload, headers: json });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error_code: 'INVALID_PARAMETER_VALUE', message: expect.any(String) });
  });

  it('still takes nesting as deep as a real request has', async () => {
    const value = JSON.parse('['.repeat(100) + '1' + ']'.repeat(100)) as unknown;
    const response = await server.app.inject({
      method: 'POST',
      url: '/api/3.0/mlflow/traces/tr-m/assessments',
      payload: { assessment: { assessment_name: 'nested', source: { source_type: 'HUMAN' }, expectation: { value } } },
    });
    expect(response.statusCode).toBe(200);
  });
});
