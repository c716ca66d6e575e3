import { queryOptions } from '@tanstack/react-query';
import { EXTENSION_PREFIX, type CountResponse } from '../../core/model.ts';
import { api, apiRequest } from '../api/http-client.ts';

const ext = (path: string) => api(`${EXTENSION_PREFIX.slice(1)}/${path}`);

/** The largest total the export dialog counts (the count endpoint's cap): beyond it progress shows "of at least". */
const COUNT_CAP = 1_000_000;

export const exportQueries = {
  columns: (experimentId: string) =>
    queryOptions({
      queryKey: ['export', 'columns', experimentId] as const,
      queryFn: ({ signal }) =>
        apiRequest<{ columns: string[] }>('POST', ext('export/columns'), { experiment_ids: [experimentId] }, signal),
      staleTime: 60_000,
    }),
  total: (experimentId: string, filter: string) =>
    queryOptions({
      queryKey: ['export', 'total', experimentId, filter] as const,
      queryFn: ({ signal }) =>
        apiRequest<CountResponse>(
          'POST',
          ext('count'),
          { experiment_ids: [experimentId], filter: filter || undefined, cap: COUNT_CAP },
          signal,
        ),
      staleTime: 30_000,
    }),
};
