// SQLite-only: the accelerator's group-by dimensions stay under their byte cap, least recently
// used first out, and an evicted dimension answers the same once loaded again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExperiment, createTestServer, startTrace, type TestServer } from '../test-helpers.ts';
import { MetricsColumns } from './metrics-columns.ts';

let server: TestServer;
let columns: MetricsColumns;
let exp: string;
const KEYS = 40;
/** Room for about five dimensions of this data set (each ≈ 4 KiB of codes plus its dictionary). */
const CAP = 24 * 1024;

beforeAll(async () => {
  server = await createTestServer({
    backend: 'sqlite',
    sqlite: { metricsAccelerator: (db) => (columns = new MetricsColumns(db, { maxDimensionBytes: CAP })) },
  });
  exp = await createExperiment(server.app, 'lru');
  const metadata: Record<string, string> = {};
  for (let k = 0; k < KEYS; k++) metadata[`k${k}`] = `v${k}`;
  await Promise.all(
    Array.from({ length: 50 }, (_, i) =>
      startTrace(server.app, {
        traceId: `tr-l${i}`,
        experimentId: exp,
        startMs: Date.UTC(2025, 0, 1) + i,
        durationMs: i,
        metadata: { ...metadata, k0: `v${i % 3}` },
      }),
    ),
  );
});
afterAll(() => server.close());

const groupsOf = async (key: string) => {
  const response = await server.app.inject({
    method: 'POST',
    url: '/ajax-api/trace-explorer/v1/groups',
    payload: { experiment_ids: [exp], group_by: `metadata.${key}`, order: 'count' },
  });
  expect(response.statusCode).toBe(200);
  return (response.json().groups as { value: string; count: number }[]).map((g) => [g.value, g.count]);
};

describe('accelerator memory bound', () => {
  it('keeps loaded dimensions under the cap however many keys are grouped by, and frees the rest', async () => {
    const first = await groupsOf('k0');
    expect(first).toEqual([
      ['v0', 17],
      ['v1', 17],
      ['v2', 16],
    ]);
    let peak = 0;
    for (let k = 1; k < KEYS; k++) {
      expect(await groupsOf(`k${k}`)).toEqual([[`v${k}`, 50]]);
      // The key loads in the background after its first request (SQL answered it).
      await columns.ready();
      expect(await groupsOf(`k${k}`)).toEqual([[`v${k}`, 50]]);
      peak = Math.max(peak, columns.memory().dimensionBytes);
    }
    const memory = columns.memory();
    expect(memory.dimensionBytes).toBeLessThanOrEqual(CAP);
    expect(peak).toBeLessThanOrEqual(CAP);
    expect(memory.dimensions).toBeGreaterThan(1);
    expect(memory.dimensions).toBeLessThan(KEYS / 4);
    // k0 was evicted long ago: loading it again gives the same answer.
    expect(await groupsOf('k0')).toEqual(first);
  });

  it('one call needing more than the cap still answers; the next call trims back under it', async () => {
    const response = await server.app.inject({
      method: 'POST',
      url: '/ajax-api/3.0/mlflow/traces/metrics',
      payload: {
        experiment_ids: [exp],
        view_type: 'TRACES',
        metric_name: 'trace_count',
        aggregations: [{ aggregation_type: 'COUNT' }],
        dimensions: ['metadata.k0', 'metadata.k1'],
        filter:
          "metadata.k2 = 'v2' AND metadata.k3 = 'v3' AND metadata.k4 = 'v4' AND metadata.k5 = 'v5' AND metadata.k6 = 'v6'",
      },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().data_points.map((p: { values: { COUNT: number } }) => p.values.COUNT)).toEqual([17, 17, 16]);
    await groupsOf('k7');
    expect(columns.memory().dimensionBytes).toBeLessThanOrEqual(CAP);
  });
});
