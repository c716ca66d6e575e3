import type { MetricDataPoint, MetricsQuery } from './metrics-query.ts';
import type { SqliteTraceStore } from './sqlite-trace-store.ts';

export function queryMetricsSql(_store: SqliteTraceStore, _query: MetricsQuery): MetricDataPoint[] {
  return [];
}
