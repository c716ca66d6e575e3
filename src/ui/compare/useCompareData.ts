import { useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import { metricsQueries } from '../api/metrics-queries.ts';
import { effectiveFilter, rangeWindow, type SharedView } from '../shared-view-url.ts';
import { chooseBucketSeconds } from './bucket-size.ts';
import {
  countsRequest,
  extentFromProbe,
  extentProbeRequest,
  feedbackRequest,
  latencyRequest,
  PERCENTILES,
  type TimeWindow,
} from './compare-requests.ts';
import { toVersionRows } from './version-rows.ts';
import { toErrorRateSeries, toLatencySeries } from './version-series.ts';

export interface CompareDataInput {
  experimentId: string;
  shared: SharedView;
  dimension: string;
  feedbackName: string;
  /** "Now" for relative ranges, rounded by the caller so that re-renders reuse cached answers. */
  nowMs: number;
}

const NO_WINDOW: TimeWindow = { startMs: 0, endMs: 0, bucketSeconds: 60 };

/** All server aggregations behind the Compare page, and their mapping into rows and series. */
export function useCompareData({ experimentId, shared, dimension, feedbackName, nowMs }: CompareDataInput) {
  const filter = effectiveFilter(shared, nowMs);
  const scope = { experimentId, dimension, filter };
  const counts = useQuery(metricsQueries.query(countsRequest(scope)));
  const latency = useQuery(metricsQueries.query(latencyRequest(scope, PERCENTILES)));
  const feedback = useQuery(metricsQueries.query(feedbackRequest(scope)));

  const { fromMs, toMs } = rangeWindow(shared.range, nowMs);
  // "All time" has no window to bucket: ask the server where the matching traces are first.
  const probe = useQuery({ ...metricsQueries.query(extentProbeRequest(experimentId, filter, nowMs)), enabled: fromMs === undefined });
  const extent = fromMs !== undefined ? { startMs: fromMs, endMs: toMs ?? nowMs } : probe.data ? extentFromProbe(probe.data, nowMs) : undefined;
  const startMs = extent?.startMs;
  const endMs = extent?.endMs;
  // Memoised on its numbers so the memoised trend charts see the same window object across renders.
  const window = useMemo<TimeWindow | undefined>(
    () => (startMs === undefined || endMs === undefined ? undefined : { startMs, endMs, bucketSeconds: chooseBucketSeconds(endMs - startMs) }),
    [startMs, endMs],
  );

  const errorSeriesQuery = useQuery({ ...metricsQueries.query(countsRequest(scope, window ?? NO_WINDOW)), enabled: window !== undefined });
  const latencySeriesQuery = useQuery({ ...metricsQueries.query(latencyRequest(scope, [95], window ?? NO_WINDOW)), enabled: window !== undefined });

  const rows = useMemo(
    () => toVersionRows({ dimension, counts: counts.data, latency: latency.data, feedback: feedback.data, feedbackName }),
    [dimension, counts.data, latency.data, feedback.data, feedbackName],
  );
  const errorSeries = useMemo(() => toErrorRateSeries(errorSeriesQuery.data, dimension), [errorSeriesQuery.data, dimension]);
  const latencySeries = useMemo(() => toLatencySeries(latencySeriesQuery.data, dimension, 95), [latencySeriesQuery.data, dimension]);

  const queries = [counts, latency, feedback, probe, errorSeriesQuery, latencySeriesQuery];
  return {
    rows,
    errorSeries,
    latencySeries,
    window,
    /** True until the per-version numbers have a first answer. */
    loading: counts.isPending,
    /** True while a newer answer replaces what is on screen (placeholder data showing). */
    updating: queries.some((q) => q.isPlaceholderData || (q.isFetching && !q.isPending)),
    error: queries.find((q) => q.error)?.error ?? undefined,
  };
}
