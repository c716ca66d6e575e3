// Export and import through the real app on real SQLite files: the exported rows are the search
// API's rows (count, ids, fields), and a JSONL export with spans imported into a second server
// reads back the same through its API.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createExperiment, createTestServer, otlpJsonBody, startTrace, type TestServer } from '../test-helpers.ts';
import { parseCsv } from '../../../e2e/fixtures/parse-csv.ts';

let a: TestServer;
let b: TestServer;
let exp: string;
let other: string;
const T0 = Date.UTC(2025, 0, 1, 10, 0, 0);
const N = 23;
const hex = (n: number, len: number) => n.toString(16).padStart(len, '0');
const otlpId = (i: number) => `tr-${hex(i + 1, 32)}`;

async function searchAll(app: FastifyInstance, experimentId: string, filter?: string) {
  const infos: Record<string, unknown>[] = [];
  let token: string | undefined;
  do {
    const r = await app.inject({
      method: 'POST',
      url: '/api/3.0/mlflow/traces/search',
      payload: {
        locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } }],
        ...(filter ? { filter } : {}),
        max_results: 7,
        ...(token ? { page_token: token } : {}),
      },
    });
    const body = r.json() as { traces?: Record<string, unknown>[]; next_page_token?: string };
    infos.push(...(body.traces ?? []));
    token = body.next_page_token;
  } while (token);
  return infos;
}

const exportReq = (app: FastifyInstance, payload: Record<string, unknown>) =>
  app.inject({ method: 'POST', url: '/ajax-api/trace-explorer/v1/export', payload });

beforeAll(async () => {
  a = await createTestServer();
  b = await createTestServer();
  exp = await createExperiment(a.app, 'export');
  other = await createExperiment(a.app, 'other');
  for (let i = 0; i < N; i++) {
    await startTrace(a.app, {
      traceId: `tr-e${i}`,
      experimentId: exp,
      startMs: T0 + i * 1000,
      durationMs: 100 + i,
      state: i % 5 === 0 ? 'ERROR' : 'OK',
      metadata: {
        app_version: i % 2 ? 'v2' : 'v1',
        'mlflow.trace.user': `u${i % 3}`,
        'mlflow.trace.tokenUsage': JSON.stringify({ input_tokens: i, output_tokens: 2 * i, total_tokens: 3 * i }),
        'mlflow.trace.cost': JSON.stringify({ total_cost: i / 1000 }),
        ...(i === 3 ? { note: '=cmd|"/c calc"!A1', multiline: 'a,b\r\n"c"' } : {}),
      },
      tags: { 'mlflow.traceName': i % 2 ? 'chat' : 'search', ...(i === 4 ? { team: 'ops' } : {}) },
    });
  }
  for (const [i, value] of [
    [1, true],
    [1, false],
    [2, 'great'],
  ] as const) {
    await a.app.inject({
      method: 'POST',
      url: `/api/3.0/mlflow/traces/tr-e${i}/assessments`,
      payload: { assessment: { assessment_name: 'quality', source: { source_type: 'HUMAN' }, feedback: { value } } },
    });
  }
  // Traces with spans (OTLP), one of them with a child LLM span.
  const start = BigInt(T0) * 1_000_000n;
  const r = await a.app.inject({
    method: 'POST',
    url: '/v1/traces',
    headers: { 'content-type': 'application/json', 'x-mlflow-experiment-id': exp },
    payload: otlpJsonBody([
      {
        traceId: hex(1, 32),
        spanId: hex(1, 16),
        name: 'root',
        startNs: String(start),
        endNs: String(start + 9_000_000n),
      },
      {
        traceId: hex(1, 32),
        spanId: hex(2, 16),
        parentSpanId: hex(1, 16),
        name: 'llm',
        startNs: String(start + 1n),
        endNs: String(start + 8_000_123n),
        attributes: {
          'gen_ai.request.model': 'gpt-4o',
          'gen_ai.usage.input_tokens': 10,
          'gen_ai.usage.output_tokens': 5,
        },
      },
      {
        traceId: hex(2, 32),
        spanId: hex(3, 16),
        name: 'root2',
        startNs: String(start),
        endNs: String(start + 1_000_000n),
      },
    ]),
  });
  if (r.statusCode !== 200) throw new Error(`OTLP ${r.statusCode}: ${r.body}`);
  await startTrace(a.app, { traceId: 'tr-elsewhere', experimentId: other, startMs: T0, durationMs: 1 });
  await startTrace(a.app, { traceId: 'tr-elsewhere2', experimentId: other, startMs: T0 + 1, durationMs: 1 });
});
afterAll(async () => {
  await a.close();
  await b.close();
});

