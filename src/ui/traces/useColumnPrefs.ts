import { create } from 'zustand';
import { readPreference, writePreference } from '../local-preferences.ts';
import {
  BUILTIN_COLUMN_IDS,
  DEFAULT_COLUMNS,
  keyColumnOf,
  normalizeVisible,
  type ColumnState,
} from './column-state.ts';

// Which columns the tables show and how wide they are, shared by the main table and the traces
// inside expanded groups so that they line up. The URL is where this state is shared
// (useColumnsInUrl.ts keeps the two in step); the last state used is remembered per browser for
// links that name no columns.
type BooleanRecord = Record<string, boolean>;
type NumberRecord = Record<string, number>;

const isRecordOf =
  <T>(type: 'number' | 'boolean') =>
  (value: unknown): value is Record<string, T> =>
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((v) => typeof v === type);

const isStringList = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((v) => typeof v === 'string');

const VISIBILITY_KEY = 'traces.columns.visibility';
const SIZING_KEY = 'traces.columns.sizing';
const KEY_COLUMNS_KEY = 'traces.columns.keys';

function readColumns(): ColumnState {
  const visibility = readPreference<BooleanRecord>(VISIBILITY_KEY, {}, isRecordOf<boolean>('boolean'));
  const defaults = new Set(DEFAULT_COLUMNS.visible);
  const builtins = BUILTIN_COLUMN_IDS.filter((id) => visibility[id] ?? defaults.has(id));
  const keys = readPreference<string[]>(KEY_COLUMNS_KEY, [], isStringList);
  return {
    visible: normalizeVisible([...builtins, ...keys]),
    widths: readPreference<NumberRecord>(SIZING_KEY, {}, isRecordOf<number>('number')),
  };
}

function writeColumns(columns: ColumnState): void {
  const shown = new Set(columns.visible);
  const visibility: BooleanRecord = {};
  for (const id of BUILTIN_COLUMN_IDS) visibility[id] = shown.has(id);
  writePreference(VISIBILITY_KEY, visibility);
  writePreference(
    KEY_COLUMNS_KEY,
    columns.visible.filter((id) => keyColumnOf(id) !== null),
  );
  writePreference(SIZING_KEY, columns.widths);
}

interface ColumnPrefs {
  columns: ColumnState;
  setColumns: (next: ColumnState) => void;
}

export const useColumnPrefs = create<ColumnPrefs>((set) => ({
  columns: readColumns(),
  setColumns: (columns) => {
    writeColumns(columns);
    set({ columns });
  },
}));
