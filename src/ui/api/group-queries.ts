import { infiniteQueryOptions } from '@tanstack/react-query';
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
};
