// The live tail of the traces table (issue 18). It polls, it does not hold a stream: one cheap request
// a second per visible tab works through any proxy, across stateless replicas (the cursor carries the
// position) and against a plain MLflow server, and a background tab sends nothing (polling stops while
// `document.hidden`; on return one poll catches up from the cursor). Measured in bench/live-tail.ts.
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useQueryClient, type QueryKey } from '@tanstack/react-query';
import type { CountResponse, TraceInfo } from '../../core/model.ts';
import { checkFilter } from '../../core/filter/index.ts';
import { groupQueries } from '../api/group-queries.ts';
import { metricsQueries } from '../api/metrics-queries.ts';
import { fetchChangesSince, fetchNewerThan } from '../api/tail-queries.ts';
import { traceQueries } from '../api/trace-queries.ts';
import { useServerFeatures } from '../api/useServerFeatures.ts';
import { addPending, loadedIds, prependNew, replaceLoaded, type SearchData } from './live-tail-merge.ts';
import { ROW_HEIGHT } from './TracesGrid.tsx';

/** A new trace is on screen at most this long (plus one request) after it is stored. */
const POLL_MS = 1000;
/** After a failed poll, wait longer: a server in trouble is not polled every second by every tab. */
const RETRY_MS = 10_000;
/** Counts, group rows and Compare's numbers are refetched at most this often while traces arrive. */
const AGGREGATE_REFRESH_MS = 10_000;
/** Traces kept waiting behind the "N new traces" control. */
const PENDING_CAP = 1000;
/** A list fetched this recently when the tail starts counts as fetched with it. */
const FRESH_LIST_MS = 5000;
/** Plain MLflow, nothing loaded yet: the first poll looks this far back (client clocks differ). */
const MLFLOW_LOOKBACK_MS = 60_000;
/** Plain MLflow: ids remembered to drop repeats of the timestamp cursor's overlap. */
const SEEN_CAP = 5000;

/** `since`: the server's change order; `timestamp`: a plain MLflow server, polled by request time. */
export type TailSource = 'since' | 'timestamp';

export interface LiveTailOptions {
  experimentId: string;
  /** The filter the table shows (the person's filter AND the time window): the server applies it. */
  filter: string;
  /** null: no tail (filter invalid, server features unknown yet). */
  source: TailSource | null;
  /** The flat search whose pages the table shows; new rows are put into its cached pages. */
  searchKey: QueryKey;
  /** False while grouped: then only the numbers (groups, counts, group lists) are refreshed. */
  flat: boolean;
  /** The table's scroll container. */
  scroller: () => HTMLElement | null;
  /** Rows in the table now: an insertion takes effect in the render where this changes. */
  rowCount: number;
  /** Between polls (default POLL_MS). */
  pollMs?: number;
  /** Rows were put above the others (the keyboard cursor moves with its row). */
  onInserted?: (count: number) => void;
}

export interface LiveTail {
  paused: boolean;
  setPaused: (paused: boolean) => void;
  /** Traces waiting behind the "N new traces" control. */
  pending: number;
  /** Brings the waiting traces in above the rows on screen, keeping those rows where they are. */
  showPending: () => void;
  /** The polite announcement of what arrived (an aria-live region reads it). */
  announcement: string;
}

const plural = (n: number) => `${n} new trace${n === 1 ? '' : 's'}`;

function newestTimestamp(traces: readonly TraceInfo[], floor: number): number {
  let max = floor;
  for (const t of traces) max = Math.max(max, Date.parse(t.request_time) || 0);
  return max;
}

