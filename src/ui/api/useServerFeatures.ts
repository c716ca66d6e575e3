import { useQuery } from '@tanstack/react-query';
import { catalogQueries } from './catalog-queries.ts';

/** The optional features of the trace-explorer server (`GET …/capabilities` lists them). */
export type ServerFeature =
  | 'keys'
  | 'values'
  | 'count'
  | 'groups'
  | 'metrics.dimensions'
  | 'tail'
  | 'traces.batch'
  | 'review_queues'
  | 'metrics.cost'
  | 'order_by.cost'
  | 'export'
  | 'saved-views'
  | 'order_by.total_tokens'
  | 'order_by.feedback';

export interface ServerFeatures {
  /** False until the capabilities probe has answered. */
  known: boolean;
  dialect: 'mlflow' | 'extended';
  has: (feature: ServerFeature) => boolean;
}

/**
 * What the server can do, probed once per page load (the capabilities query never goes stale). A
 * plain MLflow server answers the probe with 404: then the extension features are hidden or
 * explained instead of offered and failing. Until the answer arrives nothing extension-only is
 * offered; the dialect is assumed extended, since a plain server rejects an OR with its own 400.
 */
export function useServerFeatures(): ServerFeatures {
  const { data } = useQuery(catalogQueries.capabilities());
  // A malformed answer (no list) is read as this server's default rather than crashing every page that asks.
  const extended =
    data === undefined || !Array.isArray(data.filter_dialects) || data.filter_dialects.includes('extended');
  return {
    known: data !== undefined,
    dialect: extended ? 'extended' : 'mlflow',
    // A trace-explorer server from before the `extensions` list had all of these.
    has: (feature) => data !== undefined && (data.extensions?.includes(feature) ?? extended),
  };
}
