// A saved view's body is the view's URL parameters (core/saved-view.ts): capturing the current
// view reads them from the address, opening a view navigates to a link that carries them all
// (plus `saved=<id>`, which only names the view), and "modified" compares the two.
import {
  SAVED_VIEW_BODY_VERSION,
  SAVED_VIEW_PARAMS,
  type SavedView,
  type SavedViewBody,
  type SavedViewTab,
} from '../../core/saved-view.ts';
import { pageHref } from '../app-url.ts';
import { writeColumns, type ColumnState } from '../traces/column-state.ts';

/** Parameters that belong to one tab only: a view keeps those of its own tab. */
const TAB_ONLY: Record<SavedViewTab, readonly string[]> = {
  traces: ['group', 'gorder', 'sort', 'cols', 'widths'],
  compare: ['key', 'baseline', 'candidate', 'highlight'],
};

/**
 * The view in `search` as a body. On the Traces tab the columns shown are always written (the
 * table's current columns when the address names none), so the view reproduces the table for
 * someone whose own columns differ.
 */
export function captureViewBody(search: URLSearchParams, tab: SavedViewTab, columns: ColumnState): SavedViewBody {
  const other = TAB_ONLY[tab === 'traces' ? 'compare' : 'traces'];
  const params: SavedViewBody['params'] = {};
  for (const key of SAVED_VIEW_PARAMS) {
    const value = search.get(key);
    if (value !== null && value !== '' && !other.includes(key)) params[key] = value;
  }
  if (tab === 'traces' && params.cols === undefined) {
    const written = new URLSearchParams();
    writeColumns(written, columns);
    for (const key of ['cols', 'widths'] as const) {
      const value = written.get(key);
      if (value) params[key] = value;
    }
  }
  return { version: SAVED_VIEW_BODY_VERSION, tab, params };
}

/** Whether two bodies show the same view (parameter order does not matter). */
export function sameViewBody(a: SavedViewBody, b: SavedViewBody): boolean {
  const keys = new Set([...Object.keys(a.params), ...Object.keys(b.params)]) as Set<keyof SavedViewBody['params']>;
  return a.tab === b.tab && [...keys].every((key) => (a.params[key] ?? '') === (b.params[key] ?? ''));
}

/** The link that opens a view: its tab with every parameter, and `saved` naming it. */
export function savedViewHref(view: Pick<SavedView, 'view_id' | 'experiment_id' | 'body'>): string {
  const search = new URLSearchParams();
  for (const key of SAVED_VIEW_PARAMS) {
    const value = view.body.params[key];
    if (value) search.set(key, value);
  }
  search.set('saved', view.view_id);
  return pageHref(view.body.tab, view.experiment_id, search);
}
