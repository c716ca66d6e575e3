// The Compare page's own view state in the URL (the filter and time range are shared with the
// Traces page, see ../shared-view-url.ts): which key splits traces into versions, and which two
// versions are compared. A link therefore reproduces the exact comparison someone looked at.
export interface CompareView {
  /** A dimension such as `metadata.app_version` or `tag.environment`; undefined → the default key. */
  versionKey?: string;
  baseline?: string;
  candidate?: string;
}

const PARAMS = { versionKey: 'key', baseline: 'baseline', candidate: 'candidate' } as const;

const isDimension = (text: string) => /^(metadata|tag)\.\S/.test(text);

export function parseCompareView(search: URLSearchParams): CompareView {
  const view: CompareView = {};
  const key = search.get(PARAMS.versionKey);
  if (key && isDimension(key)) view.versionKey = key;
  const baseline = search.get(PARAMS.baseline);
  if (baseline) view.baseline = baseline;
  const candidate = search.get(PARAMS.candidate);
  if (candidate) view.candidate = candidate;
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
