import { create } from 'zustand';
import { readPreference, writePreference } from '../local-preferences.ts';

// The side panel's width outlives any one trace (people size it once), so it is remembered.
const WIDTH_KEY = 'trace-detail.panel-width';
export const MIN_PANEL_WIDTH = 360;
const isWidth = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= MIN_PANEL_WIDTH;

interface LayoutState {
  panelWidth: number;
  setPanelWidth: (width: number, remember?: boolean) => void;
}

export const useTraceDetailLayout = create<LayoutState>((set) => ({
  panelWidth: readPreference(WIDTH_KEY, 760, isWidth),
  setPanelWidth: (width, remember = false) => {
    const clamped = Math.max(MIN_PANEL_WIDTH, Math.round(width));
    set({ panelWidth: clamped });
    if (remember) writePreference(WIDTH_KEY, clamped);
  },
}));
