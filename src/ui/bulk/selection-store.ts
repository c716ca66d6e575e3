import { create } from 'zustand';

// Which traces the person selected for a bulk action: explicit ids (checkboxes, shift ranges, `x`),
// or the whole filtered set ("select all N matching"), which is resolved on the server by the
// filter and never loaded row by row. A selection belongs to one experiment + filter (its scope).

export interface MatchingSelection {
  experimentId: string;
  /** The applied server filter (time range included), as the count and search use it. */
  filter: string;
  count: number;
  exact: boolean;
}

interface SelectionState {
  ids: ReadonlySet<string>;
  all: MatchingSelection | null;
  /** The row a shift-click extends from. */
  anchor: string | null;
  /** Loaded row ids in table order, for shift ranges. */
  order: readonly string[];
  scope: string;
  toggle: (id: string, range?: boolean) => void;
  setMany: (ids: readonly string[], selected: boolean) => void;
  selectAllMatching: (all: MatchingSelection) => void;
  clear: () => void;
  setOrder: (order: readonly string[]) => void;
  /** A new experiment or filter starts an empty selection. */
  setScope: (scope: string) => void;
}

const EMPTY: ReadonlySet<string> = new Set();

export const useTraceSelection = create<SelectionState>((set, get) => ({
  ids: EMPTY,
  all: null,
  anchor: null,
  order: [],
  scope: '',
  toggle: (id, range = false) => {
    const { ids, anchor, order, all } = get();
    // Unticking one row of "all matching" keeps the loaded rows but that one (the rest is unknown here).
    const base = all ? new Set(order) : new Set(ids);
    const from = range && anchor !== null ? order.indexOf(anchor) : -1;
    const to = order.indexOf(id);
    if (from >= 0 && to >= 0) {
      // A range takes the state the anchor row has (ticked: tick the range).
      const on = base.has(anchor!);
      for (const rowId of order.slice(Math.min(from, to), Math.max(from, to) + 1)) {
        if (on) base.add(rowId);
        else base.delete(rowId);
      }
    } else if (base.has(id)) base.delete(id);
    else base.add(id);
    set({ ids: base, all: null, anchor: id });
  },
  setMany: (list, selected) => {
    const next = new Set(get().ids);
    for (const id of list) {
      if (selected) next.add(id);
      else next.delete(id);
    }
    set({ ids: next, all: null });
  },
  selectAllMatching: (all) => set({ all, ids: EMPTY }),
  clear: () => set({ ids: EMPTY, all: null, anchor: null }),
  setOrder: (order) => set({ order }),
  setScope: (scope) => {
    if (get().scope !== scope) set({ scope, ids: EMPTY, all: null, anchor: null });
  },
}));

/** How many traces are selected (the filtered set's count when it is selected whole). */
export const selectedCount = (s: Pick<SelectionState, 'ids' | 'all'>): number => s.all?.count ?? s.ids.size;
