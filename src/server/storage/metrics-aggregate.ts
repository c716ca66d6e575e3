// Aggregation of metric rows into MLflow's data points (§8.4), shared by the SQL path and the
// in-memory column path: exact percentiles and, as an extension, distribution-free bounds.
import { exactQuantile, quantileConfidenceBounds, quantileRankInterval } from '../../core/stats/quantile.ts';
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
  values: number[] | Float64Array | RankedValues | AggregatedValues;
}

/**
 * A group already aggregated by the database (the PostgreSQL store): how many values, their sum, minimum
 * and maximum, and each requested percentile (by its `percentile` number) interpolated as exactQuantile
 * does (percentile_cont). Confidence bounds need every value: queries asking for them hand over arrays.
 */
export interface AggregatedValues {
  readonly kind: 'aggregated';
  readonly length: number;
  readonly sum: number;
  readonly min: number;
  readonly max: number;
  readonly percentiles: ReadonlyMap<number, number>;
}

/**
 * A group's values known only at the ranks the aggregations read (`ranksRead`) of their ascending
 * order, plus their sum: what the column path collects in one walk of its duration order instead
 * of handing over every value to be sorted.
 */
export interface RankedValues {
  readonly kind: 'ranked';
  /** How many values the group has. */
  readonly length: number;
  readonly sum: number;
  /** 0-based rank in ascending order → value. */
  readonly at: Map<number, number>;
}

/** The 0-based ranks of a group's n ascending values that toDataPoints reads for this query. */
export function ranksRead(query: MetricsQuery, n: number): number[] {
  if (n === 0) return [];
  const ranks = new Set<number>();
  for (const a of query.aggregations) {
    if (a.type === 'MIN') ranks.add(0);
    else if (a.type === 'MAX') ranks.add(n - 1);
    else if (a.type === 'PERCENTILE') {
      const q = (a.percentile ?? 50) / 100;
      // exactQuantile's two neighbours, and the order statistics of quantileConfidenceBounds.
      const lo = Math.floor(Math.min(Math.max(q, 0), 1) * (n - 1));
      ranks.add(lo).add(Math.min(lo + 1, n - 1));
      if (query.confidenceLevel !== undefined) {
        const r = quantileRankInterval(n, q, query.confidenceLevel);
        if (r.lower !== null) ranks.add(r.lower - 1);
        if (r.upper !== null) ranks.add(r.upper - 1);
      }
    }
  }
  return [...ranks].sort((a, b) => a - b);
}

/** Ranked values as the sparse ascending array the quantile functions index into. */
function rankedView(values: RankedValues): ArrayLike<number> {
  const view: { length: number; [rank: number]: number } = { length: values.length };
  for (const [rank, value] of values.at) view[rank] = value;
  return view;
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
    if (!Array.isArray(g.values) && !(g.values instanceof Float64Array) && g.values.kind === 'aggregated') {
      const point = aggregatedPoint(query, names, g.dims, g.count, g.values);
      if (point) points.push(point);
      if (points.length >= query.maxResults) break;
      continue;
    }
    // The SQL path hands over every value: one native numeric sort per group serves every
    // percentile and bound. The column path hands over ranked values already in order.
    const ranked =
      !Array.isArray(g.values) && !(g.values instanceof Float64Array) ? (g.values as RankedValues) : undefined;
    const values64 = ranked
      ? undefined
      : g.values instanceof Float64Array
        ? g.values
        : Float64Array.from(g.values as number[]);
    // Sorted for percentiles, and for sums too: a float sum depends on its order, and ascending is the one
    // order every engine can reproduce (PostgreSQL sums with SUM(v ORDER BY v)), so the answers agree to the bit.
    const sorted: ArrayLike<number> = ranked
      ? rankedView(ranked)
      : query.aggregations.some((a) => a.type === 'PERCENTILE' || a.type === 'SUM' || a.type === 'AVG')
        ? values64!.sort()
        : values64!;
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
          if (ranked) sum = ranked.sum;
          else for (let i = 0; i < n; i++) sum += values64![i];
          values[a.type] = a.type === 'SUM' ? sum : sum / n;
          allNull = false;
          break;
        }
        case 'MIN':
        case 'MAX': {
          if (n === 0) break;
          let m = sorted[a.type === 'MIN' ? 0 : n - 1];
          if (!ranked) {
            m = values64![0];
            for (let i = 1; i < n; i++) m = a.type === 'MIN' ? Math.min(m, values64![i]) : Math.max(m, values64![i]);
          }
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

/** The data point of a group the database aggregated, or undefined when no aggregation has a value. */
function aggregatedPoint(
  query: MetricsQuery,
  names: string[],
  dims: string[],
  count: number,
  g: AggregatedValues,
): MetricDataPoint | undefined {
  const values: Record<string, number> = {};
  for (const a of query.aggregations) {
    if (a.type === 'COUNT') values.COUNT = count;
    else if (g.length === 0) continue;
    else if (a.type === 'SUM') values.SUM = g.sum;
    else if (a.type === 'AVG') values.AVG = g.sum / g.length;
    else if (a.type === 'MIN') values.MIN = g.min;
    else if (a.type === 'MAX') values.MAX = g.max;
    else {
      const p = a.percentile ?? 50;
      const v = g.percentiles.get(p);
      if (v !== undefined) values[percentileKey(p)] = v;
    }
  }
  if (Object.keys(values).length === 0) return undefined;
  const dimensions: Record<string, string> = {};
  names.forEach((name, i) => {
    dimensions[name] = dims[i];
  });
  return { metric_name: query.metricName, dimensions, values };
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
