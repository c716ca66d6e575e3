import { create } from 'zustand';
import { readPreference, writePreference } from '../local-preferences.ts';

const KEY = 'traces.detail.width';
export const MIN_DETAIL_WIDTH = 320;
const isWidth = (value: unknown): value is number =>
  typeof value === 'number' && value >= MIN_DETAIL_WIDTH && value < 4000;

interface DetailWidth {
  width: number;
  setWidth: (width: number) => void;
}

/** The detail panel's width beside the table: dragged by the person, remembered. */
export const useDetailWidth = create<DetailWidth>((set) => ({
  width: readPreference(KEY, 640, isWidth),
  setWidth: (width) => {
    const clamped = Math.max(MIN_DETAIL_WIDTH, Math.round(width));
    writePreference(KEY, clamped);
    set({ width: clamped });
  },
}));
