import { lazy, Suspense, useCallback, useMemo, useRef, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { checkFilter } from '../../core/filter/index.ts';
import { ApiError } from '../api/http-client.ts';
import { catalogQueries } from '../api/catalog-queries.ts';
import { traceQueries } from '../api/trace-queries.ts';
import { navigate, useLocationHref } from '../navigation.ts';
import { effectiveFilter } from '../shared-view-url.ts';
import { SearchBar } from '../search-bar/SearchBar.tsx';
import { ColumnChooser } from './ColumnChooser.tsx';
import { DetailSplitter } from './DetailSplitter.tsx';
import { addClause, setClause, type ClauseField } from './filter-clause.ts';
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
import { useTracesKeyboard } from './useTracesKeyboard.ts';
import { SearchStatus } from './SearchStatus.tsx';
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
const actions = {
  addClause: (field: ClauseField, value: string | null) =>
    update({ filter: addClause(currentView().filter, field, value) }),
};

// The detail panel (span tree, timeline, payloads) is a large chunk: load it when first opened.
const TraceDetailPanel = lazy(() =>
  import('../trace-detail/TraceDetailPanel.tsx').then((m) => ({ default: m.TraceDetailPanel })),
);

export function TracesPage({ experimentId }: { experimentId: string }) {
  const href = useLocationHref();
  const view = useMemo(() => parseTracesView(href), [href]);

  const { data: capabilities } = useQuery(catalogQueries.capabilities());
  // Until the server says otherwise, assume it runs the extended dialect: a plain MLflow server
  // still answers an OR with its own 400, which the page shows.
  const dialect = capabilities && !capabilities.filter_dialects.includes('extended') ? 'mlflow' : 'extended';
  const check = useMemo(() => checkFilter(view.filter, dialect), [view.filter, dialect]);
  // "Last hour" is anchored when the filter or range is applied, so scrolling pages stays one
  // consistent result set instead of shifting under the person.
  const nowMs = anchoredNow(`${experimentId}|${view.filter}|${JSON.stringify(view.range)}`);
  const serverFilter = effectiveFilter(view, nowMs);
  const orderBy = useMemo(() => orderByFor(view.sort), [view.sort]);
  const grouped = view.group.kind !== 'none';
  const searchParams = useMemo(
    () => ({ experimentId, filter: serverFilter, orderBy }),
    [experimentId, serverFilter, orderBy],
  );
  // Grouped, the flat list is only needed for stepping through the filtered set from the panel.
  const { query, rows } = useTraceRows(searchParams, check.ok && (!grouped || view.trace !== null));
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
  });

  const detailWidth = useDetailWidth((s) => s.width);
  // The server answers one query at a time per connection pool; the key catalog and the count
  // wait for the first page of rows so that nothing competes with first rows on screen.
  const firstPageSettled = grouped || query.isFetched || !check.ok;
  // The same query MatchCount shows (deduplicated by key): gives the grid its true row count.
  const { data: count } = useQuery({
    ...traceQueries.count(experimentId, serverFilter),
    enabled: check.ok && firstPageSettled,
  });
  const searchError = query.error instanceof ApiError ? query.error : null;

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
            <QuickFilters
              experimentId={experimentId}
              filter={view.filter}
              countFilter={(field) =>
                check.ok ? effectiveFilter({ ...view, filter: setClause(view.filter, field, undefined) }, nowMs) : null
              }
              onCommit={commitFilter}
              enabled={firstPageSettled}
            />
            <TimeRangePicker value={view.range} onChange={(range) => update({ range })} />
            <GroupPicker
              experimentId={experimentId}
              catalogEnabled={firstPageSettled}
              group={view.group}
              order={view.groupOrder}
              onChange={(group, groupOrder) => update({ group, groupOrder })}
            />
            <ColumnChooser />
            <MatchCount experimentId={experimentId} filter={serverFilter} enabled={check.ok && firstPageSettled} />
          </div>
        </div>
        <div className="traces-body">
          <div className="traces-table-area">
            {grouped ? (
              <GroupedTraces
                experimentId={experimentId}
                view={view}
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
                sort={view.sort}
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
      </section>
    </TraceTableActionsContext.Provider>
  );
}
