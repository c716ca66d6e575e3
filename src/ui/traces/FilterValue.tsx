import { useContext } from 'react';
import type { ClauseField } from './filter-clause.ts';
import { RowActiveContext } from './row-active-context.ts';
import { useTraceTableActions } from './trace-table-actions.ts';

/** A metadata or tag value that adds `field = value` to the filter when clicked. */
export function FilterValue({ kind, fieldKey, value, label }: { kind: ClauseField['kind']; fieldKey: string; value: string; label?: string }) {
  const { addClause } = useTraceTableActions();
  const rowActive = useContext(RowActiveContext);
  if (!value) return <span className="muted">—</span>;
  return (
    <button
      type="button"
      className="filter-value"
      tabIndex={rowActive ? 0 : -1}
      title={`Filter by ${fieldKey} = ${value}`}
      onClick={(event) => {
        // The row's own click opens the trace; this click only filters.
        event.stopPropagation();
        addClause({ kind, key: fieldKey }, value);
      }}
    >
      {label ?? value}
    </button>
  );
}
