import { useContext } from 'react';
import { RowActiveContext } from '../traces/row-active-context.ts';
import { useTraceSelection } from './selection-store.ts';

/** A row's selection box; shift-click selects the range from the last one clicked. */
export function RowCheckbox({ id }: { id: string }) {
  const selected = useTraceSelection((s) => s.all !== null || s.ids.has(id));
  const toggle = useTraceSelection((s) => s.toggle);
  const active = useContext(RowActiveContext);
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

/** The header box: ticks every loaded row, or clears the selection. */
export function SelectLoadedCheckbox() {
  const order = useTraceSelection((s) => s.order);
  const ids = useTraceSelection((s) => s.ids);
  const all = useTraceSelection((s) => s.all);
  const setMany = useTraceSelection((s) => s.setMany);
  const clear = useTraceSelection((s) => s.clear);
  const every = all !== null || (order.length > 0 && order.every((id) => ids.has(id)));
  const some = !every && ids.size > 0;
  return (
    <input
      type="checkbox"
      className="row-check"
      aria-label="Select all loaded traces"
      checked={every}
      ref={(element) => {
        if (element) element.indeterminate = some;
      }}
      onChange={() => (every ? clear() : setMany(order, true))}
    />
  );
}
