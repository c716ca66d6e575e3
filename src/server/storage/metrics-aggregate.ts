// Aggregation of metric rows into MLflow's data points (§8.4), shared by the SQL path and the
// in-memory column path: exact percentiles and, as an extension, distribution-free bounds.
import { exactQuantile, quantileConfidenceBounds } from '../../core/stats/quantile.ts';
import { percentileKey } from '../../core/stats/trace-metrics-wire.ts';
import type { MetricDataPoint, MetricsQuery } from './metrics-query.ts';

/** Python's datetime.isoformat() of a UTC bucket start, e.g. "2025-11-03T10:00:00+00:00". */
export function bucketLabel(ms: number): string {
  const iso = new Date(ms).toISOString();
  const millis = ms % 1000;
  return millis === 0 ? `${iso.slice(0, 19)}+00:00` : `${iso.slice(0, 19)}.${String(millis).padStart(3, '0')}000+00:00`;
}

/** Dimension names of the output, in order: time_bucket first when bucketing. */
export function dimensionNames(query: MetricsQuery): string[] {
  const names = query.dimensions.map((d) => d.name);
  return query.timeIntervalSeconds !== undefined ? ['time_bucket', ...names] : names;
}

/** Per group: row count and the non-null metric values. */
export interface GroupValues {
  dims: string[];
  count: number;
  values: number[] | Float64Array;
}

export function toDataPoints(query: MetricsQuery, groups: GroupValues[]): MetricDataPoint[] {
  const names = dimensionNames(query);
  const points: MetricDataPoint[] = [];
  groups.sort((a, b) => {
    for (let i = 0; i < a.dims.length; i++) {
      if (a.dims[i] !== b.dims[i]) return a.dims[i] < b.dims[i] ? -1 : 1;
    }
    return 0;
  });
  for (const g of groups) {
    const values: Record<string, number> = {};
    // One native numeric sort per group serves every percentile and bound (measured faster than
    // quickselect in JS for three percentiles with bounds).
    const values64 = g.values instanceof Float64Array ? g.values : Float64Array.from(g.values);
    const sorted = query.aggregations.some((a) => a.type === 'PERCENTILE') ? values64.sort() : values64;
    let allNull = true;
    for (const a of query.aggregations) {
      const n = g.values.length;
      switch (a.type) {
        case 'COUNT':
          values.COUNT = g.count;
          allNull = false;
          break;
        case 'SUM':
        case 'AVG': {
          if (n === 0) break;
          let sum = 0;
          for (let i = 0; i < n; i++) sum += g.values[i];
          values[a.type] = a.type === 'SUM' ? sum : sum / n;
          allNull = false;
          break;
        }
        case 'MIN':
        case 'MAX': {
          if (n === 0) break;
          let m = values64[0];
          for (let i = 1; i < n; i++) m = a.type === 'MIN' ? Math.min(m, values64[i]) : Math.max(m, values64[i]);
          values[a.type] = m;
          allNull = false;
          break;
        }
        case 'PERCENTILE': {
          if (n === 0) break;
          const p = a.percentile ?? 50;
          const key = percentileKey(p);
          values[key] = exactQuantile(sorted, p / 100);
          allNull = false;
          if (query.confidenceLevel !== undefined) {
            const bounds = quantileConfidenceBounds(sorted, p / 100, query.confidenceLevel);
            // null when the sample is too small for that side (JSON null on the wire).
            (values as Record<string, number | null>)[`${key}_LOW`] = bounds.low;
            (values as Record<string, number | null>)[`${key}_HIGH`] = bounds.high;
          }
          break;
        }
      }
    }
    if (allNull) continue;
    const dimensions: Record<string, string> = {};
    names.forEach((name, i) => {
      dimensions[name] = g.dims[i];
    });
    points.push({ metric_name: query.metricName, dimensions, values });
    if (points.length >= query.maxResults) break;
  }
  return points;
}

/** MLflow's assessment_value conversion: true/"yes" → 1, false/"no" → 0, numbers as-is, else ignored. */
export function assessmentNumber(json: string | null): number | null {
  if (json === null) return null;
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch {
    return null;
  }
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string') {
    const lower = v.toLowerCase();
    if (lower === 'yes') return 1;
    if (lower === 'no') return 0;
  }
  return null;
}
