import { describe, expect, it } from 'vitest';
import { toErrorRateData, toLatencyData } from './chart-data.ts';
import type { VersionRow } from './version-rows.ts';

const row = (version: string, extra: Partial<VersionRow>): VersionRow => ({
  version,
  count: 0,
  errors: 0,
  errorRate: undefined,
  latency: {},
  thumbsUp: undefined,
  ...extra,
});

describe('chart data', () => {
  it.each([
    {
      rows: [row('a', { errorRate: { estimate: 0.1, low: 0.05, high: 0.2 } }), row('b', {})],
      expected: [{ version: 'a', rate: 0.1, ci: [0.05, 0.1] }],
    },
    { rows: [], expected: [] },
  ])('error rate bars for $rows.length rows', ({ rows, expected }) => {
    const data = toErrorRateData(rows);
    expect(data.map((d) => ({ ...d, ci: d.ci.map((x) => Number(x.toFixed(10))) }))).toEqual(expected);
  });

  it.each([
    {
      rows: [row('a', { latency: { 50: { value: 10 }, 95: { value: 40, low: 30, high: 55 } } }), row('b', {})],
      expected: [{ version: 'a', p50: 10, p95: 40, ci95: [10, 15] }],
    },
  ])('latency bars keep only versions with values and turn bounds into distances', ({ rows, expected }) => {
    expect(toLatencyData(rows)).toEqual(expected);
  });
});
