import { queryOptions } from '@tanstack/react-query';
import type { TraceInfo } from '../../core/model.ts';
import { METADATA } from '../../core/model.ts';
import { spanTreeSteps } from '../../core/span-tree.ts';
import { equalityClause } from '../../core/filter-clause.ts';
import { api, apiRequest, apiResponse } from './http-client.ts';
import { readSpans } from './read-spans.ts';
import { runSliced } from './slice-budget.ts';

/** A session view shows at most this many turns; longer sessions say so. */
export const SESSION_TURN_LIMIT = 500;

export interface SessionTraces {
  traces: TraceInfo[];
  truncated: boolean;
}

export const traceDetailQueries = {
  all: () => ['trace-detail'] as const,
  infoKey: (traceId: string) => [...traceDetailQueries.all(), 'info', traceId] as const,
  /** Trace info with tags, metadata and assessments (tags and feedback change, so it can go stale). */
  info: (traceId: string) =>
    queryOptions({
      queryKey: traceDetailQueries.infoKey(traceId),
      queryFn: async ({ signal }) => {
        const response = await apiRequest<{ trace?: { trace_info?: TraceInfo } }>(
          'GET',
          api(`3.0/mlflow/traces/${encodeURIComponent(traceId)}`),
          undefined,
          signal,
        );
        const info = response.trace?.trace_info;
        if (!info) throw new Error('The server answered without trace info.');
        return {
          ...info,
          tags: info.tags ?? {},
          trace_metadata: info.trace_metadata ?? {},
          assessments: info.assessments ?? [],
        };
      },
      staleTime: 10_000,
    }),
  /**
   * The spans, already built into a tree: a finished trace never changes, so the (possibly
   * 30k-span) tree is built once per trace and kept for the session.
   */
  spans: (traceId: string) =>
    queryOptions({
      queryKey: [...traceDetailQueries.all(), 'spans', traceId] as const,
      queryFn: async ({ signal }) => {
        const response = await apiResponse(
          'GET',
          api(`3.0/mlflow/get-trace-artifact?request_id=${encodeURIComponent(traceId)}`),
          undefined,
          signal,
        );
        // Parsed as it streams in and built in slices (read-spans.ts, slice-budget.ts): a 100,000-span
        // trace must not freeze the tab, which one JSON.parse and one tree build of it did for seconds.
        const spans = await readSpans(response);
        // User Timing marks let the bench say where a slow open spent its time.
        performance.mark('trace-detail:spans-received');
        const tree = await runSliced(spanTreeSteps(spans));
        performance.measure('trace-detail:build-tree', 'trace-detail:spans-received');
        return tree;
      },
      staleTime: Infinity,
    }),
  sessionKey: () => [...traceDetailQueries.all(), 'session'] as const,
  /** All traces of one session, oldest first (the session view reads them as a conversation). */
  session: (experimentId: string, sessionId: string) =>
    queryOptions({
      queryKey: [...traceDetailQueries.sessionKey(), experimentId, sessionId] as const,
      queryFn: async ({ signal }): Promise<SessionTraces> => {
        const filter = equalityClause({ kind: 'metadata', key: METADATA.session }, sessionId);
        if (filter === null) throw new Error('This session id cannot be expressed as a filter.');
        const traces: TraceInfo[] = [];
        let pageToken: string | undefined;
        do {
          const page = await apiRequest<{ traces?: TraceInfo[]; next_page_token?: string }>(
            'POST',
            api('3.0/mlflow/traces/search'),
            {
              locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } }],
              filter,
              max_results: 100,
              order_by: ['timestamp_ms ASC'],
              page_token: pageToken,
            },
            signal,
          );
          traces.push(...(page.traces ?? []));
          pageToken = page.next_page_token || undefined;
        } while (pageToken && traces.length < SESSION_TURN_LIMIT);
        return {
          traces: traces.slice(0, SESSION_TURN_LIMIT),
          truncated: Boolean(pageToken) || traces.length > SESSION_TURN_LIMIT,
        };
      },
      staleTime: 10_000,
    }),
};
