// The view state that the Traces and Compare pages share, so switching tabs keeps what the
// person is looking at: the committed filter (canonical printed text, `?q=`) and the time
// range (`?range=24h`, or `?from=&to=` in ms for a custom window), and the saved view the person
// opened (`?saved=<view id>`, saved-views/; the link still carries every parameter). Each page's own state
// (grouping, selection, sort, version key…) lives in that page's `*-url.ts` module.
import { andFilters } from '../core/filter-clause.ts';

export type RangePreset = '1h' | '24h' | '7d' | '30d';
export const RANGE_PRESETS: readonly RangePreset[] = ['1h', '24h', '7d', '30d'];
const PRESET_MS: Record<RangePreset, number> = {
  '1h': 3_600_000,
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
};

export type TimeRange =
  { kind: 'all' } | { kind: 'last'; preset: RangePreset } | { kind: 'custom'; fromMs: number; toMs: number };

export interface SharedView {
  filter: string;
  range: TimeRange;
  /** The saved view this one was opened from (it may since differ: "modified"). */
  saved?: string;
}

const SHARED_KEYS = ['q', 'range', 'from', 'to', 'saved'] as const;

export function parseSharedView(search: URLSearchParams): SharedView {
  const filter = search.get('q') ?? '';
  const preset = search.get('range');
  const from = Number(search.get('from'));
  const to = Number(search.get('to'));
  let range: TimeRange = { kind: 'all' };
  if (preset && (RANGE_PRESETS as readonly string[]).includes(preset))
    range = { kind: 'last', preset: preset as RangePreset };
  else if (search.has('from') && search.has('to') && Number.isFinite(from) && Number.isFinite(to) && from < to) {
    range = { kind: 'custom', fromMs: from, toMs: to };
  }
  const saved = search.get('saved');
  return saved ? { filter, range, saved } : { filter, range };
}

/** Writes the shared view into `search` (mutating it) and returns it, dropping defaults. */
export function writeSharedView(search: URLSearchParams, view: SharedView): URLSearchParams {
  for (const key of SHARED_KEYS) search.delete(key);
  if (view.filter) search.set('q', view.filter);
  if (view.range.kind === 'last') search.set('range', view.range.preset);
  if (view.range.kind === 'custom') {
    search.set('from', String(Math.floor(view.range.fromMs)));
    search.set('to', String(Math.ceil(view.range.toMs)));
  }
  if (view.saved) search.set('saved', view.saved);
  return search;
}

/** Keeps only the shared keys of a query string (for links between pages). */
export function sharedParams(search: URLSearchParams): URLSearchParams {
  return writeSharedView(new URLSearchParams(), parseSharedView(search));
}

/** Absolute window in ms for a range at `nowMs`; undefined bounds are open. */
export function rangeWindow(range: TimeRange, nowMs: number): { fromMs?: number; toMs?: number } {
  if (range.kind === 'last') return { fromMs: nowMs - PRESET_MS[range.preset] };
  if (range.kind === 'custom') return { fromMs: range.fromMs, toMs: range.toMs };
  return {};
}

/**
 * The filter the server should run: the person's filter AND the time window. A filter with a
 * top-level OR is parenthesised so the window applies to all of it.
 */
export function effectiveFilter(view: SharedView, nowMs: number): string {
  const { fromMs, toMs } = rangeWindow(view.range, nowMs);
  return andFilters(
    view.filter,
    fromMs === undefined ? '' : `timestamp_ms >= ${Math.floor(fromMs)}`,
    toMs === undefined ? '' : `timestamp_ms <= ${Math.ceil(toMs)}`,
  );
}
