import { queryOptions } from '@tanstack/react-query';
import type { Capabilities, KeyKind, KeysResponse, ValuesResponse } from '../../core/model.ts';
import { EXTENSION_PREFIX } from '../../core/model.ts';
import { ApiError, api, apiRequest } from './http-client.ts';

const ext = (path: string) => api(`${EXTENSION_PREFIX.slice(1)}/${path}`);

/** What a plain MLflow server (no extensions) supports: AND-only filters. */
const MLFLOW_ONLY: Capabilities = { filter_dialects: ['mlflow'], version: 'mlflow', extensions: [] };

// The key catalog: tag and metadata keys seen in an experiment, and their observed values. It
// feeds autocomplete and the quick filters; a few minutes of staleness is harmless.
export const catalogQueries = {
  all: () => ['catalog'] as const,
  keys: (experimentId: string) =>
    queryOptions({
      queryKey: [...catalogQueries.all(), 'keys', experimentId] as const,
      queryFn: async ({ signal }) =>
        (await apiRequest<KeysResponse>('POST', ext('keys'), { experiment_ids: [experimentId], limit: 500 }, signal))
          .keys,
      staleTime: 5 * 60_000,
    }),
  values: (experimentId: string, kind: KeyKind, key: string, prefix = '') =>
    queryOptions({
      queryKey: [...catalogQueries.all(), 'values', experimentId, kind, key, prefix] as const,
      queryFn: async ({ signal }) =>
        (
          await apiRequest<ValuesResponse>(
            'POST',
            ext('values'),
            { experiment_ids: [experimentId], kind, key, prefix: prefix || undefined, limit: 50 },
            signal,
          )
        ).values,
      staleTime: 5 * 60_000,
    }),
  capabilities: () =>
    queryOptions({
      queryKey: [...catalogQueries.all(), 'capabilities'] as const,
      queryFn: async ({ signal }) => {
        try {
          return await apiRequest<Capabilities>('GET', ext('capabilities'), undefined, signal);
        } catch (error) {
          // A 404 means a plain MLflow server: not an error, just fewer features.
          if (error instanceof ApiError && error.status === 404) return MLFLOW_ONLY;
          throw error;
        }
      },
      staleTime: Infinity,
    }),
};
