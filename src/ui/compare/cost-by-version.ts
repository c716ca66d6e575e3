// Cost per version for the Compare page: one TRACES metrics request over `total_cost` (the
// server's extension metric: each trace's `mlflow.trace.cost`), with the same percentile
// treatment as latency: exact p50/p95 per version with distribution-free bounds at CONFIDENCE_LEVEL.
import type { Estimate } from '../../core/stats/version-verdict.ts';
import { percentileKey, type MetricsRequest, type MetricsResponse } from '../../core/stats/trace-metrics-wire.ts';
import { CONFIDENCE_LEVEL, MAX_POINTS, type CompareScope } from './compare-requests.ts';
import { compareVersions, dimensionValue } from './dimension-value.ts';

export const COST_PERCENTILES = [50, 95] as const;

export interface CostRow {
  version: string;
  /** Sum over the version's traces that have a cost (USD). */
  total: number;
  /** Mean per trace with a cost. */
  mean: number | undefined;
  /** Traces with a cost (SUM / AVG, rounded). */
  traces: number;
  percentiles: Partial<Record<(typeof COST_PERCENTILES)[number], Estimate>>;
}

export function costRequest(scope: CompareScope): MetricsRequest {
  return {
    experiment_ids: [scope.experimentId],
    ...(scope.filter ? { filter: scope.filter } : {}),
    max_results: MAX_POINTS,
    view_type: 'TRACES',
    metric_name: 'total_cost',
    aggregations: [
      { aggregation_type: 'SUM' },
      { aggregation_type: 'AVG' },
      ...COST_PERCENTILES.map((p) => ({ aggregation_type: 'PERCENTILE' as const, percentile_value: p })),
    ],
    dimensions: [scope.dimension],
    confidence_level: CONFIDENCE_LEVEL,
  };
}

const finite = (value: number | null | undefined): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

/** One row per version that has any cost, in natural version order. */
export function toCostRows(response: MetricsResponse | undefined, dimension: string): CostRow[] {
  const rows: CostRow[] = [];
  for (const point of response?.data_points ?? []) {
    const version = dimensionValue(point, dimension);
    const total = finite(point.values.SUM);
    if (version === undefined || total === undefined) continue;
    const mean = finite(point.values.AVG);
    const percentiles: CostRow['percentiles'] = {};
    for (const p of COST_PERCENTILES) {
      const key = percentileKey(p);
      const value = finite(point.values[key]);
      if (value !== undefined)
        percentiles[p] = { value, low: finite(point.values[`${key}_LOW`]), high: finite(point.values[`${key}_HIGH`]) };
    }
    rows.push({ version, total, mean, traces: mean ? Math.round(total / mean) : 0, percentiles });
  }
  return rows.sort((a, b) => compareVersions(a.version, b.version));
}
