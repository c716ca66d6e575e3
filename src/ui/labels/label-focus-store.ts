import { create } from 'zustand';

// Which label the number keys set (the last label control touched). Shared by the trace detail
// panel and the review queue screen, so the focus survives moving to the next trace.
interface LabelFocus {
  focused: string | undefined;
  setFocused: (name: string | undefined) => void;
}

export const useLabelFocus = create<LabelFocus>((set) => ({
  focused: undefined,
  setFocused: (name) => set({ focused: name }),
}));
