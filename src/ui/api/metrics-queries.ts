import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import type { MetricsRequest, MetricsResponse } from '../../core/stats/trace-metrics-wire.ts';
import { api, apiRequest } from './http-client.ts';

export const metricsQueries = {
  all: () => ['trace-metrics'] as const,
  /**
   * One aggregation over all matching traces. The request body is the key: it holds the filter
   * text, the time window and the dimensions, which are exactly what makes two answers differ.
   */
  query: (request: MetricsRequest) =>
    queryOptions({
      queryKey: [...metricsQueries.all(), request],
      queryFn: ({ signal }) => apiRequest<MetricsResponse>('POST', api('3.0/mlflow/traces/metrics'), request, signal),
      // Keep the previous picture on screen while a new filter computes, instead of blanking charts.
      placeholderData: keepPreviousData,
      staleTime: 30_000,
    }),
  /**
   * Several aggregations fetched in parallel and cached as one answer. Numbers shown side by side
   * (a version's count, percentiles and 👍 share) then always come from the same filter, and the
   * page redraws once per filter change instead of once per request.
   */
  batch: (requests: readonly MetricsRequest[]) =>
    queryOptions({
      queryKey: [...metricsQueries.all(), 'batch', requests],
      queryFn: ({ signal }) =>
        Promise.all(
          requests.map((request) =>
            apiRequest<MetricsResponse>('POST', api('3.0/mlflow/traces/metrics'), request, signal),
          ),
        ),
      placeholderData: keepPreviousData,
      staleTime: 30_000,
    }),
};
