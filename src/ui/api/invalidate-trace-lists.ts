import type { QueryClient } from '@tanstack/react-query';
import { catalogQueries } from './catalog-queries.ts';
import { groupQueries } from './group-queries.ts';
import { traceQueries } from './trace-queries.ts';

/** Tags and feedback show in the traces table, its groups and the key catalog: refresh those too. */
export function invalidateTraceLists(queryClient: QueryClient): Promise<unknown> {
  return Promise.all([
    queryClient.invalidateQueries({ queryKey: traceQueries.all() }),
    queryClient.invalidateQueries({ queryKey: groupQueries.all() }),
    queryClient.invalidateQueries({ queryKey: catalogQueries.all() }),
  ]);
}
