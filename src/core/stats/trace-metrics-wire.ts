// Wire shapes of QueryTraceMetrics (docs/mlflow-contract.md §8) with this project's extensions:
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
  /** MLflow's own filters: one `<view>.<entity>[.<key>] = "<value>"` clause each, ANDed. */
  filters?: string[];
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

// The server answers with these keys and the UI reads them back, so both build them here.
/** MLflow's f"P{percentile_value}" on a Python float: 95 → "P95.0", 99.99 → "P99.99", 1e-05 → "P1e-05". */
export function percentileKey(p: number): string {
  return `P${pythonFloatRepr(p)}`;
}

/**
 * Python's repr() of a float: the shortest round-trip digits (as JavaScript's), ".0" on integral
 * values, and scientific notation when the decimal exponent is below -4 or at least 16 (JavaScript
 * switches at -7 and 21), with a signed two-digit exponent.
 */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, exponentText] = x.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 16)
    return `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  // In this range String() is already fixed notation with the same shortest digits.
  const text = String(x);
  return text.includes('.') ? text : `${text}.0`;
}
