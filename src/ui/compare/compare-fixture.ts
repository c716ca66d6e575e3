import type { MetricsRequest, MetricsResponse } from '../../core/stats/trace-metrics-wire.ts';

// A fake metrics server for component tests: answers each Compare request from a small table
// of per-version numbers, the way the real endpoint would group them.
export interface FakeVersion {
  version: string;
  ok: number;
  errors: number;
  p50: number;
  p95: [value: number, low: number, high: number];
  p99: number;
  thumbsUp?: number;
}

export const FAKE_BUCKET = '2026-01-01T10:00:00+00:00';

export function fakeMetrics(
  request: MetricsRequest,
  versions: FakeVersion[],
  dimension = 'metadata.app_version',
): MetricsResponse {
  const bucket: Record<string, string> = request.time_interval_seconds ? { time_bucket: FAKE_BUCKET } : {};
  const point = (dimensions: Record<string, string>, values: Record<string, number>) => ({
    metric_name: request.metric_name,
    dimensions: { ...bucket, ...dimensions },
    values,
  });
  if (request.view_type === 'ASSESSMENTS') {
    return {
      data_points: versions.flatMap((v) =>
        v.thumbsUp === undefined
          ? []
          : [point({ assessment_name: 'user_satisfaction', [dimension]: v.version }, { AVG: v.thumbsUp })],
      ),
    };
  }
  if (request.metric_name === 'trace_count' && !request.dimensions) {
    return { data_points: [point({}, { COUNT: versions.reduce((sum, v) => sum + v.ok + v.errors, 0) })] };
  }
  if (request.metric_name === 'trace_count') {
    return {
      data_points: versions.flatMap((v) => [
        point({ [dimension]: v.version, trace_status: 'ERROR' }, { COUNT: v.errors }),
        point({ [dimension]: v.version, trace_status: 'OK' }, { COUNT: v.ok }),
      ]),
    };
  }
  return {
    data_points: versions.map((v) =>
      point(
        { [dimension]: v.version },
        { 'P50.0': v.p50, 'P95.0': v.p95[0], 'P95.0_LOW': v.p95[1], 'P95.0_HIGH': v.p95[2], 'P99.0': v.p99 },
      ),
    ),
  };
}
