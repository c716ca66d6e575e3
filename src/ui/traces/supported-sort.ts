// Which orders need the server's extensions. A plain MLflow server answers an order key it does not
// know with a 400, so a shared link carrying such a sort must not reach it as it is (§6.7).
import type { ServerFeature, ServerFeatures } from '../api/useServerFeatures.ts';
import { DEFAULT_SORT, type SortColumn, type SortSpec } from './traces-url.ts';

/** The capability a column's order needs beyond MLflow's order_by, or null when every MLflow server has it. */
export function sortFeature(column: SortColumn): ServerFeature | null {
  switch (column) {
    case 'tokens':
      return 'order_by.total_tokens';
    case 'cost':
      return 'order_by.cost';
    case 'feedback':
      return 'order_by.feedback';
    default:
      return null;
  }
}

export interface SupportedSort {
  /** The order to ask the server for. */
  sort: SortSpec;
  /** The sort needs an extension and the capabilities probe has not answered yet: wait rather than risk a 400. */
  pending: boolean;
  /** The column the link asked to sort by when this server cannot (the default order is used instead). */
  unsupported: SortColumn | null;
}

/** The view's sort if this server can order by it, else the default order and which column was dropped. */
export function supportedSort(sort: SortSpec, features: Pick<ServerFeatures, 'known' | 'has'>): SupportedSort {
  const feature = sortFeature(sort.column);
  if (feature === null || (features.known && features.has(feature))) return { sort, pending: false, unsupported: null };
  if (!features.known) return { sort, pending: true, unsupported: null };
  return { sort: DEFAULT_SORT, pending: false, unsupported: sort.column };
}
