import type { MetricsRequest, MetricsResponse } from '../../core/stats/trace-metrics-wire.ts';
import { LATENCY_BOUNDS_LEVEL } from '../../core/stats/version-verdict.ts';

// The metrics requests behind the Compare page. Each is one server-side aggregation over all
// traces matching the filter; nothing is computed from a page of rows.

export const PERCENTILES = [50, 95, 99] as const;
export type Percentile = (typeof PERCENTILES)[number];
/** The level of the latency bounds: the one the percentile verdict's guarantee needs (see version-verdict.ts). */
export const CONFIDENCE_LEVEL = LATENCY_BOUNDS_LEVEL;
/** "97.5%", for labels. */
export const CONFIDENCE_LABEL = `${Number((CONFIDENCE_LEVEL * 100).toFixed(1))}%`;
export const TRACE_STATUS = 'trace_status';
export const ASSESSMENT_NAME = 'assessment_name';
export const TIME_BUCKET = 'time_bucket';

export interface CompareScope {
  experimentId: string;
  /** The version dimension, e.g. `metadata.app_version`. */
  dimension: string;
  /** The effective filter (the person's filter AND the time window). */
  filter: string;
}

export interface TimeWindow {
  startMs: number;
  endMs: number;
  bucketSeconds: number;
}

// MLflow's default of 1,000 points would silently cut a series (versions × statuses × buckets)
// short; ask for the server's maximum instead.
export const MAX_POINTS = 10_000;

const base = (scope: CompareScope): Pick<MetricsRequest, 'experiment_ids' | 'filter' | 'max_results'> => ({
  experiment_ids: [scope.experimentId],
  ...(scope.filter ? { filter: scope.filter } : {}),
  max_results: MAX_POINTS,
});

const bucketed = (window: TimeWindow | undefined) =>
  window
    ? { time_interval_seconds: window.bucketSeconds, start_time_ms: window.startMs, end_time_ms: window.endMs }
    : {};

/** Trace counts by version and status: totals and errors in one call. */
export function countsRequest(scope: CompareScope, window?: TimeWindow): MetricsRequest {
  return {
    ...base(scope),
    view_type: 'TRACES',
    metric_name: 'trace_count',
    aggregations: [{ aggregation_type: 'COUNT' }],
    dimensions: [scope.dimension, TRACE_STATUS],
    ...bucketed(window),
  };
}

/** Exact latency percentiles by version, with confidence bounds when not bucketed. */
export function latencyRequest(
  scope: CompareScope,
  percentiles: readonly Percentile[],
  window?: TimeWindow,
): MetricsRequest {
  return {
    ...base(scope),
    view_type: 'TRACES',
    metric_name: 'latency',
    aggregations: percentiles.map((p) => ({ aggregation_type: 'PERCENTILE', percentile_value: p })),
    dimensions: [scope.dimension],
    // Bounds per time bucket would be noise on a line chart; the table and deltas need them.
    ...(window ? bucketed(window) : { confidence_level: CONFIDENCE_LEVEL }),
  };
}

/** Mean of boolean feedback values (true → 1) by feedback name and version: the 👍 share. */
export function feedbackRequest(scope: CompareScope): MetricsRequest {
  return {
    ...base(scope),
    view_type: 'ASSESSMENTS',
    metric_name: 'assessment_value',
    aggregations: [{ aggregation_type: 'AVG' }],
    dimensions: [ASSESSMENT_NAME, scope.dimension],
  };
}

const DAY_MS = 86_400_000;

/**
 * With no time range ("all time") the buckets still need a window: one daily count over
 * [0, now] finds where the matching traces are, and the series window spans those days.
 */
export function extentProbeRequest(experimentId: string, filter: string, nowMs: number): MetricsRequest {
  return {
    experiment_ids: [experimentId],
    ...(filter ? { filter } : {}),
    view_type: 'TRACES',
    metric_name: 'trace_count',
    aggregations: [{ aggregation_type: 'COUNT' }],
    time_interval_seconds: DAY_MS / 1000,
    start_time_ms: 0,
    end_time_ms: nowMs,
    max_results: MAX_POINTS,
  };
}

/** The [first day, end of last day] window of a probe answer, or undefined when nothing matched. */
export function extentFromProbe(
  response: MetricsResponse,
  nowMs: number,
): { startMs: number; endMs: number } | undefined {
  const starts = response.data_points
    .map((point) => Date.parse(point.dimensions[TIME_BUCKET] ?? ''))
    .filter((ms) => Number.isFinite(ms));
  if (starts.length === 0) return undefined;
  return { startMs: Math.min(...starts), endMs: Math.min(nowMs, Math.max(...starts) + DAY_MS) };
}
