import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import type { GroupsRequest, GroupsResponse } from '../../core/model.ts';
import { EXTENSION_PREFIX } from '../../core/model.ts';
import { api, apiRequest } from './http-client.ts';

export const GROUP_PAGE_SIZE = 100;

export interface GroupParams {
  experimentId: string;
  /** A filter identifier, e.g. "metadata.`mlflow.trace.session`". */
  groupBy: string;
  filter: string;
  order: 'count' | 'recent';
}

export const groupQueries = {
  all: () => ['groups'] as const,
  list: (params: GroupParams) =>
    infiniteQueryOptions({
      queryKey: [...groupQueries.all(), params.experimentId, params.groupBy, params.filter, params.order] as const,
      queryFn: async ({ pageParam, signal }) => {
        const body: GroupsRequest = {
          experiment_ids: [params.experimentId],
          group_by: params.groupBy,
          filter: params.filter || undefined,
          order: params.order,
          max_results: GROUP_PAGE_SIZE,
          page_token: pageParam,
        };
        return apiRequest<GroupsResponse>('POST', api(`${EXTENSION_PREFIX.slice(1)}/groups`), body, signal);
      },
      initialPageParam: undefined as string | undefined,
      getNextPageParam: (last: GroupsResponse) =>
        last.groups.length > 0 ? last.next_page_token || undefined : undefined,
      staleTime: 30_000,
    }),
  /** The most frequent values of a key under a filter, with their counts: one page of groups. */
  counts: (experimentId: string, groupBy: string, filter: string, limit = 50) =>
    queryOptions({
      queryKey: [...groupQueries.all(), 'counts', experimentId, groupBy, filter, limit] as const,
      queryFn: async ({ signal }) => {
        const body: GroupsRequest = {
          experiment_ids: [experimentId],
          group_by: groupBy,
          filter: filter || undefined,
          order: 'count',
          max_results: limit,
        };
        const response = await apiRequest<GroupsResponse>(
          'POST',
          api(`${EXTENSION_PREFIX.slice(1)}/groups`),
          body,
          signal,
        );
        // Traces without the key form a group too; a dropdown cannot choose "no value".
        return response.groups
          .filter((group) => group.value !== '')
          .map((group) => ({ value: group.value, count: group.count }));
      },
      staleTime: 30_000,
    }),
};