export function useLiveTail(options: LiveTailOptions): LiveTail {
  const { experimentId, filter, source } = options;
  const pollMs = options.pollMs ?? POLL_MS;
  const queryClient = useQueryClient();
  const [paused, setPaused] = useState(false);
  const view = `${source}|${experimentId}|${filter}`;
  // What the controls show belongs to one view (filter, experiment, server): another starts at nothing.
  const [shown, setShown] = useState({ view, pending: 0, announcement: '' });
  const pending = shown.view === view ? shown.pending : 0;
  const announcement = shown.view === view ? shown.announcement : '';
  const pendingRef = useRef(new Map<string, TraceInfo>());
  // Where polling resumes after a pause: kept per watched view, dropped when the view changes.
  const position = useRef<{ view: string; cursor?: string; sinceMs?: number; seen: Set<string> } | null>(null);
  // An insertion waiting for the render that shows it: then the scroll and the cursor follow.
  const inserted = useRef<{ before: number; added: number; keepPlace: boolean } | null>(null);
  const lastAggregateRefresh = useRef(0);
  const aggregateTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  // Callbacks read the latest options without restarting the poll loop.
  const latest = useRef(options);
  useLayoutEffect(() => {
    latest.current = options;
  });

  const latestView = useRef(view);
  useLayoutEffect(() => {
    latestView.current = view;
  });
  const show = useCallback(
    (waiting: number, said: string) => setShown({ view: latestView.current, pending: waiting, announcement: said }),
    [],
  );
  // Counts, group rows and Compare's metrics follow new traces, at most every AGGREGATE_REFRESH_MS.
  const refreshAggregates = useCallback(() => {
    const run = () => {
      lastAggregateRefresh.current = Date.now();
      aggregateTimer.current = undefined;
      const { flat: isFlat, searchKey: key } = latest.current;
      void queryClient.invalidateQueries({ queryKey: groupQueries.all() });
      void queryClient.invalidateQueries({ queryKey: metricsQueries.all() });
      void queryClient.invalidateQueries({
        queryKey: traceQueries.all(),
        // The flat list is patched in place; the other lists (expanded groups) and counts refetch.
        predicate: (query) =>
          query.queryKey[1] === 'count' ||
          (query.queryKey[1] === 'search' && !(isFlat && JSON.stringify(query.queryKey) === JSON.stringify(key))),
      });
    };
    if (aggregateTimer.current !== undefined) return;
    const wait = lastAggregateRefresh.current + AGGREGATE_REFRESH_MS - Date.now();
    if (wait <= 0) run();
    else aggregateTimer.current = setTimeout(run, wait);
  }, [queryClient]);
  useEffect(() => () => clearTimeout(aggregateTimer.current), []);

  const atTop = useCallback(() => (latest.current.scroller()?.scrollTop ?? 0) < ROW_HEIGHT / 2, []);

  /** Puts traces (newest first) at the top of the table; `keepPlace` keeps the rows on screen still. */
  const insert = useCallback(
    (newestFirst: TraceInfo[], keepPlace: boolean) => {
      const key = latest.current.searchKey;
      const data = queryClient.getQueryData<SearchData>(key);
      if (!data) return 0;
      const next = prependNew(data, newestFirst);
      const added = loadedIds(next).size - loadedIds(data).size;
      if (added === 0) return 0;
      const waiting = inserted.current;
      inserted.current = {
        before: waiting?.before ?? latest.current.rowCount,
        added: (waiting?.added ?? 0) + added,
        keepPlace: (waiting?.keepPlace ?? false) || keepPlace,
      };
      queryClient.setQueryData<SearchData>(key, next);
      return added;
    },
    [queryClient],
  );

  /** One poll's answer: update rows shown, show or hold new ones, refresh the numbers. */
  const apply = useCallback(
    (arrived: TraceInfo[], updated: TraceInfo[]) => {
      if (arrived.length === 0 && updated.length === 0) return;
      refreshAggregates();
      if (!latest.current.flat) return;
      const key = latest.current.searchKey;
      const data = queryClient.getQueryData<SearchData>(key);
      if (!data) return;
      const loaded = loadedIds(data);
      const newer = new Map<string, TraceInfo>();
      for (const t of [...updated, ...arrived]) if (loaded.has(t.trace_id)) newer.set(t.trace_id, t);
      queryClient.setQueryData<SearchData>(key, replaceLoaded(data, newer));
      const fresh = arrived.filter((t) => !loaded.has(t.trace_id));
      // A later version of a waiting trace (it finished) replaces it where it waits.
      for (const t of updated) if (pendingRef.current.has(t.trace_id)) pendingRef.current.set(t.trace_id, t);
      if (fresh.length === 0) return;
      // The match count moves with the list at once; the throttled refetch corrects any drift.
      const { experimentId: id, filter: shownFilter } = latest.current;
      queryClient.setQueryData<CountResponse>(traceQueries.count(id, shownFilter).queryKey, (count) =>
        count?.exact ? { ...count, count: count.count + fresh.length } : count,
      );
      addPending(pendingRef.current, fresh, PENDING_CAP);
      if (atTop()) {
        const all = [...pendingRef.current.values()].reverse();
        pendingRef.current.clear();
        const added = insert(all, false);
        show(0, added > 0 ? `${plural(added)} added at the top` : '');
      } else {
        const waiting = pendingRef.current.size;
        show(waiting, `${plural(waiting)} above; use the “new traces” button to show them`);
      }
    },
    [queryClient, refreshAggregates, atTop, insert, show],
  );

  const showPending = useCallback(() => {
    const all = [...pendingRef.current.values()].reverse();
    pendingRef.current.clear();
    const added = insert(all, !atTop());
    show(0, added > 0 ? `${plural(added)} added above` : '');
  }, [insert, atTop, show]);

  // After rows were put above (the render that shows them), scroll down by as many rows: the rows on
  // screen stay where they were.
  useLayoutEffect(() => {
    const done = inserted.current;
    if (!done || options.rowCount === done.before) return;
    inserted.current = null;
    const element = options.scroller();
    if (done.keepPlace && element) element.scrollTop += done.added * ROW_HEIGHT;
    options.onInserted?.(done.added);
  });

  useEffect(() => {
    if (source === null || paused) return;
    // A different view starts over: no position, nothing waiting.
    if (position.current?.view !== view) {
      position.current = { view, seen: new Set() };
      pendingRef.current.clear();
    }
    const here = position.current;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let controller: AbortController | undefined;
    let stopped = false;

    const schedule = (ms: number) => {
      clearTimeout(timer);
      timer = setTimeout(() => void poll(), ms);
    };
    const poll = async () => {
      timer = undefined;
      // A background tab costs the server nothing; visibilitychange resumes with a catch-up poll.
      if (stopped || document.hidden || controller) return;
      controller = new AbortController();
      try {
        let again = false;
        if (source === 'since') {
          const startedAt = Date.now();
          const answer = await fetchChangesSince(experimentId, filter, here.cursor, controller.signal);
          if (typeof answer.cursor !== 'string' || answer.cursor === '') throw new Error('no cursor');
          const first = here.cursor === undefined;
          here.cursor = answer.cursor;
          again = answer.more;
          if (first) {
            // Rows cached from an earlier visit could miss a trace written before the tail's first
            // position: fetch them again. Rows fetched as the page opened are as new as the cursor,
            // give or take the moment between the two requests.
            const state = queryClient.getQueryState(latest.current.searchKey);
            if (state?.data !== undefined && state.dataUpdatedAt < startedAt - FRESH_LIST_MS)
              void queryClient.invalidateQueries({ queryKey: latest.current.searchKey, exact: true });
          } else apply(answer.created, answer.updated);
        } else {
          // Plain MLflow: by request time from the newest row loaded (or now), repeats dropped by id.
          if (here.sinceMs === undefined) {
            const data = queryClient.getQueryData<SearchData>(latest.current.searchKey);
            for (const id of loadedIds(data)) here.seen.add(id);
            here.sinceMs = newestTimestamp(data?.pages[0]?.traces ?? [], Date.now() - MLFLOW_LOOKBACK_MS);
          }
          const traces = await fetchNewerThan(experimentId, filter, here.sinceMs, controller.signal);
          const arrived = traces.filter((t) => !here.seen.has(t.trace_id)).reverse();
          const repeated = traces.filter((t) => here.seen.has(t.trace_id));
          for (const t of traces) here.seen.add(t.trace_id);
          while (here.seen.size > SEEN_CAP) here.seen.delete(here.seen.values().next().value as string);
          here.sinceMs = newestTimestamp(traces, here.sinceMs);
          apply(arrived, repeated);
        }
        controller = undefined;
        if (!stopped) schedule(again ? 0 : pollMs);
      } catch {
        controller = undefined;
        if (!stopped) schedule(RETRY_MS);
      }
    };
    const onVisible = () => {
      if (!document.hidden && timer === undefined && controller === undefined) void poll();
    };
    document.addEventListener('visibilitychange', onVisible);
    // The tail's first position is taken at once (with the list); timestamps start from the list.
    if (source === 'since') void poll();
    else schedule(pollMs);
    return () => {
      stopped = true;
      clearTimeout(timer);
      controller?.abort();
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [view, source, experimentId, filter, paused, pollMs, queryClient, apply]);

  return { paused, setPaused, pending, showPending, announcement };
}

const NO_LIST: QueryKey = ['live-tail', 'no-list'];

/** Compare's numbers are refetched at most every AGGREGATE_REFRESH_MS anyway: a slower poll suffices. */
const REFRESH_POLL_MS = 5000;

/**
 * The tail without a list (the Compare tab): while matching traces arrive, the numbers on the page
 * (metrics, counts, groups) are refetched, at most every AGGREGATE_REFRESH_MS.
 */
export function useLiveRefresh(experimentId: string, filter: string): void {
  const features = useServerFeatures();
  const valid = checkFilter(filter, features.dialect).ok;
  const source: TailSource | null = !features.known || !valid ? null : features.has('tail') ? 'since' : 'timestamp';
  useLiveTail({
    experimentId,
    filter,
    source,
    searchKey: NO_LIST,
    flat: false,
    scroller: () => null,
    rowCount: 0,
    pollMs: REFRESH_POLL_MS,
  });
}
