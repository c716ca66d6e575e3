import type { MetricDataPoint } from '../../core/stats/trace-metrics-wire.ts';

/**
 * The value of the version dimension in a data point. The contract echoes the requested
 * dimension name as the key; if a server echoes only the bare key (`app_version`) we accept that
 * too rather than showing an empty page.
 */
export function dimensionValue(point: MetricDataPoint, dimension: string): string | undefined {
  const direct = point.dimensions[dimension];
  if (direct !== undefined) return direct;
  return point.dimensions[dimension.slice(dimension.indexOf('.') + 1)];
}

/** Natural order, so "1.10" sorts after "1.9" and "v2" after "v1". */
export const compareVersions = (a: string, b: string): number => a.localeCompare(b, 'en', { numeric: true });
