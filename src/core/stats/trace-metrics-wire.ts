// Wire shapes of QueryTraceMetrics (mlflow-api.md §8) with this project's extensions:
// `filter` takes the full search grammar, `dimensions` may name `metadata.<key>`, `tag.<key>` and
// `trace_status`, PERCENTILE is exact, and `confidence_level` adds `<P>_LOW`/`<P>_HIGH` values.
// They live in core because the server implements the same contract.

export type MetricsViewType = 'TRACES' | 'SPANS' | 'ASSESSMENTS';

export type MetricAggregation =
  | { aggregation_type: 'COUNT' | 'SUM' | 'AVG' | 'MIN' | 'MAX' }
  | { aggregation_type: 'PERCENTILE'; percentile_value: number };

export interface MetricsRequest {
  experiment_ids: string[];
  view_type: MetricsViewType;
  metric_name: string;
  aggregations: MetricAggregation[];
  dimensions?: string[];
  filter?: string;
  time_interval_seconds?: number;
  start_time_ms?: number;
  end_time_ms?: number;
  confidence_level?: number;
  max_results?: number;
}

export interface MetricDataPoint {
  metric_name: string;
  /** Dimension name → value; `time_bucket` (ISO start of the bucket) when time_interval_seconds was set. */
  dimensions: Record<string, string>;
  /** `COUNT`, `AVG`, `P95.0`, `P95.0_LOW`, … */
  values: Record<string, number | null>;
}

export interface MetricsResponse {
  data_points: MetricDataPoint[];
}

/** The value key MLflow uses for a percentile: 95 → "P95.0" (percentile_value is a double). */
export const percentileKey = (percentile: number): string => `P${percentile.toFixed(1)}`;
