import { Suspense, useCallback, useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import { catalogQueries } from '../api/catalog-queries.ts';
import { pageHref } from '../app-url.ts';
import { navigate, useLocationHref } from '../navigation.ts';
import { clauseValue } from '../../core/filter-clause.ts';
import { SearchBar } from '../search-bar/SearchBar.tsx';
import { useFeedbackPreferences } from '../trace-detail/feedback-preferences-store.ts';
import { effectiveFilter, parseSharedView, writeSharedView, type SharedView } from '../shared-view-url.ts';
import { BaselineComparison } from './BaselineComparison.tsx';
import { formatBucket } from './bucket-size.ts';
import { CONFIDENCE_LABEL } from './compare-requests.ts';
import { parseCompareView, writeCompareView, type CompareView } from './compare-url.ts';
import { formatMs, formatMsTick, formatPercent, formatPercentTick } from './format.ts';
import { LazyErrorRateBarChart, LazyLatencyBarChart, LazyTrendChart } from './lazy-charts.ts';
import { TimeRangePicker } from '../components/TimeRangePicker.tsx';
import { SeriesTable } from './SeriesTable.tsx';
import { useCompareData } from './useCompareData.ts';
import { useNowMinute } from './useNowMinute.ts';
import { onlyVersions, topVersions } from './top-versions.ts';
import { versionColors } from './version-colors.ts';
import { defaultVersionKey, dimensionOf, parseVersionKey } from './version-key.ts';
import { narrowFilter } from '../../core/filter-clause.ts';
import { VersionKeyPicker } from './VersionKeyPicker.tsx';
import { VersionTable } from './VersionTable.tsx';
import { CostTable } from './CostTable.tsx';
import './compare.css';
import { useLiveRefresh } from '../traces/useLiveTail.ts';

/** Writes shared and page view state into the current URL (a new history entry: these are navigations a person may want to go back from). */
function updateUrl(change: { shared?: (current: SharedView) => SharedView; view?: CompareView }) {
  const url = new URL(window.location.href);
  if (change.shared) writeSharedView(url.searchParams, change.shared(parseSharedView(url.searchParams)));
  if (change.view) writeCompareView(url.searchParams, change.view);
  navigate(`${url.pathname}?${url.searchParams.toString()}`);
}

const ChartLoading = () => <div className="chart-loading" aria-hidden="true" />;

export function ComparePage({ experimentId }: { experimentId: string }) {
  const href = useLocationHref();
  const search = new URL(href, 'http://x').searchParams;
  const shared = parseSharedView(search);
  const view = parseCompareView(search);
  const catalog = useQuery(catalogQueries.keys(experimentId));
  const versionKey =
    (view.versionKey ? parseVersionKey(view.versionKey) : undefined) ?? defaultVersionKey(catalog.data);
  const dimension = dimensionOf(versionKey);
  const keyLabel = versionKey.key;
  const nowMs = useNowMinute();
  // The 👍 share is read from the same feedback name the reviewer labels with in the trace detail.
  const feedbackName = useFeedbackPreferences((s) => s.feedbackName);
  const data = useCompareData({ experimentId, shared, dimension, feedbackName, nowMs });
  // New matching traces refresh the numbers without a reload (the live tail, without a list).
  useLiveRefresh(experimentId, shared.filter);
  const { rows } = data;
  const catalogValues = useQuery(catalogQueries.values(experimentId, versionKey.kind, versionKey.key));
  const versions = useMemo(() => rows.map((r) => r.version), [rows]);
  // Stable callbacks and memoised chart inputs: each of the page's queries answers separately,
  // and without these every answer would redraw all four charts (Recharts renders are not cheap).
  const colorOf = useMemo(
    () => versionColors(catalogValues.data?.map((v) => v.value) ?? [], versions),
    [catalogValues.data, versions],
  );
  // Defaults in natural order: the newest value is the candidate, the one before it the baseline.
  const candidate =
    view.candidate && versions.includes(view.candidate) ? view.candidate : versions[versions.length - 1];
  const baseline =
    view.baseline && versions.includes(view.baseline) ? view.baseline : versions[Math.max(0, versions.length - 2)];

  const { kind, key } = versionKey;
  // Clicking a version marks it (again: unmarks); the comparison itself stays whole.
  const highlightVersion = useCallback((version: string) => {
    const current = parseCompareView(new URL(window.location.href).searchParams);
    updateUrl({ view: { ...current, highlight: current.highlight === version ? undefined : version } });
  }, []);
  const highlight = view.highlight && versions.includes(view.highlight) ? view.highlight : undefined;
  /** The Traces tab showing one version's traces under this filter and time range. */
  const tracesHrefFor = (version: string) =>
    pageHref(
      'traces',
      experimentId,
      writeSharedView(new URLSearchParams(), {
        ...shared,
        filter: narrowFilter(shared.filter, { kind, key }, version) ?? shared.filter,
      }),
    );
  // A filter that pins the version key to one value leaves nothing to compare: offer to drop it.
  const pinned = clauseValue(shared.filter, { kind, key });
  const selectRange = useCallback(
    (fromMs: number, toMs: number) =>
      updateUrl({ shared: (current) => ({ ...current, range: { kind: 'custom', fromMs, toMs } }) }),
    [],
  );
  const chartRows = useMemo(() => topVersions(rows), [rows]);
  const charted = useMemo(() => chartRows.map((r) => r.version), [chartRows]);
  const errorSeries = useMemo(() => onlyVersions(data.errorSeries, charted), [data.errorSeries, charted]);
  const latencySeries = useMemo(() => onlyVersions(data.latencySeries, charted), [data.latencySeries, charted]);
  const chartProps = { rows: chartRows, keyLabel, colorOf, highlight, onVersionClick: highlightVersion };

  return (
    <section aria-labelledby="compare-heading" className="compare-page" aria-busy={data.loading || data.updating}>
      <h1 id="compare-heading" className="visually-hidden">
        Compare versions
      </h1>
      <div className="compare-toolbar">
        <SearchBar
          experimentId={experimentId}
          value={shared.filter}
          onCommit={(filter) => updateUrl({ shared: (current) => ({ ...current, filter }) })}
        />
      </div>
      <div className="compare-controls">
        <VersionKeyPicker
          catalog={catalog.data}
          value={dimension}
          // A new key has new values: the old baseline and candidate mean nothing under it.
          onChange={(next) => updateUrl({ view: { versionKey: next } })}
        />
        <TimeRangePicker
          value={shared.range}
          onChange={(range) => updateUrl({ shared: (current) => ({ ...current, range }) })}
        />
        <span className="compare-status" role="status">
          {data.loading
            ? 'Loading…'
            : data.updating
              ? 'Updating…'
              : `${rows.length} ${rows.length === 1 ? 'value' : 'values'} of ${keyLabel}`}
        </span>
      </div>

      {data.error && (
        <p className="compare-error" role="alert">
          Could not load the comparison: {data.error.message}
        </p>
      )}

      {!data.loading && !data.error && rows.length === 0 && (
        <div className="compare-empty">
          <h2>Nothing to compare</h2>
          <p>
            No traces with <code>{dimension}</code> match this filter and time range. Widen the filter or time range, or
            compare by another key.
          </p>
        </div>
      )}

      {rows.length > 0 && (
        <>
          {highlight && (
            <p className="compare-highlight" role="status">
              <span className="swatch" style={{ background: colorOf(highlight) }} aria-hidden="true" />
              Highlighted: <strong>{highlight}</strong>
              <a
                href={tracesHrefFor(highlight)}
                onClick={(event) => {
                  event.preventDefault();
                  navigate(tracesHrefFor(highlight));
                }}
              >
                Show these traces
              </a>
              <button
                type="button"
                className="link-button"
                onClick={() => updateUrl({ view: { ...view, highlight: undefined } })}
              >
                Clear highlight
              </button>
            </p>
          )}
          {rows.length === 1 ? (
            <p className="compare-note">
              Only one value of <code>{keyLabel}</code> (<strong>{rows[0].version}</strong>) matches.{' '}
              {pinned !== null ? (
                <button
                  type="button"
                  className="link-button"
                  onClick={() =>
                    updateUrl({
                      shared: (current) => ({
                        ...current,
                        filter: narrowFilter(current.filter, { kind, key }, undefined) ?? current.filter,
                      }),
                      view: { ...view, highlight: pinned },
                    })
                  }
                >
                  Compare all values of {keyLabel}, highlighting {pinned}
                </button>
              ) : (
                'Widen the filter or compare by another key to see differences.'
              )}
            </p>
          ) : (
            <BaselineComparison
              rows={rows}
              keyLabel={keyLabel}
              baseline={baseline}
              candidate={candidate}
              onChange={(change) => updateUrl({ view: { ...view, baseline, candidate, ...change } })}
            />
          )}

          {chartRows.length < rows.length && (
            <p className="compare-note">
              Charts show the {chartRows.length} values of <code>{keyLabel}</code> with the most traces; the table lists
              all {rows.length}.
            </p>
          )}
          <div className="chart-grid">
            <figure className="chart-card">
              <figcaption>
                <strong>Error rate by {keyLabel}</strong>{' '}
                <span className="muted">whiskers: 95% Wilson interval · click a bar to highlight</span>
              </figcaption>
              <Suspense fallback={<ChartLoading />}>
                <LazyErrorRateBarChart {...chartProps} />
              </Suspense>
            </figure>
            <figure className="chart-card">
              <figcaption>
                <strong>Latency by {keyLabel}</strong>{' '}
                <span className="muted">
                  p50 / p95 / p99, lighter = lower percentile · whiskers: {CONFIDENCE_LABEL} bounds
                </span>
              </figcaption>
              <Suspense fallback={<ChartLoading />}>
                <LazyLatencyBarChart {...chartProps} />
              </Suspense>
            </figure>
          </div>

          <VersionTable
            rows={rows}
            keyLabel={keyLabel}
            colorOf={colorOf}
            baseline={rows.length > 1 ? baseline : undefined}
            candidate={rows.length > 1 ? candidate : undefined}
            highlight={highlight}
            onVersionClick={highlightVersion}
            tracesHrefFor={tracesHrefFor}
          />
          <CostTable
            scope={{ experimentId, dimension, filter: effectiveFilter(shared, nowMs) }}
            keyLabel={keyLabel}
            colorOf={colorOf}
          />

          {data.window && (
            <>
              <h2 className="section-title">
                Over time{' '}
                <span className="muted">
                  ({formatBucket(data.window.bucketSeconds)} buckets · drag across a chart to zoom in)
                </span>
              </h2>
              <div className="chart-grid">
                <figure className="chart-card">
                  <figcaption>
                    <strong>Error rate over time</strong>
                  </figcaption>
                  <Suspense fallback={<ChartLoading />}>
                    <LazyTrendChart
                      series={errorSeries}
                      window={data.window}
                      yLabel="Error rate"
                      formatValue={formatPercent}
                      formatTick={formatPercentTick}
                      colorOf={colorOf}
                      highlight={highlight}
                      onVersionClick={highlightVersion}
                      onRangeSelect={selectRange}
                    />
                  </Suspense>
                  <SeriesTable
                    series={data.errorSeries}
                    label="Error rate over time"
                    bucketSeconds={data.window.bucketSeconds}
                    formatValue={(v) => formatPercent(v)}
                  />
                </figure>
                <figure className="chart-card">
                  <figcaption>
                    <strong>p95 latency over time</strong>
                  </figcaption>
                  <Suspense fallback={<ChartLoading />}>
                    <LazyTrendChart
                      series={latencySeries}
                      window={data.window}
                      yLabel="p95 latency"
                      formatValue={formatMs}
                      formatTick={formatMsTick}
                      colorOf={colorOf}
                      highlight={highlight}
                      onVersionClick={highlightVersion}
                      onRangeSelect={selectRange}
                    />
                  </Suspense>
                  <SeriesTable
                    series={data.latencySeries}
                    label="p95 latency over time"
                    bucketSeconds={data.window.bucketSeconds}
                    formatValue={formatMs}
                  />
                </figure>
              </div>
            </>
          )}
        </>
      )}
    </section>
  );
}
