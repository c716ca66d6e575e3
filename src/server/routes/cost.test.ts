// Cost end to end on a real store: derived at OTLP ingest from model + usage (with an experiment's
// price override), carried costs kept, then read back by search order (paged), group rows and metrics.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRICE_TABLE_TAG } from '../../core/cost/price-table.ts';
import { createTestServer, otlpJsonBody, startTrace, type OtlpTestSpan, type TestServer } from '../test-helpers.ts';

let server: TestServer;
let exp: string;
let custom: string;
const T0 = Date.UTC(2025, 0, 1, 10, 0, 0);
const hex = (n: number, len: number) => n.toString(16).padStart(len, '0');

async function createWithTags(name: string, tags: { key: string; value: string }[]): Promise<string> {
  const r = await server.app.inject({
    method: 'POST',
    url: '/api/2.0/mlflow/experiments/create',
    payload: { name, tags },
  });
  return (r.json() as { experiment_id: string }).experiment_id;
}

async function ingest(experimentId: string, spans: OtlpTestSpan[]): Promise<void> {
  const r = await server.app.inject({
    method: 'POST',
    url: '/v1/traces',
    headers: { 'content-type': 'application/json', 'x-mlflow-experiment-id': experimentId },
    payload: otlpJsonBody(spans),
  });
  expect(r.statusCode).toBe(200);
}

/** One trace: a root span and an LLM child with usage; `cost` puts a carried mlflow.llm.cost on the child. */
function llmTrace(i: number, model: string, input: number, output: number, cost?: number): OtlpTestSpan[] {
  const traceId = hex(i + 1, 32);
  const start = BigInt(T0 + i * 1000) * 1_000_000n;
  return [
    {
      traceId,
      spanId: hex(i * 2 + 1, 16),
      name: 'root',
      startNs: String(start),
      endNs: String(start + 5_000_000n),
      attributes: { app_version: 'x' },
    },
    {
      traceId,
      spanId: hex(i * 2 + 2, 16),
      parentSpanId: hex(i * 2 + 1, 16),
      name: 'llm',
      startNs: String(start + 1_000_000n),
      endNs: String(start + 4_000_000n),
      attributes: {
        'gen_ai.request.model': model,
        'gen_ai.usage.input_tokens': input,
        'gen_ai.usage.output_tokens': output,
        ...(cost !== undefined
          ? { 'mlflow.llm.cost': JSON.stringify({ input_cost: cost, output_cost: 0, total_cost: cost }) }
          : {}),
      },
    },
  ];
}

const traceCost = async (i: number, app: FastifyInstance = server.app) => {
  const r = await app.inject({ method: 'GET', url: `/api/3.0/mlflow/traces/tr-${hex(i + 1, 32)}` });
  const metadata = (r.json() as { trace: { trace_info: { trace_metadata: Record<string, string> } } }).trace.trace_info
    .trace_metadata;
  return metadata['mlflow.trace.cost'] === undefined ? undefined : JSON.parse(metadata['mlflow.trace.cost']);
};

beforeAll(async () => {
  server = await createTestServer();
  exp = await createWithTags('cost', []);
  custom = await createWithTags('cost-custom', [
    { key: PRICE_TABLE_TAG, value: JSON.stringify({ 'my-model': { input: 1, output: 2 } }) },
  ]);
  // 0: gpt-4o-mini 1M in + 1M out = 0.15 + 0.6; 1: claude 1000/1000 = 0.003 + 0.015; 2: unknown model;
  // 3: carried cost 0.5 (wins over the table); 4–9: gpt-4o with rising usage (ties at 6 and 7).
  await ingest(exp, llmTrace(0, 'gpt-4o-mini-2024-07-18', 1_000_000, 1_000_000));
  await ingest(exp, llmTrace(1, 'anthropic/claude-3-5-sonnet-20241022', 1000, 1000));
  await ingest(exp, llmTrace(2, 'no-such-model', 1000, 1000));
  await ingest(exp, llmTrace(3, 'gpt-4o', 1000, 1000, 0.5));
  const usage = [100, 200, 300, 300, 400, 500];
  for (let k = 0; k < usage.length; k++) await ingest(exp, llmTrace(4 + k, 'gpt-4o', usage[k], 0));
  // Traces in the custom-priced experiment.
  await ingest(custom, llmTrace(20, 'my-model-v1', 1_000_000, 1_000_000));
  // A trace without spans: no cost.
  await startTrace(server.app, { traceId: 'tr-nocost', experimentId: exp, startMs: T0 + 100_000, durationMs: 5 });
});
afterAll(() => server.close());

