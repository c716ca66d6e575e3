import { create } from 'zustand';

/**
 * The text in the search bar and the applied filter it was edited from. The results beside the
 * bar belong to the applied filter, so the page reads this to mark them stale while the bar shows
 * something else (an edit not yet applied, or a filter with an error that cannot be applied).
 */
interface DraftFilter {
  text: string;
  /** The applied filter when the draft was last edited; a draft of another filter is not current. */
  base: string;
  setDraft: (text: string, base: string) => void;
}

export const useDraftFilter = create<DraftFilter>((set) => ({
  text: '',
  base: '',
  setDraft: (text, base) => set({ text, base }),
}));
