import { describe, expect, it } from 'vitest';
import type { MetricsResponse } from '../../core/stats/trace-metrics-wire.ts';
import { toErrorRateSeries, toLatencySeries } from './version-series.ts';

const D = 'tag.environment';
const T0 = '2026-01-01T10:00:00+00:00';
const T1 = '2026-01-01T11:00:00+00:00';
const response = (...rows: [Record<string, string>, Record<string, number | null>][]): MetricsResponse => ({
  data_points: rows.map(([dimensions, values]) => ({ metric_name: 'm', dimensions, values })),
});

describe('toErrorRateSeries', () => {
  it.each([
    {
      name: 'divides errors by all traces per bucket and version, sorted by time',
      input: response(
        [{ time_bucket: T1, [D]: 'prod', trace_status: 'OK' }, { COUNT: 3 }],
        [{ time_bucket: T0, [D]: 'prod', trace_status: 'ERROR' }, { COUNT: 1 }],
        [{ time_bucket: T0, [D]: 'prod', trace_status: 'OK' }, { COUNT: 3 }],
        [{ time_bucket: T0, [D]: 'dev', trace_status: 'ERROR' }, { COUNT: 2 }],
      ),
      expected: {
        versions: ['dev', 'prod'],
        points: [
          { t: Date.parse(T0), values: { prod: 0.25, dev: 1 } },
          { t: Date.parse(T1), values: { prod: 0 } },
        ],
      },
    },
    {
      name: 'skips points without a bucket or version',
      input: response(
        [{ [D]: 'prod', trace_status: 'OK' }, { COUNT: 1 }],
        [{ time_bucket: T0, trace_status: 'OK' }, { COUNT: 1 }],
      ),
      expected: { versions: [], points: [] },
    },
    { name: 'is empty for no answer', input: undefined, expected: { versions: [], points: [] } },
  ])('$name', ({ input, expected }) => {
    expect(toErrorRateSeries(input, D)).toEqual(expected);
  });
});

describe('toLatencySeries', () => {
  it.each([
    {
      name: 'reads the P95.0 key and leaves gaps where a version has no value',
      input: response(
        [{ time_bucket: T0, [D]: 'prod' }, { 'P95.0': 120 }],
        [{ time_bucket: T1, [D]: 'prod' }, { 'P95.0': null }],
        [{ time_bucket: T1, [D]: 'dev' }, { 'P95.0': 80 }],
      ),
      expected: {
        versions: ['dev', 'prod'],
        points: [
          { t: Date.parse(T0), values: { prod: 120 } },
          { t: Date.parse(T1), values: { dev: 80 } },
        ],
      },
    },
  ])('$name', ({ input, expected }) => {
    expect(toLatencySeries(input, D, 95)).toEqual(expected);
  });
});