describe('cost at ingest', () => {
  it('derives a span cost from the price table, keeps a carried one, and skips unknown models', async () => {
    expect(await traceCost(0)).toEqual({ input_cost: 0.15, output_cost: 0.6, total_cost: 0.75 });
    expect(await traceCost(1)).toEqual({ input_cost: 0.003, output_cost: 0.015, total_cost: 0.018 });
    expect(await traceCost(2)).toBeUndefined();
    expect(await traceCost(3)).toEqual({ input_cost: 0.5, output_cost: 0, total_cost: 0.5 });
  });

  it("uses the experiment's price table override", async () => {
    expect(await traceCost(20)).toEqual({ input_cost: 1, output_cost: 2, total_cost: 3 });
  });

  it('stays idempotent when the same spans are sent again', async () => {
    await ingest(exp, llmTrace(0, 'gpt-4o-mini-2024-07-18', 1_000_000, 1_000_000));
    expect(await traceCost(0)).toEqual({ input_cost: 0.15, output_cost: 0.6, total_cost: 0.75 });
  });
});

const search = (orderBy: string[], pageToken?: string, maxResults = 3) =>
  server.app.inject({
    method: 'POST',
    url: '/api/3.0/mlflow/traces/search',
    payload: {
      locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } }],
      order_by: orderBy,
      max_results: maxResults,
      ...(pageToken ? { page_token: pageToken } : {}),
    },
  });

async function allPages(orderBy: string[]): Promise<string[]> {
  const ids: string[] = [];
  let token: string | undefined;
  do {
    const r = await search(orderBy, token);
    expect(r.statusCode).toBe(200);
    const body = r.json() as { traces?: { trace_id: string }[]; next_page_token?: string };
    ids.push(...(body.traces ?? []).map((t) => t.trace_id));
    token = body.next_page_token;
  } while (token);
  return ids;
}

describe('order_by cost', () => {
  const id = (i: number) => `tr-${hex(i + 1, 32)}`;
  it('sorts by cost in both directions across pages, ties by time, traces without cost last', async () => {
    // gpt-4o input 2.5/M: 100 → 0.00025 … 500 → 0.00125; traces 6 and 7 tie (300), newer first.
    const desc = await allPages(['cost DESC']);
    expect(desc).toEqual([id(0), id(3), id(1), id(9), id(8), id(7), id(6), id(5), id(4), 'tr-nocost', id(2)]);
    const asc = await allPages(['cost ASC']);
    expect(asc).toEqual([id(4), id(5), id(7), id(6), id(8), id(9), id(1), id(3), id(0), 'tr-nocost', id(2)]);
    expect(new Set(asc).size).toBe(asc.length);
  });

  it('keeps MLflow behaviour for unknown attributes', async () => {
    const r = await search(['attribute.costs DESC']);
    expect(r.statusCode).toBe(400);
  });
});

describe('cost in group rows and metrics', () => {
  it('sums and takes percentiles of cost per group (traces without cost left out)', async () => {
    const r = await server.app.inject({
      method: 'POST',
      url: '/ajax-api/trace-explorer/v1/groups',
      payload: { experiment_ids: [exp], group_by: 'tag.`mlflow.traceName`' },
    });
    expect(r.statusCode).toBe(200);
    const groups = (r.json() as { groups: Record<string, unknown>[] }).groups;
    const root = groups.find((g) => g.value === 'root')!;
    expect(root.count).toBe(10);
    expect(root.cost_count).toBe(9);
    expect(root.cost_total).toBeCloseTo(0.75 + 0.018 + 0.5 + 0.0045, 10);
    expect(root.cost_p50).toBeCloseTo(0.001, 10);
    expect(root.cost_p95).toBeGreaterThan(0.5);
  });

  it('answers total_cost per version the same with and without the accelerator', async () => {
    const payload = {
      experiment_ids: [exp],
      view_type: 'TRACES',
      metric_name: 'total_cost',
      aggregations: [{ aggregation_type: 'SUM' }, { aggregation_type: 'PERCENTILE', percentile_value: 50 }],
      dimensions: ['trace_name'],
    };
    const a = await server.app.inject({ method: 'POST', url: '/ajax-api/3.0/mlflow/traces/metrics', payload });
    const b = await (
      await server.sqlOnly()
    ).inject({ method: 'POST', url: '/ajax-api/3.0/mlflow/traces/metrics', payload });
    expect(a.statusCode).toBe(200);
    const points = (a.json() as { data_points: { values: Record<string, number> }[] }).data_points;
    expect(points).toHaveLength(1);
    expect(points[0].values.SUM).toBeCloseTo(1.2725, 10);
    expect(b.json()).toEqual(a.json());
  });
});
