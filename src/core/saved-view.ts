// A saved view: a named set of explorer view parameters stored per experiment (server extension
// `saved-views/*`, src/server/README.md). Its body is versioned JSON holding the tab and the view's
// URL parameters (filter, time range, grouping and group order, sort, columns and widths, Compare's
// version key…), so opening a view is navigating to its link, and a link always carries every
// parameter. This module is the one check of a body, shared by the server (which refuses a bad
// one) and the explorer (which ignores parameters it does not know).

export const SAVED_VIEW_BODY_VERSION = 1;

export type SavedViewTab = 'traces' | 'compare';

/** The URL parameters a view keeps. The experiment, the open trace and span are not part of a view. */
export const SAVED_VIEW_PARAMS = [
  'q',
  'range',
  'from',
  'to',
  'group',
  'gorder',
  'sort',
  'cols',
  'widths',
  'key',
  'baseline',
  'candidate',
  'highlight',
] as const;

export interface SavedViewBody {
  version: typeof SAVED_VIEW_BODY_VERSION;
  tab: SavedViewTab;
  params: Partial<Record<(typeof SAVED_VIEW_PARAMS)[number], string>>;
}

export type SavedViewVisibility = 'shared' | 'private';

/** A saved view on the wire. */
export interface SavedView {
  view_id: string;
  experiment_id: string;
  name: string;
  visibility: SavedViewVisibility;
  /** The user who saved it (null on a server without auth). */
  owner: string | null;
  /** What `/` opens for this experiment. */
  is_default: boolean;
  body: SavedViewBody;
  created_time_ms: number;
  updated_time_ms: number;
}

/** A body's JSON text may hold at most this many characters (a long filter fits; a dump does not). */
export const MAX_SAVED_VIEW_BODY_CHARS = 16_384;
export const MAX_SAVED_VIEW_NAME_CHARS = 120;

export type SavedViewCheck<T> = { ok: true; value: T } | { ok: false; message: string };

const PARAM_SET: ReadonlySet<string> = new Set(SAVED_VIEW_PARAMS);

/** Checks a body from the wire: the version, the tab, known parameters with string values, the size. */
export function checkSavedViewBody(value: unknown): SavedViewCheck<SavedViewBody> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, message: 'A saved view body must be a JSON object.' };
  const record = value as Record<string, unknown>;
  if (record.version !== SAVED_VIEW_BODY_VERSION)
    return {
      ok: false,
      message: `Unsupported saved view body version ${JSON.stringify(record.version) ?? 'undefined'}: expected ${SAVED_VIEW_BODY_VERSION}.`,
    };
  if (record.tab !== 'traces' && record.tab !== 'compare')
    return { ok: false, message: "A saved view's tab must be 'traces' or 'compare'." };
  const params = record.params;
  if (typeof params !== 'object' || params === null || Array.isArray(params))
    return { ok: false, message: "A saved view's params must be an object of strings." };
  const out: SavedViewBody['params'] = {};
  for (const [key, v] of Object.entries(params)) {
    if (!PARAM_SET.has(key))
      return {
        ok: false,
        message: `Unknown saved view parameter '${key.slice(0, 50)}'. Known: ${SAVED_VIEW_PARAMS.join(', ')}.`,
      };
    if (typeof v !== 'string') return { ok: false, message: `Saved view parameter '${key}' must be a string.` };
    out[key as keyof SavedViewBody['params']] = v;
  }
  for (const key of Object.keys(record))
    if (key !== 'version' && key !== 'tab' && key !== 'params')
      return { ok: false, message: `Unknown saved view body field '${key.slice(0, 50)}'.` };
  const body: SavedViewBody = { version: SAVED_VIEW_BODY_VERSION, tab: record.tab, params: out };
  if (JSON.stringify(body).length > MAX_SAVED_VIEW_BODY_CHARS)
    return { ok: false, message: `A saved view body may hold at most ${MAX_SAVED_VIEW_BODY_CHARS} characters.` };
  return { ok: true, value: body };
}

/** Checks a view name: trimmed, not empty, bounded, no control characters. */
export function checkSavedViewName(value: unknown): SavedViewCheck<string> {
  if (typeof value !== 'string') return { ok: false, message: 'A saved view name must be a string.' };
  const name = value.trim();
  if (name === '') return { ok: false, message: 'A saved view name must not be empty.' };
  if (name.length > MAX_SAVED_VIEW_NAME_CHARS)
    return { ok: false, message: `A saved view name may hold at most ${MAX_SAVED_VIEW_NAME_CHARS} characters.` };
  // oxlint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name))
    return { ok: false, message: 'A saved view name must not contain control characters.' };
  return { ok: true, value: name };
}
