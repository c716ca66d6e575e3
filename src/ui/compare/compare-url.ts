import { pageHref } from '../app-url.ts';
import { writeSharedView, type SharedView } from '../shared-view-url.ts';
import { clauseValue, narrowFilter, type ClauseField } from '../../core/filter-clause.ts';

// The Compare page's own view state in the URL (the filter and time range are shared with the
// Traces page, see ../shared-view-url.ts): which key splits traces into versions, and which two
// versions are compared. A link therefore reproduces the exact comparison someone looked at.
export interface CompareView {
  /** A dimension such as `metadata.app_version` or `tag.environment`; undefined → the default key. */
  versionKey?: string;
  baseline?: string;
  candidate?: string;
  /** The version the person clicked: marked in the table and charts, with a link to its traces. */
  highlight?: string;
}

const PARAMS = { versionKey: 'key', baseline: 'baseline', candidate: 'candidate', highlight: 'highlight' } as const;

const isDimension = (text: string) => /^(metadata|tag)\.\S/.test(text);

export function parseCompareView(search: URLSearchParams): CompareView {
  const view: CompareView = {};
  const key = search.get(PARAMS.versionKey);
  if (key && isDimension(key)) view.versionKey = key;
  const baseline = search.get(PARAMS.baseline);
  if (baseline) view.baseline = baseline;
  const candidate = search.get(PARAMS.candidate);
  if (candidate) view.candidate = candidate;
  const highlight = search.get(PARAMS.highlight);
  if (highlight) view.highlight = highlight;
  return view;
}

/** Writes the view into `search` (mutating it), dropping unset fields, and returns it. */
export function writeCompareView(search: URLSearchParams, view: CompareView): URLSearchParams {
  for (const field of Object.keys(PARAMS) as (keyof CompareView)[]) {
    const value = view[field];
    if (value) search.set(PARAMS[field], value);
    else search.delete(PARAMS[field]);
  }
  return search;
}

/**
 * The link from the Traces page to Compare: the same filter and time range. A top-level
 * `<version key> = 'v'` clause (as "show these traces" writes it) would leave one version to
 * compare, so it moves into `highlight` instead: every version is compared and that one is marked.
 */
export function compareHrefFromTraces(experimentId: string, shared: SharedView, versionKey: ClauseField): string {
  const pinned = clauseValue(shared.filter, versionKey);
  const filter =
    pinned === null ? shared.filter : (narrowFilter(shared.filter, versionKey, undefined) ?? shared.filter);
  const search = writeSharedView(new URLSearchParams(), { ...shared, filter });
  if (pinned !== null) search.set(PARAMS.highlight, pinned);
  return pageHref('compare', experimentId, search);
}
