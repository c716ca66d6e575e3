// The live tail's two sources. A trace-explorer server answers what was written after a cursor
// (`…/traces/since`: insertion order, so back-dated and late-finishing traces are caught); a plain
// MLflow server is asked by timestamp (SearchTracesV3 with `timestamp_ms >= X`), an approximation
// that misses a trace whose request time is older than the newest one already seen.
import type { TraceInfo } from '../../core/model.ts';
import { EXTENSION_PREFIX } from '../../core/model.ts';
import { andFilters } from '../../core/filter-clause.ts';
import { api, apiRequest } from './http-client.ts';
import { searchTraces } from './trace-queries.ts';

export interface TailChanges {
  /** Traces new to this watcher (or finished since it first saw them), in write order. */
  created: TraceInfo[];
  /** Traces that existed before the watcher started and changed: update a row shown, else ignore. */
  updated: TraceInfo[];
  /** Where the next poll starts. */
  cursor: string;
  /** More changes wait: poll again at once. */
  more: boolean;
}

interface SinceResponse {
  traces?: TraceInfo[];
  updated_traces?: TraceInfo[];
  cursor: string;
  has_more?: boolean;
}

/** Most traces one poll brings; a burst larger than this arrives over several polls. */
const TAIL_PAGE = 200;

export async function fetchChangesSince(
  experimentId: string,
  filter: string,
  cursor: string | undefined,
  signal?: AbortSignal,
): Promise<TailChanges> {
  const response = await apiRequest<SinceResponse>(
    'POST',
    api(`${EXTENSION_PREFIX.slice(1)}/traces/since`),
    { experiment_ids: [experimentId], filter: filter || undefined, cursor, max_results: TAIL_PAGE },
    signal,
  );
  return {
    created: response.traces ?? [],
    updated: response.updated_traces ?? [],
    cursor: response.cursor,
    more: response.has_more === true,
  };
}

/**
 * Plain MLflow: the traces at or after `sinceMs` (newest first, one page). The cursor is a
 * timestamp, so the caller keeps the ids already seen at the boundary to drop repeats.
 */
export async function fetchNewerThan(
  experimentId: string,
  filter: string,
  sinceMs: number,
  signal?: AbortSignal,
): Promise<TraceInfo[]> {
  const page = await searchTraces(
    {
      experimentId,
      filter: andFilters(filter, `timestamp_ms >= ${Math.floor(sinceMs)}`),
      orderBy: ['timestamp_ms DESC'],
    },
    undefined,
    signal,
  );
  return page.traces;
}
