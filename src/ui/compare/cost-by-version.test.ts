import { describe, expect, it } from 'vitest';
import { costRequest, toCostRows } from './cost-by-version.ts';

describe('costRequest', () => {
  it('asks for total_cost sums, means and bounded percentiles by version', () => {
    const request = costRequest({ experimentId: '1', dimension: 'metadata.app_version', filter: "status = 'OK'" });
    expect(request).toMatchObject({
      metric_name: 'total_cost',
      view_type: 'TRACES',
      dimensions: ['metadata.app_version'],
      filter: "status = 'OK'",
    });
    expect(request.aggregations.map((a) => a.aggregation_type)).toEqual(['SUM', 'AVG', 'PERCENTILE', 'PERCENTILE']);
    expect(request.confidence_level).toBeGreaterThan(0.9);
  });
});

describe('toCostRows', () => {
  it('maps points to rows in natural version order, with bounds when present', () => {
    const rows = toCostRows(
      {
        data_points: [
          {
            metric_name: 'total_cost',
            dimensions: { 'metadata.app_version': 'v10' },
            values: { SUM: 2, AVG: 0.5, 'P50.0': 0.4, 'P50.0_LOW': 0.3, 'P50.0_HIGH': 0.6, 'P95.0': 0.9 },
          },
          {
            metric_name: 'total_cost',
            dimensions: { 'metadata.app_version': 'v9' },
            values: { SUM: 1, AVG: 1, 'P50.0': 1 },
          },
          { metric_name: 'total_cost', dimensions: {}, values: { SUM: 1 } },
        ],
      },
      'metadata.app_version',
    );
    expect(rows.map((r) => r.version)).toEqual(['v9', 'v10']);
    expect(rows[1]).toEqual({
      version: 'v10',
      total: 2,
      mean: 0.5,
      traces: 4,
      percentiles: { 50: { value: 0.4, low: 0.3, high: 0.6 }, 95: { value: 0.9, low: undefined, high: undefined } },
    });
  });
});
