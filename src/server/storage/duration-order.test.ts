import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DurationOrder } from './duration-order.ts';
import type { MetricsQuery } from './metrics-query.ts';
import { openSqlite } from './open-sqlite.ts';
import { SqliteTraceStore } from './sqlite-trace-store.ts';

/** Every row with a duration, ascending (ties by row): what the order must hold. */
const reference = (dur: Float64Array) =>
  [...dur.keys()].filter((r) => !Number.isNaN(dur[r])).sort((a, b) => dur[a] - dur[b] || a - b);

const ordered = (order: DurationOrder, dur: Float64Array) => {
  const { rows, values } = order.current(dur, dur.length);
  expect([...values]).toEqual([...rows].map((r) => dur[r]));
  return [...rows];
};

describe('DurationOrder', () => {
  it('keeps rows in ascending duration through builds, changed rows, appended rows and merges', () => {
    const duration = fc.oneof(fc.constant(Number.NaN), fc.integer({ min: 0, max: 50 }));
    const op = fc.record({ row: fc.nat({ max: 199 }), value: duration });
    fc.assert(
      fc.property(
        fc.array(duration, { minLength: 1, maxLength: 120 }),
        fc.array(fc.array(op, { maxLength: 12 }), { maxLength: 6 }),
        (initial, rounds) => {
          let dur = Float64Array.from(initial);
          const order = new DurationOrder();
          expect(ordered(order, dur)).toEqual(reference(dur));
          for (const round of rounds) {
            for (const { row, value } of round) {
              if (row >= dur.length) {
                const grown = new Float64Array(row + 1).fill(Number.NaN);
                grown.set(dur);
                dur = grown;
              }
              dur[row] = value;
              order.changed(row);
            }
            expect(ordered(order, dur)).toEqual(reference(dur));
          }
        },
      ),
      { seed: 20261201, numRuns: 2_000 },
    );
  });
});

describe('latency percentiles from the duration order', () => {
  let dir: string;
  let store: SqliteTraceStore;
  /** The same file without the accelerator: the SQL answers. */
  let sqlStore: SqliteTraceStore;
  let exp: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'duration-order-'));
    store = new SqliteTraceStore(openSqlite(join(dir, 'test.db'), { synchronous: 'NORMAL' }));
    sqlStore = new SqliteTraceStore(openSqlite(join(dir, 'test.db'), { synchronous: 'NORMAL' }), {
      metricsAccelerator: false,
    });
    exp = await store.createExperiment({ name: 'ranks' });
  });
  afterAll(async () => {
    await store.close();
    await sqlStore.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const query = (percentiles: number[], bucketed: boolean): MetricsQuery => ({
    experimentIds: [exp],
    viewType: 'TRACES',
    metricName: 'latency',
    aggregations: [
      { type: 'AVG' },
      { type: 'SUM' },
      { type: 'MIN' },
      { type: 'MAX' },
      ...percentiles.map((p) => ({ type: 'PERCENTILE' as const, percentile: p })),
    ],
    dimensions: [
      { kind: 'metadata', key: 'v', name: 'metadata.v' },
      { kind: 'builtin', name: 'trace_status' },
    ],
    filters: [],
    maxResults: 10_000,
    confidenceLevel: 0.95,
    ...(bucketed ? { timeIntervalSeconds: 60 } : {}),
  });

  const both = async (q: MetricsQuery) => {
    const columns = await store.queryMetrics(q);
    const sql = await sqlStore.queryMetrics(q);
    return { columns, sql };
  };

  it('match the SQL path exactly, before and after writes that move rows in the order', async () => {
    let next = 0;
    const write = (durationMs: number | undefined, version: string, id = `tr-${next++}`) =>
      store.startTrace({
        traceId: id,
        experimentId: exp,
        requestTimeMs: Date.UTC(2026, 0, 1) + (next % 7) * 60_000,
        executionTimeMs: durationMs,
        state: next % 5 === 0 ? 'ERROR' : 'OK',
        metadata: { v: version },
        tags: {},
        assessments: [],
      });
    const versions = ['a', 'b', 'c'];
    // Ties, a missing duration, a group of one and groups of hundreds.
    for (let i = 0; i < 600; i++) await write(i % 9 === 0 ? undefined : (i * 37) % 250, versions[i % 3]);
    await write(42, 'solo');
    const percentiles = [0, 1, 50, 90, 95, 99, 99.9, 100];
    for (const bucketed of [false, true]) {
      const { columns, sql } = await both(query(percentiles, bucketed));
      expect(columns.length).toBeGreaterThan(6);
      expect(columns).toEqual(sql);
    }
    // Upserts change durations of rows already in the order and new rows join it; each query
    // after writes merges them in.
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 40; i++)
        await write((i * 13 + round) % 300, versions[(i + round) % 3], `tr-${(i * 7 + round) % 600}`);
      for (let i = 0; i < 15; i++) await write(i * 3, 'new');
      const { columns, sql } = await both(query(percentiles, round === 1));
      expect(columns).toEqual(sql);
    }
  });
});
