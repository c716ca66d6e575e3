import { create } from 'zustand';
import { readPreference, writePreference } from '../local-preferences.ts';

// Which columns are shown and how wide they are: a preference (remembered per browser), shared
// by the main table and the traces inside expanded groups so that they line up.
export type NumberRecord = Record<string, number>;
export type BooleanRecord = Record<string, boolean>;

const isRecordOf =
  <T>(type: 'number' | 'boolean') =>
  (value: unknown): value is Record<string, T> =>
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((v) => typeof v === type);

const VISIBILITY_KEY = 'traces.columns.visibility';
const SIZING_KEY = 'traces.columns.sizing';

/** Hidden until asked for: useful but wide or rarely read. */
const DEFAULT_VISIBILITY: BooleanRecord = { response: false, session: false, tokens: false };

interface ColumnPrefs {
  visibility: BooleanRecord;
  sizing: NumberRecord;
  setVisibility: (next: BooleanRecord) => void;
  setSizing: (next: NumberRecord) => void;
}

export const useColumnPrefs = create<ColumnPrefs>((set) => ({
  visibility: readPreference(VISIBILITY_KEY, DEFAULT_VISIBILITY, isRecordOf<boolean>('boolean')),
  sizing: readPreference(SIZING_KEY, {}, isRecordOf<number>('number')),
  setVisibility: (visibility) => {
    writePreference(VISIBILITY_KEY, visibility);
    set({ visibility });
  },
  setSizing: (sizing) => {
    writePreference(SIZING_KEY, sizing);
    set({ sizing });
  },
}));
