import { useContext } from 'react';
import { RowActiveContext } from '../traces/row-active-context.ts';
import { useTraceSelection } from './selection-store.ts';

/** A row's selection box; shift-click selects the range from the last one clicked. */
export function RowCheckbox({ id }: { id: string }) {
  const selected = useTraceSelection((s) => s.all !== null || s.ids.has(id));
  const toggle = useTraceSelection((s) => s.toggle);
  const active = useContext(RowActiveContext);
  const enabled = useTraceSelection((s) => s.enabled);
  if (!enabled) return null;
  return (
    <input
      type="checkbox"
      className="row-check"
      aria-label={`Select trace ${id}`}
      checked={selected}
      tabIndex={active ? 0 : -1}
      // The row opens the trace on click; ticking a box must not.
      onClick={(event) => {
        event.stopPropagation();
        toggle(id, event.shiftKey);
      }}
      onChange={() => undefined}
    />
  );
}

/** The header box: ticks every loaded row of its table, or unticks them (the whole selection when it is "all matching"). */
export function SelectLoadedCheckbox({ rowIds }: { rowIds: readonly string[] }) {
  const ids = useTraceSelection((s) => s.ids);
  const all = useTraceSelection((s) => s.all);
  const setMany = useTraceSelection((s) => s.setMany);
  const clear = useTraceSelection((s) => s.clear);
  const enabled = useTraceSelection((s) => s.enabled);
  const every = all !== null || (rowIds.length > 0 && rowIds.every((id) => ids.has(id)));
  const some = !every && rowIds.some((id) => ids.has(id));
  if (!enabled) return null;
  return (
    <input
      type="checkbox"
      className="row-check"
      aria-label="Select all loaded traces"
      checked={every}
      ref={(element) => {
        if (element) element.indeterminate = some;
      }}
      onChange={() => (all !== null ? clear() : setMany(rowIds, !every))}
    />
  );
}
