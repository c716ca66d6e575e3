import { queryOptions } from '@tanstack/react-query';
import type { MetricsRequest, MetricsResponse } from '../../core/stats/trace-metrics-wire.ts';
import { ApiError, api, apiRequest } from './http-client.ts';

/** How many distinct span types, span names or assessment names completion and hints look at. */
const LIMIT = 200;

async function dimensionValues(request: MetricsRequest, dimension: string, signal: AbortSignal): Promise<string[]> {
  try {
    const response = await apiRequest<MetricsResponse>('POST', api('3.0/mlflow/traces/metrics'), request, signal);
    const counted = (response.data_points ?? [])
      .map((p) => ({ value: p.dimensions[dimension], count: p.values.COUNT ?? 0 }))
      .filter((p): p is { value: string; count: number } => typeof p.value === 'string' && p.value !== '');
    return counted.sort((a, b) => b.count - a.count).map((p) => p.value);
  } catch (error) {
    // MLflow before 3.9 has no metrics endpoint: completion and hints then simply do without.
    if (error instanceof ApiError && error.status === 404) return [];
    throw error;
  }
}

// Values the filter language compares against that the key catalog does not list: span types and
// names, and feedback / expectation names. They come from MLflow's own QueryTraceMetrics (a count
// per dimension value), so they work against a plain MLflow 3.9+ server too.
export const factQueries = {
  all: () => ['filter-facts'] as const,
  spans: (experimentId: string, dimension: 'span_type' | 'span_name') =>
    queryOptions({
      queryKey: [...factQueries.all(), 'spans', experimentId, dimension] as const,
      queryFn: ({ signal }) =>
        dimensionValues(
          {
            experiment_ids: [experimentId],
            view_type: 'SPANS',
            metric_name: 'span_count',
            aggregations: [{ aggregation_type: 'COUNT' }],
            dimensions: [dimension],
            max_results: LIMIT,
          },
          dimension,
          signal,
        ),
      staleTime: 5 * 60_000,
    }),
  assessmentNames: (experimentId: string, type: 'feedback' | 'expectation') =>
    queryOptions({
      queryKey: [...factQueries.all(), 'assessments', experimentId, type] as const,
      queryFn: ({ signal }) =>
        dimensionValues(
          {
            experiment_ids: [experimentId],
            view_type: 'ASSESSMENTS',
            metric_name: 'assessment_count',
            aggregations: [{ aggregation_type: 'COUNT' }],
            dimensions: ['assessment_name'],
            filters: [`assessment.type = "${type}"`],
            max_results: LIMIT,
          },
          'assessment_name',
          signal,
        ),
      staleTime: 5 * 60_000,
    }),
};
