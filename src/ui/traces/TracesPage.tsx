import { lazy, Suspense, useCallback, useMemo, useRef, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { checkFilter, explainFilter } from '../../core/filter/index.ts';
import { ApiError } from '../api/http-client.ts';
import { traceQueries } from '../api/trace-queries.ts';
import { useServerFeatures } from '../api/useServerFeatures.ts';
import { useDraftFilter } from '../search-bar/draft-filter-store.ts';
import { interpretInput } from '../search-bar/interpret-input.ts';
import { useFilterFacts } from '../search-bar/useFilterFacts.ts';
import { navigate, useLocationHref } from '../navigation.ts';
import { effectiveFilter } from '../shared-view-url.ts';
import { SearchBar } from '../search-bar/SearchBar.tsx';
import { ColumnChooser } from './ColumnChooser.tsx';
import { ExportButton } from '../export/ExportButton.tsx';
import { DetailSplitter } from './DetailSplitter.tsx';
import { narrowFilter, type ClauseField } from '../../core/filter-clause.ts';
import { GroupedTraces } from './GroupedTraces.tsx';
import { GroupPicker } from './GroupPicker.tsx';
import { MatchCount } from './MatchCount.tsx';
import { QuickFilters } from './QuickFilters.tsx';
import { TimeRangePicker } from '../components/TimeRangePicker.tsx';
import { TraceTableActionsContext } from './trace-table-actions.ts';
import { TracesGrid } from './TracesGrid.tsx';
import { orderByFor, parseTracesView, tracesHref, type TracesView } from './traces-url.ts';
import { DEFAULT_TRACE_DETAIL_VIEW } from '../trace-detail/trace-detail-url.ts';
import { useDetailWidth } from './useDetailWidth.ts';
import { anchoredNow } from './anchored-now.ts';
import { useTraceRows } from './useTraceRows.ts';
import { supportedSort } from './supported-sort.ts';
import { useTracesKeyboard } from './useTracesKeyboard.ts';
import { useLiveTail } from './useLiveTail.ts';
import { LiveTailToggle, NewTracesNotice } from './LiveTailControls.tsx';
import { useColumnsInUrl } from './useColumnsInUrl.ts';
import type { ColumnState } from './column-state.ts';
import { SearchStatus } from './SearchStatus.tsx';
import { StaleNotice } from './StaleNotice.tsx';
import { BulkActionBar } from '../bulk/BulkActionBar.tsx';
import { useTraceSelection } from '../bulk/selection-store.ts';
import { useSelectionSync } from '../bulk/useSelectionSync.ts';
import { ShortcutsDialog } from '../shortcuts/ShortcutsDialog.tsx';
import { addToQueueAction } from '../queues/AddToQueue.tsx';
import { useFeedbackPreferences } from '../trace-detail/feedback-preferences-store.ts';
import './traces-page.css';

// Callbacks read the view from the URL at call time, so they stay stable across navigations
// (memoised rows keep them) and never act on a stale view.
const currentView = () => parseTracesView(window.location.pathname + window.location.search);
const update = (patch: Partial<TracesView>, options: { replace?: boolean } = {}) =>
  navigate(tracesHref({ ...currentView(), ...patch }), options);
// Another trace starts on its root span, with its spans showing.
const open = (traceId: string) => update({ trace: traceId, detail: DEFAULT_TRACE_DETAIL_VIEW });
const close = () => update({ trace: null, detail: DEFAULT_TRACE_DETAIL_VIEW });
const commitFilter = (filter: string) => update({ filter });
const readUrlColumns = () => currentView().columns;
const writeUrlColumns = (columns: ColumnState) => update({ columns }, { replace: true });
const actions = {
  addClause: (field: ClauseField, value: string | null) =>
    update({ filter: narrowFilter(currentView().filter, field, value) ?? currentView().filter }),
};

// The detail panel (span tree, timeline, payloads) is a large chunk: load it when first opened.
const TraceDetailPanel = lazy(() =>
  import('../trace-detail/TraceDetailPanel.tsx').then((m) => ({ default: m.TraceDetailPanel })),
);

export function TracesPage({ experimentId }: { experimentId: string }) {
  const href = useLocationHref();
  const view = useMemo(() => parseTracesView(href), [href]);
  useColumnsInUrl(view.columns, readUrlColumns, writeUrlColumns);

  const features = useServerFeatures();
  const dialect = features.dialect;
  const check = useMemo(() => checkFilter(view.filter, dialect), [view.filter, dialect]);
  // "Last hour" is anchored when the filter or range is applied, so scrolling pages stays one
  // consistent result set instead of shifting under the person.
  const nowMs = anchoredNow(`${experimentId}|${view.filter}|${JSON.stringify(view.range)}`);
  const serverFilter = effectiveFilter(view, nowMs);
  const feedbackName = useFeedbackPreferences((s) => s.feedbackName);
  // A shared link may sort by an extension order (feedback, tokens, cost) this server lacks: then the
  // default order applies and a notice says so, rather than the server's 400.
  const sortChoice = supportedSort(view.sort, features);
  const appliedSort = sortChoice.sort;
  const orderBy = useMemo(() => orderByFor(appliedSort, feedbackName), [appliedSort, feedbackName]);
  const shownView = useMemo(
    () => (appliedSort === view.sort ? view : { ...view, sort: appliedSort }),
    [view, appliedSort],
  );
  // Grouping needs the server's groups extension: against a plain MLflow server a grouped link
  // shows the flat list and says why (the picker is not offered there at all).
  const groupingUnavailable = view.group.kind !== 'none' && features.known && !features.has('groups');
  const grouped = view.group.kind !== 'none' && !groupingUnavailable;
  // A grouped link waits for the probe (one small request) rather than fetch for the wrong view.
  const groupPending = view.group.kind !== 'none' && !features.known;
  const searchParams = useMemo(
    () => ({ experimentId, filter: serverFilter, orderBy }),
    [experimentId, serverFilter, orderBy],
  );
  // Grouped, the flat list is only needed for stepping through the filtered set from the panel.
  const { query, rows } = useTraceRows(
    searchParams,
    check.ok && !groupPending && !sortChoice.pending && (!grouped || view.trace !== null),
  );
  // -1 until the person moves the cursor: then it follows the open trace (e.g. from a link).
  const [cursorIndex, setActiveIndex] = useState(-1);
  const openIndex = view.trace ? rows.findIndex((row) => row.id === view.trace) : -1;
  const activeIndex = Math.min(cursorIndex >= 0 ? cursorIndex : Math.max(0, openIndex), Math.max(0, rows.length - 1));

  const { hasNextPage, isFetchingNextPage, fetchNextPage } = query;
  const step = useCallback(
    async (delta: 1 | -1) => {
      const current = currentView().trace;
      const index = rows.findIndex((row) => row.id === current);
      const next = index + delta;
      if (next >= 0 && next < rows.length) {
        setActiveIndex(next);
        update({ trace: rows[next].id, detail: DEFAULT_TRACE_DETAIL_VIEW }, { replace: true });
      } else if (next >= rows.length && hasNextPage && !isFetchingNextPage) {
        // Past the loaded rows: page in the next server page and step into it.
        const result = await fetchNextPage();
        const nextTrace = result.data?.pages.flatMap((page) => page.traces)[next];
        if (nextTrace) {
          setActiveIndex(next);
          update({ trace: nextTrace.trace_id, detail: DEFAULT_TRACE_DETAIL_VIEW }, { replace: true });
        }
      }
    },
    [rows, hasNextPage, isFetchingNextPage, fetchNextPage],
  );
  const loadMore = useCallback(() => void fetchNextPage(), [fetchNextPage]);

  const pageRef = useRef<HTMLElement>(null);
  // New matching traces without a reload: into the list, or its numbers while grouped.
  const tailSource = !check.ok || !features.known ? null : features.has('tail') ? 'since' : 'timestamp';
  const tableScroller = () => pageRef.current?.querySelector<HTMLElement>('.traces-table-area > .traces-grid') ?? null;
  const tail = useLiveTail({
    experimentId,
    filter: serverFilter,
    source: tailSource,
    searchKey: traceQueries.search(searchParams).queryKey,
    flat: !grouped,
    scroller: tableScroller,
    rowCount: rows.length,
    onInserted: (n) => setActiveIndex((i) => (i >= 0 ? i + n : i)),
  });
  // Bulk selection (src/ui/bulk): cleared when the experiment or filter changes.
  const rowIds = useMemo(() => rows.map((row) => row.id), [rows]);
  const bulk = features.has('traces.batch');
  // Grouped, the rows on screen are the expanded groups' traces: the group list keeps the order then.
  useSelectionSync(`${experimentId}|${serverFilter}`, grouped ? null : rowIds, bulk);
  const [helpOpen, setHelpOpen] = useState(false);
  useTracesKeyboard({
    pageRef,
    // Grouped, j/k walk the whole filtered set once a trace is open (the panel follows).
    rowCount: grouped && !view.trace ? 0 : rows.length,
    activeIndex,
    setActiveIndex: (index) => {
      setActiveIndex(index);
      if (currentView().trace && rows[index])
        update({ trace: rows[index].id, detail: DEFAULT_TRACE_DETAIL_VIEW }, { replace: true });
    },
    openActive: () => rows[activeIndex] && open(rows[activeIndex].id),
    close: () => currentView().trace && close(),
    toggleSelect: (range) =>
      bulk && rows[activeIndex] && useTraceSelection.getState().toggle(rows[activeIndex].id, range),
    clearSelection: () => {
      const selection = useTraceSelection.getState();
      if (selection.ids.size === 0 && selection.all === null) return false;
      selection.clear();
      return true;
    },
    showHelp: () => setHelpOpen(true),
  });

  const detailWidth = useDetailWidth((s) => s.width);
  // The server answers one query at a time per connection pool; the key catalog and the count
  // wait for the first page of rows so that nothing competes with first rows on screen.
  const firstPageSettled = grouped || query.isFetched || !check.ok;
  // The same query MatchCount shows (deduplicated by key): gives the grid its true row count.
  const { data: count } = useQuery({
    ...traceQueries.count(experimentId, serverFilter),
    enabled: check.ok && firstPageSettled && features.has('count'),
  });
  const searchError = query.error instanceof ApiError ? query.error : null;

  // The results belong to the applied filter (the URL). While the bar shows something else, they
  // are marked stale: an edit not applied yet, or a filter whose error keeps it from applying.
  const draft = useDraftFilter((s) => s.text);
  const draftBase = useDraftFilter((s) => s.base);
  const pending = draftBase === view.filter && draft.trim() !== view.filter ? interpretInput(draft, dialect) : null;
  const stale =
    pending !== null && pending.kind !== 'trace' && !(pending.kind === 'filter' && pending.text === view.filter);

  // An empty result says why it might be empty: near misses in the filter, and the time range.
  const empty = check.ok && query.isSuccess && rows.length === 0 && !grouped;
  const facts = useFilterFacts(experimentId, empty && view.filter !== '', view.filter);
  const hints = useMemo(
    () =>
      empty ? explainFilter(view.filter, { dialect, facts }).filter((d) => d.severity === 'warning' && d.fix) : [],
    [empty, view.filter, dialect, facts],
  );

  return (
    <TraceTableActionsContext.Provider value={actions}>
      <section aria-labelledby="traces-heading" className="traces-page" ref={pageRef}>
        <h1 id="traces-heading" className="visually-hidden">
          Traces
        </h1>
        <div className="traces-toolbar">
          <div className="traces-search-row">
            <SearchBar experimentId={experimentId} value={view.filter} onCommit={commitFilter} />
          </div>
          <div className="traces-controls">
            {features.has('values') && (
              <QuickFilters
                experimentId={experimentId}
                filter={view.filter}
                countFilter={(field) =>
                  check.ok
                    ? effectiveFilter(
                        { ...view, filter: narrowFilter(view.filter, field, undefined) ?? view.filter },
                        nowMs,
                      )
                    : null
                }
                onCommit={commitFilter}
                enabled={firstPageSettled}
              />
            )}
            <TimeRangePicker value={view.range} onChange={(range) => update({ range })} />
            {features.has('groups') && (
              <GroupPicker
                experimentId={experimentId}
                catalogEnabled={firstPageSettled}
                group={view.group}
                order={view.groupOrder}
                onChange={(group, groupOrder) => update({ group, groupOrder })}
              />
            )}
            <ColumnChooser experimentId={experimentId} catalogEnabled={firstPageSettled && features.has('keys')} />
            <LiveTailToggle tail={tail} source={tailSource} />
            {features.has('export') && (
              <ExportButton experimentId={experimentId} filter={serverFilter} subject="matching traces" />
            )}
            {features.has('count') && (
              <MatchCount experimentId={experimentId} filter={serverFilter} enabled={check.ok && firstPageSettled} />
            )}
          </div>
        </div>
        <div className="traces-body">
          <div
            className={`traces-table-area${stale ? ' stale' : ''}`}
            aria-describedby={stale ? 'traces-stale-notice' : undefined}
          >
            {bulk && (
              <BulkActionBar
                experimentId={experimentId}
                filter={serverFilter}
                matchCount={count}
                extraActions={features.has('review_queues') ? addToQueueAction(experimentId) : undefined}
              />
            )}
            {stale && (
              <StaleNotice id="traces-stale-notice" applied={view.filter} broken={pending?.kind === 'invalid'} />
            )}
            <NewTracesNotice tail={tail} onShown={() => tableScroller()?.focus({ preventScroll: true })} />
            {groupingUnavailable && (
              <p className="feature-notice" role="status">
                Grouping needs a trace-explorer server (its groups extension); this server is a plain MLflow server, so
                all matching traces are listed.
              </p>
            )}
            {sortChoice.unsupported && (
              <p className="feature-notice" role="status">
                Sorting by {sortChoice.unsupported} is not supported by this server; showing newest first.
              </p>
            )}
            {grouped && features.known ? (
              <GroupedTraces
                experimentId={experimentId}
                view={shownView}
                serverFilter={serverFilter}
                filterOk={check.ok}
                filterMessage={check.ok ? null : check.diagnostic.message}
                onOpen={open}
                onSort={(sort) => update({ sort })}
              />
            ) : (
              <TracesGrid
                label="Traces"
                idPrefix="trace-row"
                rows={rows}
                total={count?.exact ? count.count : undefined}
                sort={appliedSort}
                onSort={(sort) => update({ sort })}
                activeIndex={activeIndex}
                onActiveIndexChange={setActiveIndex}
                openTraceId={view.trace}
                onOpen={open}
                hasNextPage={hasNextPage}
                isFetchingNextPage={isFetchingNextPage}
                fetchNextPage={loadMore}
                nextPageError={query.isFetchNextPageError ? query.error.message : null}
                emptyState={
                  <SearchStatus
                    filterMessage={check.ok ? null : check.diagnostic.message}
                    error={searchError ?? (query.error ? new ApiError(0, 'UNKNOWN', query.error.message) : null)}
                    loading={query.isPending && check.ok}
                    hasFilter={view.filter !== '' || view.range.kind !== 'all'}
                    onRetry={() => void query.refetch()}
                    onClear={() => update({ filter: '', range: { kind: 'all' } })}
                    empty={{
                      hints,
                      filter: view.filter,
                      rangeLabel:
                        view.range.kind === 'all'
                          ? null
                          : view.range.kind === 'last'
                            ? `last ${view.range.preset}`
                            : 'custom window',
                      onApply: commitFilter,
                      onAllTime: () => update({ range: { kind: 'all' } }),
                      experimentId,
                    }}
                  />
                }
              />
            )}
            {isFetchingNextPage && (
              <div className="loading-more" role="status">
                Loading more traces…
              </div>
            )}
          </div>
          {view.trace && (
            <>
              <DetailSplitter />
              <div className="traces-detail" style={{ width: detailWidth }} data-trace-detail="">
                <Suspense fallback={<p className="placeholder">Loading trace…</p>}>
                  <TraceDetailPanel
                    traceId={view.trace}
                    experimentId={experimentId}
                    variant="panel"
                    onClose={close}
                    onStep={step}
                  />
                </Suspense>
              </div>
            </>
          )}
        </div>
        {helpOpen && <ShortcutsDialog onClose={() => setHelpOpen(false)} />}
      </section>
    </TraceTableActionsContext.Provider>
  );
}
