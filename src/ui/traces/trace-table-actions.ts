import { createContext, useContext } from 'react';
import type { ClauseField } from '../../core/filter-clause.ts';

/** What cells can ask of the page. Passed by context so rows keep taking only primitives. */
export interface TraceTableActions {
  addClause: (field: ClauseField, value: string | null) => void;
}

export const TraceTableActionsContext = createContext<TraceTableActions>({ addClause: () => {} });

export const useTraceTableActions = (): TraceTableActions => useContext(TraceTableActionsContext);
