// The traces table's columns as view state: which are shown (the built-in ones plus any tag or
// metadata key the person added as a column) and the widths they were given. It lives in the URL
// (`cols`, `widths`) so a link reproduces the table; the last state used is also remembered as a
// preference for links that carry none (useColumnPrefs.ts).

/** A column showing one tag or metadata key: `tag:<key>` / `metadata:<key>`. */
export type KeyColumnId = `tag:${string}` | `metadata:${string}`;

export interface ColumnState {
  /** Ids of the shown columns: built-in ids in table order, then key columns in the order added. */
  visible: readonly string[];
  /** Widths (px) the person set; columns not listed take their default width. */
  widths: Readonly<Record<string, number>>;
}

/** The built-in columns in table order (trace-columns.tsx defines them; `id` cannot be hidden). */
export const BUILTIN_COLUMN_IDS = [
  'id',
  'name',
  'request',
  'response',
  'status',
  'latency',
  'start',
  'user',
  'session',
  'version',
  'environment',
  'tokens',
  'cost',
  'tags',
  'feedback',
] as const;

/**
 * Hidden until asked for (the column chooser, or a link's `cols`): useful but wide or rarely read. Tokens and
 * cost too, so that the default columns fit 1280 px; Compare and the group rows show cost without them.
 */
const HIDDEN_BY_DEFAULT = new Set(['response', 'session', 'tokens', 'cost']);

export const DEFAULT_COLUMNS: ColumnState = {
  visible: BUILTIN_COLUMN_IDS.filter((id) => !HIDDEN_BY_DEFAULT.has(id)),
  widths: {},
};

const MIN_WIDTH = 20;
const MAX_WIDTH = 2000;
/** Bounds what a hand-edited link can make the page build. */
const MAX_KEY_COLUMNS = 20;

export function keyColumnOf(id: string): { kind: 'tag' | 'metadata'; key: string } | null {
  const match = /^(tag|metadata):(.+)$/s.exec(id);
  return match ? { kind: match[1] as 'tag' | 'metadata', key: match[2] } : null;
}

export const keyColumnId = (kind: 'tag' | 'metadata', key: string): KeyColumnId => `${kind}:${key}`;

const isBuiltin = (id: string) => (BUILTIN_COLUMN_IDS as readonly string[]).includes(id);

/** Puts built-in ids in table order first (the trace id always), key columns after, without duplicates. */
export function normalizeVisible(ids: readonly string[]): string[] {
  const set = new Set(ids);
  const builtins = BUILTIN_COLUMN_IDS.filter((id) => id === 'id' || set.has(id));
  const keys = [...set].filter((id) => keyColumnOf(id) !== null).slice(0, MAX_KEY_COLUMNS);
  return [...builtins, ...keys];
}

// Items are percent-encoded before joining, so a key holding a comma or colon survives.
const encodeItem = (s: string) => encodeURIComponent(s);
function decodeItem(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

/** `cols` and `widths` → state; null when the URL names no columns. Unknown ids are dropped. */
export function parseColumns(search: URLSearchParams): ColumnState | null {
  const cols = search.get('cols');
  const rawWidths = search.get('widths');
  if (cols === null && rawWidths === null) return null;
  const visible =
    cols === null
      ? DEFAULT_COLUMNS.visible
      : normalizeVisible(
          cols
            .split(',')
            .map(decodeItem)
            .filter((id): id is string => id !== null && (isBuiltin(id) || keyColumnOf(id) !== null)),
        );
  const widths: Record<string, number> = {};
  for (const item of (rawWidths ?? '').split(',')) {
    const colon = item.lastIndexOf(':');
    if (colon <= 0) continue;
    const id = decodeItem(item.slice(0, colon));
    const width = Number(item.slice(colon + 1));
    if (id === null || !(isBuiltin(id) || keyColumnOf(id) !== null)) continue;
    if (Number.isInteger(width) && width >= MIN_WIDTH && width <= MAX_WIDTH) widths[id] = width;
  }
  return { visible, widths };
}

/** Writes `cols` and `widths` (mutating `search`); null removes them. */
export function writeColumns(search: URLSearchParams, columns: ColumnState | null): void {
  search.delete('cols');
  search.delete('widths');
  if (!columns) return;
  search.set('cols', normalizeVisible(columns.visible).map(encodeItem).join(','));
  const widths = Object.entries(columns.widths)
    .filter(([, w]) => Number.isFinite(w))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([id, w]) => `${encodeItem(id)}:${Math.round(Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, w)))}`);
  if (widths.length > 0) search.set('widths', widths.join(','));
}

export function sameColumns(a: ColumnState | null, b: ColumnState | null): boolean {
  if (a === null || b === null) return a === b;
  const search = (c: ColumnState) => {
    const s = new URLSearchParams();
    writeColumns(s, c);
    return s.toString();
  };
  return search(a) === search(b);
}

/** A CSS custom property name for a column id (key columns may hold any character). */
export function columnVar(id: string): string {
  return `--col-${id.replace(/[^A-Za-z0-9_-]/g, (c) => `_${c.codePointAt(0)!.toString(16)}_`)}`;
}