describe('export CSV', () => {
  it('streams one row per trace the search API returns, with its fields', async () => {
    const filter = "metadata.app_version = 'v1'";
    const r = await exportReq(a.app, { experiment_ids: [exp], filter, format: 'csv' });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(r.headers['content-disposition']).toMatch(/^attachment; filename="traces-\d+-.*\.csv"$/);
    const [header, ...rows] = parseCsv(r.body);
    const api = await searchAll(a.app, exp, filter);
    expect(rows).toHaveLength(api.length);
    expect(api.length).toBe(12);
    const col = (name: string) => header.indexOf(name);
    expect(rows.map((row) => row[col('trace_id')])).toEqual(api.map((t) => t.trace_id));
    for (const name of [
      'trace_id',
      'request_time',
      'state',
      'version',
      'user',
      'cost_usd',
      'tag.mlflow.traceName',
      'label.quality',
      'other',
    ])
      expect(header).toContain(name);
    const byId = new Map(rows.map((row) => [row[col('trace_id')], row]));
    const t2 = byId.get('tr-e2')!;
    expect(t2[col('request_time')]).toBe(api.find((t) => t.trace_id === 'tr-e2')!.request_time);
    expect(t2[col('execution_time_ms')]).toBe('102');
    expect(t2[col('version')]).toBe('v1');
    expect(t2[col('user')]).toBe('u2');
    expect(t2[col('input_tokens')]).toBe('2');
    expect(t2[col('total_tokens')]).toBe('6');
    expect(t2[col('cost_usd')]).toBe('0.002');
    expect(t2[col('label.quality')]).toBe('great');
  });

  it('takes the latest valid label, guards formulas and keeps quoted text intact', async () => {
    const r = await exportReq(a.app, { experiment_ids: [exp], format: 'csv' });
    const [header, ...rows] = parseCsv(r.body);
    expect(rows).toHaveLength((await searchAll(a.app, exp)).length);
    const byId = new Map(rows.map((row) => [row[0], row]));
    expect(byId.get('tr-e1')![header.indexOf('label.quality')]).toBe('false');
    expect(byId.get('tr-e3')![header.indexOf('metadata.note')]).toBe(`'=cmd|"/c calc"!A1`);
    expect(byId.get('tr-e3')![header.indexOf('metadata.multiline')]).toBe('a,b\r\n"c"');
    expect(byId.get('tr-e4')![header.indexOf('tag.team')]).toBe('ops');
    expect(r.body).not.toContain('tr-elsewhere');
  });

  it('writes only the chosen columns, and what they leave out in `other`', async () => {
    const r = await exportReq(a.app, {
      experiment_ids: [exp],
      format: 'csv',
      columns: ['trace_id', 'cost_usd', 'other'],
      trace_ids: ['tr-e4', 'tr-elsewhere', 'tr-e9'],
    });
    const rows = parseCsv(r.body);
    expect(rows[0]).toEqual(['trace_id', 'cost_usd', 'other']);
    expect(rows.slice(1).map((row) => row[0])).toEqual(['tr-e4', 'tr-e9']);
    expect(JSON.parse(rows[1][2]).tags.team).toBe('ops');
  });

  it("leaves a key no trace has empty, even one named like an object's own members", async () => {
    const r = await exportReq(a.app, {
      experiment_ids: [exp],
      format: 'csv',
      columns: ['trace_id', 'tag.constructor', 'metadata.toString', 'label.__proto__'],
      trace_ids: ['tr-e4'],
    });
    expect(parseCsv(r.body)).toEqual([
      ['trace_id', 'tag.constructor', 'metadata.toString', 'label.__proto__'],
      ['tr-e4', '', '', ''],
    ]);
  });

  it.each([
    [{ format: 'xml' }, /Invalid format/],
    [{ columns: ['nope'] }, /Unknown export column 'nope'/],
    [{ filter: 'bogus ~~ 1' }, /./],
    [{ trace_ids: ['x'], filter: "status = 'OK'" }, /either/],
  ])('refuses %j with a 400 in the envelope', async (extra, message) => {
    const r = await exportReq(a.app, { experiment_ids: [exp], format: 'csv', ...extra });
    expect(r.statusCode).toBe(400);
    expect(r.json().error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(r.json().message).toMatch(message);
  });

  it('serves GET with query parameters (a plain download link)', async () => {
    const r = await a.app.inject({
      method: 'GET',
      url: `/api/trace-explorer/v1/export?experiment_ids=${exp}&format=csv&columns=trace_id&filter=${encodeURIComponent("status = 'ERROR'")}`,
    });
    expect(r.statusCode).toBe(200);
    const rows = parseCsv(r.body);
    expect(rows.slice(1).map((row) => row[0])).toEqual(
      (await searchAll(a.app, exp, "status = 'ERROR'")).map((t) => t.trace_id),
    );
  });

  it('answers HEAD with the headers of GET without reading a trace', async () => {
    const url = `/ajax-api/trace-explorer/v1/export?experiment_ids=${exp}&format=csv`;
    const reads = [
      vi.spyOn(a.store, 'searchTraces'),
      vi.spyOn(a.store, 'getTraceInfos'),
      vi.spyOn(a.store, 'listKeys'),
    ];
    try {
      const head = await a.app.inject({ method: 'HEAD', url });
      expect(head.statusCode).toBe(200);
      expect(head.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(head.headers['content-disposition']).toMatch(/^attachment; filename="traces-/);
      expect(head.body).toBe('');
      expect(reads.map((spy) => spy.mock.calls.length)).toEqual([0, 0, 0]);
      // A bad request is refused as GET refuses it.
      const bad = await a.app.inject({ method: 'HEAD', url: `${url}&trace_ids=tr-e1&filter=x` });
      expect(bad.statusCode).toBe(400);
      // GET does read (so the spies above would have seen HEAD's reads).
      await a.app.inject({ method: 'GET', url });
      expect(reads[0].mock.calls.length).toBeGreaterThan(0);
    } finally {
      for (const spy of reads) spy.mockRestore();
    }
  });

  it('lists the columns for the chooser', async () => {
    const r = await a.app.inject({
      method: 'POST',
      url: '/api/trace-explorer/v1/export/columns',
      payload: { experiment_ids: [exp] },
    });
    expect(r.json().columns).toEqual(
      expect.arrayContaining(['trace_id', 'cost_usd', 'tag.team', 'metadata.app_version', 'label.quality']),
    );
  });
});

describe('export JSONL and import', () => {
  it('writes one trace per line with info, tags, metadata and assessments, and spans when asked', async () => {
    const plain = await exportReq(a.app, { experiment_ids: [exp], format: 'jsonl' });
    expect(plain.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
    const lines = plain.body
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    const api = await searchAll(a.app, exp);
    expect(lines.map((l) => l.info.trace_id)).toEqual(api.map((t) => t.trace_id));
    expect(lines.every((l) => l.data === undefined)).toBe(true);
    const e1 = lines.find((l) => l.info.trace_id === 'tr-e1');
    expect(e1.info.assessments).toHaveLength(2);
    expect(e1.info.trace_metadata.app_version).toBe('v2');
    const withSpans = await exportReq(a.app, { experiment_ids: [exp], format: 'jsonl', spans: true });
    const spanned = withSpans.body
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(spanned.find((l) => l.info.trace_id === otlpId(0)).data.spans).toHaveLength(2);
    expect(spanned.find((l) => l.info.trace_id === 'tr-e1').data.spans).toEqual([]);
  });

  it('imports the JSONL into another server, which then answers the same', async () => {
    const file = (await exportReq(a.app, { experiment_ids: [exp], format: 'jsonl', spans: true })).body;
    const target = await createExperiment(b.app, 'imported');
    const r = await b.app.inject({
      method: 'POST',
      url: `/api/trace-explorer/v1/import?experiment_id=${target}`,
      headers: { 'content-type': 'application/x-ndjson' },
      payload: file,
    });
    expect(r.statusCode).toBe(200);
    const source = await searchAll(a.app, exp);
    expect(r.json()).toEqual({ imported: source.length, failed: 0, errors: [] });
    const copied = await searchAll(b.app, target);
    const strip = (t: Record<string, unknown>) => {
      const { trace_location: _l, tags, ...rest } = t as { trace_location: unknown; tags: Record<string, string> };
      const { 'mlflow.artifactLocation': _a, ...keptTags } = tags;
      // Import goes through StartTraceV3, which marks the info final (a later OTLP batch changes no times or sums).
      const { 'mlflow.trace.infoFinalized': _f, ...metadata } = (rest as { trace_metadata: Record<string, string> })
        .trace_metadata;
      const assessments = ((rest as { assessments?: Record<string, unknown>[] }).assessments ?? []).map((x) => ({
        name: x.assessment_name,
        feedback: x.feedback,
        valid: x.valid,
      }));
      return { ...rest, trace_metadata: metadata, tags: keptTags, assessments };
    };
    expect(copied.map(strip)).toEqual(source.map(strip));
    for (const id of [otlpId(0), otlpId(1)]) {
      const [sa, sb] = await Promise.all(
        [a, b].map((s) =>
          s.app.inject({ method: 'GET', url: `/ajax-api/2.0/mlflow/get-trace-artifact?request_id=${id}` }),
        ),
      );
      expect(sb.statusCode).toBe(200);
      expect(sb.body).toBe(sa.body);
    }
  });

  it('reports bad lines by number and imports the rest', async () => {
    const target = await createExperiment(b.app, 'partial');
    const good = (await exportReq(a.app, { experiment_ids: [other], format: 'jsonl' })).body.split('\n');
    const body = [
      good[0],
      '{not json',
      '{"info": 3}',
      good[1],
      '{"info": {"trace_id": "tr-x"}, "data": {"spans": 4}}',
      '',
    ].join('\n');
    const r = await b.app.inject({
      method: 'POST',
      url: `/api/trace-explorer/v1/import?experiment_id=${target}`,
      headers: { 'content-type': 'application/x-ndjson' },
      payload: body,
    });
    expect(r.statusCode).toBe(200);
    expect(r.json().imported).toBe(2);
    expect(r.json().failed).toBe(3);
    expect(
      r
        .json()
        .errors.map((e: { line: number }) => e.line)
        .sort(),
    ).toEqual([2, 3, 5]);
    // The same ids again into a third experiment belong to another one now: refused per line.
    const third = await createExperiment(b.app, 'third');
    const again = await b.app.inject({
      method: 'POST',
      url: `/api/trace-explorer/v1/import?experiment_id=${third}`,
      headers: { 'content-type': 'application/x-ndjson' },
      payload: good.join('\n'),
    });
    expect(again.json()).toMatchObject({ imported: 0, failed: 2 });
    expect(again.json().errors[0].message).toMatch(/exists in another experiment/);
  });

  it('an import is not cut off by the request budget for answers (it has the budget of an export)', async () => {
    const file = (await exportReq(a.app, { experiment_ids: [exp], format: 'jsonl', spans: true })).body;
    // A server whose answers must come within 1 ms: no import of these traces could, had it that budget.
    const hurried = await createTestServer({ app: { limits: { handlerTimeoutMs: 1 } } });
    try {
      const target = await hurried.store.createExperiment({ name: 'hurried' });
      const r = await hurried.app.inject({
        method: 'POST',
        url: `/api/trace-explorer/v1/import?experiment_id=${target}`,
        headers: { 'content-type': 'application/x-ndjson' },
        payload: file,
      });
      expect({ status: r.statusCode, body: r.json() }).toEqual({
        status: 200,
        body: { imported: (await searchAll(a.app, exp)).length, failed: 0, errors: [] },
      });
    } finally {
      await hurried.close();
    }
  });

  it('refuses a line over 16 MiB with a 413, after importing the lines before it', async () => {
    const target = await createExperiment(b.app, 'long-line');
    const good = (await exportReq(a.app, { experiment_ids: [other], format: 'jsonl' })).body.split('\n');
    const huge = `{"info": {"trace_id": "tr-huge", "note": "${'x'.repeat(16 * 1024 * 1024)}"}}`;
    const r = await b.app.inject({
      method: 'POST',
      url: `/api/trace-explorer/v1/import?experiment_id=${target}`,
      headers: { 'content-type': 'application/x-ndjson' },
      // Ids of their own: the earlier tests imported these traces into another experiment of b.
      payload: [...good.slice(0, 2).map((l) => l.replaceAll('tr-elsewhere', 'tr-long')), huge, good[0], ''].join('\n'),
    });
    expect(r.statusCode).toBe(413);
    expect(r.json().error_code).toBe('REQUEST_LIMIT_EXCEEDED');
    expect(r.json().message).toMatch(/line 3: .*16 MiB.*\(2 imported, 0 failed\)/);
    expect((await searchAll(b.app, target)).map((t) => t.trace_id).sort()).toEqual(['tr-long', 'tr-long2']);
  });

  it('answers 404 for an unknown target experiment', async () => {
    const r = await b.app.inject({
      method: 'POST',
      url: '/api/trace-explorer/v1/import?experiment_id=999',
      headers: { 'content-type': 'application/x-ndjson' },
      payload: '{}\n',
    });
    expect(r.statusCode).toBe(404);
    expect(r.json().error_code).toBe('RESOURCE_DOES_NOT_EXIST');
  });
});
