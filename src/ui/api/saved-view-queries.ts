import { queryOptions, type QueryClient } from '@tanstack/react-query';
import { EXTENSION_PREFIX } from '../../core/model.ts';
import type { SavedView, SavedViewBody, SavedViewVisibility } from '../../core/saved-view.ts';
import { api, apiRequest } from './http-client.ts';

const ext = (path: string) => api(`${EXTENSION_PREFIX.slice(1)}/saved-views/${path}`);

// An experiment's saved views (the server's saved-views extension). A team edits them rarely;
// every change here refetches the list.
export const savedViewQueries = {
  all: () => ['saved-views'] as const,
  list: (experimentId: string) =>
    queryOptions({
      queryKey: [...savedViewQueries.all(), experimentId] as const,
      queryFn: async ({ signal }) =>
        (
          await apiRequest<{ views: SavedView[] }>(
            'GET',
            `${ext('list')}?${new URLSearchParams({ experiment_id: experimentId })}`,
            undefined,
            signal,
          )
        ).views,
      staleTime: 30_000,
    }),
};

export const savedViewApi = {
  create: async (experimentId: string, name: string, body: SavedViewBody, visibility: SavedViewVisibility) =>
    (
      await apiRequest<{ view: SavedView }>('POST', ext('create'), {
        experiment_id: experimentId,
        name,
        body,
        visibility,
      })
    ).view,
  update: async (
    experimentId: string,
    viewId: string,
    change: { name?: string; body?: SavedViewBody; visibility?: SavedViewVisibility },
  ) =>
    (
      await apiRequest<{ view: SavedView }>('POST', ext('update'), {
        experiment_id: experimentId,
        view_id: viewId,
        ...change,
      })
    ).view,
  remove: (experimentId: string, viewId: string) =>
    apiRequest<object>('POST', ext('delete'), { experiment_id: experimentId, view_id: viewId }),
  setDefault: (experimentId: string, viewId: string | null) =>
    apiRequest<object>('POST', ext('set-default'), { experiment_id: experimentId, view_id: viewId ?? undefined }),
};

export const invalidateSavedViews = (client: QueryClient, experimentId: string) =>
  client.invalidateQueries({ queryKey: savedViewQueries.list(experimentId).queryKey });
