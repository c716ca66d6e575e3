import { useContext } from 'react';
import type { ClauseField } from '../../core/filter-clause.ts';
import { RowActiveContext } from './row-active-context.ts';
import { useTraceTableActions } from './trace-table-actions.ts';

/** A metadata or tag value that adds `field = value` to the filter when clicked. */
/**
 * A value that adds its clause to the filter when clicked. With `showKey` the key is drawn before
 * the value by CSS (`data-key`), so a narrow chip cuts the key short and keeps the value readable.
 */
export function FilterValue({
  kind,
  fieldKey,
  value,
  showKey,
}: {
  kind: ClauseField['kind'];
  fieldKey: string;
  value: string;
  showKey?: boolean;
}) {
  const { addClause } = useTraceTableActions();
  const rowActive = useContext(RowActiveContext);
  if (!value) return <span className="muted">—</span>;
  return (
    <button
      type="button"
      className="filter-value"
      data-key={showKey ? fieldKey : undefined}
      aria-label={showKey ? `${fieldKey}=${value}` : undefined}
      tabIndex={rowActive ? 0 : -1}
      title={`Filter by ${fieldKey} = ${value}`}
      data-tooltip={showKey ? `${fieldKey}=${value}` : value}
      onClick={(event) => {
        // The row's own click opens the trace; this click only filters.
        event.stopPropagation();
        addClause({ kind, key: fieldKey }, value);
      }}
    >
      {value}
    </button>
  );
}
