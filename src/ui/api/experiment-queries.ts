import { queryOptions } from '@tanstack/react-query';
import type { Experiment } from '../../core/model.ts';
import { api, apiRequest } from './http-client.ts';

export const experimentQueries = {
  all: () => ['experiments'] as const,
  list: () =>
    queryOptions({
      queryKey: [...experimentQueries.all(), 'list'],
      queryFn: async ({ signal }) => {
        const response = await apiRequest<{ experiments?: Experiment[] }>(
          'POST',
          api('2.0/mlflow/experiments/search'),
          { max_results: 1000, view_type: 'ACTIVE_ONLY' },
          signal,
        );
        return response.experiments ?? [];
      },
      staleTime: 60_000,
    }),
};
