// QueryTraceMetrics (docs/mlflow-contract.md §8) after request validation, plus this project's extensions:
// metadata./tag. dimensions, a full-grammar `filter`, and percentile confidence bounds.

import type { CheckedFilter } from '../../core/filter/check-filter.ts';

export type ViewType = 'TRACES' | 'SPANS' | 'ASSESSMENTS';
export type AggregationType = 'COUNT' | 'SUM' | 'AVG' | 'MIN' | 'MAX' | 'PERCENTILE';

export interface MetricAggregation {
  type: AggregationType;
  /** 0–100, for PERCENTILE. */
  percentile?: number;
}

/** A dimension after validation: a built-in name, or a metadata/tag key (extension). */
export type MetricDimension =
  | { kind: 'builtin'; name: string }
  | { kind: 'metadata'; key: string; name: string }
  | { kind: 'tag'; key: string; name: string };

/** One `filters` entry (`trace.status = "OK"`, `span.name = "x"`, …) after parsing. */
export interface MetricFilter {
  entity:
    | 'trace.status'
    | 'trace.tag'
    | 'trace.metadata'
    | 'span.name'
    | 'span.type'
    | 'span.status'
    | 'assessment.name'
    | 'assessment.type';
  key?: string;
  value: string;
}

export interface MetricsQuery {
  /** Parsed by the route (routes/search-request.ts); ids that are not integers were dropped there. */
  experimentIds: number[];
  viewType: ViewType;
  metricName: string;
  aggregations: MetricAggregation[];
  dimensions: MetricDimension[];
  filters: MetricFilter[];
  /** Extension: a filter in the full search grammar (extended dialect) over the traces. */
  filter?: CheckedFilter;
  timeIntervalSeconds?: number;
  startTimeMs?: number;
  endTimeMs?: number;
  maxResults: number;
  /** Extension: add `P<p>_LOW`/`P<p>_HIGH` distribution-free bounds to each percentile. */
  confidenceLevel?: number;
}

export interface MetricDataPoint {
  metric_name: string;
  dimensions: Record<string, string>;
  values: Record<string, number>;
}
