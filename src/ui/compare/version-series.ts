import { percentileKey, type MetricsResponse } from '../../core/stats/trace-metrics-wire.ts';
import { TIME_BUCKET, TRACE_STATUS } from './compare-requests.ts';
import { compareVersions, dimensionValue } from './dimension-value.ts';

export interface SeriesPoint {
  /** Bucket start, ms since the epoch. */
  t: number;
  /** Version → value in this bucket; a version absent from a bucket has no entry (a gap, not a 0). */
  values: Record<string, number>;
}

export interface VersionSeries {
  versions: string[];
  points: SeriesPoint[];
}

function collect(
  response: MetricsResponse | undefined,
  dimension: string,
  read: (values: Record<string, number | null>, status: string | undefined) => [number, number] | undefined,
) {
  // bucket → version → [numerator, denominator]
  const buckets = new Map<number, Map<string, [number, number]>>();
  const versions = new Set<string>();
  for (const point of response?.data_points ?? []) {
    const t = Date.parse(point.dimensions[TIME_BUCKET] ?? '');
    const version = dimensionValue(point, dimension);
    const pair = read(point.values, point.dimensions[TRACE_STATUS]);
    if (!Number.isFinite(t) || version === undefined || !pair) continue;
    versions.add(version);
    const byVersion = buckets.get(t) ?? new Map<string, [number, number]>();
    buckets.set(t, byVersion);
    const sum = byVersion.get(version) ?? [0, 0];
    byVersion.set(version, [sum[0] + pair[0], sum[1] + pair[1]]);
  }
  return { buckets, versions: [...versions].sort(compareVersions) };
}

function toSeries(collected: ReturnType<typeof collect>, value: (pair: [number, number]) => number): VersionSeries {
  const points = [...collected.buckets.entries()]
    .sort(([a], [b]) => a - b)
    .map(([t, byVersion]) => ({
      t,
      values: Object.fromEntries([...byVersion].map(([version, pair]) => [version, value(pair)])),
    }));
  return { versions: collected.versions, points };
}

/** Error rate per version per bucket, from counts by [version, trace_status, time_bucket]. */
export function toErrorRateSeries(response: MetricsResponse | undefined, dimension: string): VersionSeries {
  const collected = collect(response, dimension, (values, status) => {
    const count = values.COUNT;
    if (typeof count !== 'number') return undefined;
    return [status === 'ERROR' ? count : 0, count];
  });
  return toSeries(collected, ([errors, count]) => (count > 0 ? errors / count : 0));
}

/** One latency percentile per version per bucket. */
export function toLatencySeries(
  response: MetricsResponse | undefined,
  dimension: string,
  percentile: number,
): VersionSeries {
  const key = percentileKey(percentile);
  const collected = collect(response, dimension, (values) => {
    const value = values[key];
    return typeof value === 'number' && Number.isFinite(value) ? [value, 1] : undefined;
  });
  return toSeries(collected, ([value]) => value);
}
