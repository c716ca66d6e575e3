import { useId, useRef } from 'react';
import { COLUMN_LABELS } from './trace-columns.tsx';
import { useColumnPrefs } from './useColumnPrefs.ts';

/** A disclosure with one checkbox per column; the choice is remembered (useColumnPrefs). */
export function ColumnChooser() {
  const id = useId();
  const visibility = useColumnPrefs((s) => s.visibility);
  const setVisibility = useColumnPrefs((s) => s.setVisibility);
  const details = useRef<HTMLDetailsElement>(null);
  return (
    <details className="column-chooser" ref={details}>
      <summary>Columns</summary>
      <fieldset
        id={id}
        className="column-chooser-list"
        onKeyDown={(e) => e.key === 'Escape' && details.current?.removeAttribute('open')}
      >
        <legend className="visually-hidden">Visible columns</legend>
        {COLUMN_LABELS.filter((c) => c.id !== 'id').map((column) => (
          <label key={column.id}>
            <input
              type="checkbox"
              checked={visibility[column.id] !== false}
              onChange={(event) => setVisibility({ ...visibility, [column.id]: event.target.checked })}
            />{' '}
            {column.label}
          </label>
        ))}
      </fieldset>
    </details>
  );
}
