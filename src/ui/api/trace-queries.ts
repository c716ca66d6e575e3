import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import type { CountResponse, TraceInfo } from '../../core/model.ts';
import { EXTENSION_PREFIX } from '../../core/model.ts';
import { api, apiRequest } from './http-client.ts';

/** The first page is small so first rows arrive quickly; later pages take MLflow's maximum (500), so
 *  scrolling through 10k rows costs 20 round trips and re-renders rather than 50. */
export const FIRST_PAGE_SIZE = 200;
export const NEXT_PAGE_SIZE = 500;

export interface TraceSearchParams {
  experimentId: string;
  /** The filter the server runs (the person's filter AND the time window). */
  filter: string;
  /** MLflow order_by clauses, e.g. ["timestamp_ms DESC"]. */
  orderBy: readonly string[];
}

interface SearchResponse {
  traces?: TraceInfo[];
  next_page_token?: string;
}

export interface TracePage {
  traces: TraceInfo[];
  nextPageToken: string | undefined;
}

export async function searchTraces(
  params: TraceSearchParams,
  pageToken: string | undefined,
  signal?: AbortSignal,
): Promise<TracePage> {
  const response = await apiRequest<SearchResponse>(
    'POST',
    api('3.0/mlflow/traces/search'),
    {
      locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: params.experimentId } }],
      filter: params.filter || undefined,
      max_results: pageToken ? NEXT_PAGE_SIZE : FIRST_PAGE_SIZE,
      order_by: params.orderBy,
      page_token: pageToken,
    },
    signal,
  );
  // MLflow returns a token whenever a page is full, so the last page may be empty: treat an
  // empty page as the end even if it carries a token.
  const traces = response.traces ?? [];
  return { traces, nextPageToken: traces.length > 0 ? response.next_page_token || undefined : undefined };
}

export const traceQueries = {
  all: () => ['traces'] as const,
  search: (params: TraceSearchParams) =>
    infiniteQueryOptions({
      queryKey: [...traceQueries.all(), 'search', params.experimentId, params.filter, params.orderBy] as const,
      queryFn: ({ pageParam, signal }) => searchTraces(params, pageParam, signal),
      initialPageParam: undefined as string | undefined,
      getNextPageParam: (last: TracePage) => last.nextPageToken,
      staleTime: 30_000,
    }),
  count: (experimentId: string, filter: string) =>
    queryOptions({
      queryKey: [...traceQueries.all(), 'count', experimentId, filter] as const,
      queryFn: ({ signal }) =>
        apiRequest<CountResponse>(
          'POST',
          api(`${EXTENSION_PREFIX.slice(1)}/count`),
          { experiment_ids: [experimentId], filter: filter || undefined },
          signal,
        ),
      staleTime: 30_000,
    }),
};
