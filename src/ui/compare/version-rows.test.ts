import { describe, expect, it } from 'vitest';
import type { MetricsResponse } from '../../core/stats/trace-metrics-wire.ts';
import { toVersionRows } from './version-rows.ts';

const D = 'metadata.app_version';
const points = (...rows: [Record<string, string>, Record<string, number | null>][]): MetricsResponse => ({
  data_points: rows.map(([dimensions, values]) => ({ metric_name: 'm', dimensions, values })),
});

describe('toVersionRows', () => {
  it.each([
    {
      name: 'joins counts, errors, latency with bounds and 👍 share, in natural version order',
      counts: points(
        [{ [D]: 'v10', trace_status: 'OK' }, { COUNT: 90 }],
        [{ [D]: 'v10', trace_status: 'ERROR' }, { COUNT: 10 }],
        [{ [D]: 'v9', trace_status: 'OK' }, { COUNT: 5 }],
        [{ [D]: 'v9', trace_status: 'IN_PROGRESS' }, { COUNT: 1 }],
      ),
      latency: points([
        { [D]: 'v10' },
        { 'P50.0': 100, 'P95.0': 400, 'P95.0_LOW': 350, 'P95.0_HIGH': 470, 'P99.0': 900 },
      ]),
      feedback: points(
        [{ assessment_name: 'user_satisfaction', [D]: 'v10' }, { AVG: 0.75 }],
        [{ assessment_name: 'other', [D]: 'v9' }, { AVG: 0.1 }],
      ),
      expected: [
        { version: 'v9', count: 6, errors: 0, p95: undefined, thumbsUp: undefined, errorLow: 0 },
        {
          version: 'v10',
          count: 100,
          errors: 10,
          p95: { value: 400, low: 350, high: 470 },
          thumbsUp: 0.75,
          errorLow: 0.0552291370606751,
        },
      ],
    },
    {
      name: 'accepts a server that echoes the bare key and ignores null values',
      counts: points(
        [{ app_version: '1.0', trace_status: 'ERROR' }, { COUNT: 2 }],
        [{ app_version: '1.1', trace_status: 'OK' }, { COUNT: null }],
      ),
      latency: points([{ app_version: '1.0' }, { 'P95.0': null }]),
      feedback: undefined,
      expected: [
        { version: '1.0', count: 2, errors: 2, p95: undefined, thumbsUp: undefined, errorLow: 0.3423802275066532 },
      ],
    },
    { name: 'is empty before any answer', counts: undefined, latency: undefined, feedback: undefined, expected: [] },
  ])('$name', ({ counts, latency, feedback, expected }) => {
    const rows = toVersionRows({ dimension: D, counts, latency, feedback, feedbackName: 'user_satisfaction' });
    expect(
      rows.map((r) => ({
        version: r.version,
        count: r.count,
        errors: r.errors,
        p95: r.latency[95],
        thumbsUp: r.thumbsUp,
        errorLow: r.errorRate?.low,
      })),
    ).toEqual(expected.map((e) => ({ ...e, errorLow: expect.closeTo(e.errorLow, 12) })));
  });
});
