// The open trace's own view state in the URL, on the Traces page's panel and on the trace page
// alike: the selected span (`span=<span id>`) and the session view (`view=session`). A link then
// opens the same span or the same session list someone was looking at.
export interface TraceDetailView {
  /** The selected span's id; null → the root. */
  span: string | null;
  session: boolean;
}

export const DEFAULT_TRACE_DETAIL_VIEW: TraceDetailView = { span: null, session: false };

export function parseTraceDetailView(search: URLSearchParams): TraceDetailView {
  return { span: search.get('span') || null, session: search.get('view') === 'session' };
}

/** Writes the view into `search` (mutating it), dropping defaults, and returns it. */
export function writeTraceDetailView(search: URLSearchParams, view: TraceDetailView): URLSearchParams {
  if (view.span) search.set('span', view.span);
  else search.delete('span');
  if (view.session) search.set('view', 'session');
  else search.delete('view');
  return search;
}
