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
  const perVersion = useQuery(
    metricsQueries.batch([countsRequest(scope), latencyRequest(scope, PERCENTILES), feedbackRequest(scope)]),
  );

  const { fromMs, toMs } = rangeWindow(shared.range, nowMs);
  // "All time" has no window to bucket: ask the server where the matching traces are first.
  const probe = useQuery({
    ...metricsQueries.query(extentProbeRequest(experimentId, filter, nowMs)),
    enabled: fromMs === undefined,
  });
  const extent =
    fromMs !== undefined
      ? { startMs: fromMs, endMs: toMs ?? nowMs }
      : probe.data
        ? extentFromProbe(probe.data, nowMs)
        : undefined;
  const startMs = extent?.startMs;
  const endMs = extent?.endMs;
  // Memoised on its numbers so the memoised trend charts see the same window object across renders.
  const window = useMemo<TimeWindow | undefined>(
    () =>
      startMs === undefined || endMs === undefined
        ? undefined
        : { startMs, endMs, bucketSeconds: chooseBucketSeconds(endMs - startMs) },
    [startMs, endMs],
  );

  const seriesWindow = window ?? NO_WINDOW;
  const series = useQuery({
    ...metricsQueries.batch([countsRequest(scope, seriesWindow), latencyRequest(scope, [95], seriesWindow)]),
    enabled: window !== undefined,
  });

  const rows = useMemo(() => {
    const [counts, latency, feedback] = perVersion.data ?? [];
    return toVersionRows({ dimension, counts, latency, feedback, feedbackName });
  }, [dimension, perVersion.data, feedbackName]);
  const errorSeries = useMemo(() => toErrorRateSeries(series.data?.[0], dimension), [series.data, dimension]);
  const latencySeries = useMemo(() => toLatencySeries(series.data?.[1], dimension, 95), [series.data, dimension]);

  const queries = [perVersion, probe, series];
  return {
    rows,
    errorSeries,
    latencySeries,
    window,
    /** True until the per-version numbers have a first answer. */
    loading: perVersion.isPending,
    /** True while a newer answer replaces what is on screen (placeholder data showing). */
    updating: queries.some((q) => q.isPlaceholderData || (q.isFetching && !q.isPending)),
    error: queries.find((q) => q.error)?.error ?? undefined,
  };
}
