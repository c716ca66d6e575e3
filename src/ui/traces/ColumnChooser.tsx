import { useId, useRef, useState, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { catalogQueries } from '../api/catalog-queries.ts';
import { COLUMN_LABELS, keyColumnLabel } from './trace-columns.tsx';
import { keyColumnId, keyColumnOf, normalizeVisible } from './column-state.ts';
import { useColumnPrefs } from './useColumnPrefs.ts';
import { useDetailsDismiss } from '../components/useDetailsDismiss.ts';

/**
 * A disclosure with one checkbox per column, and a form to add a column for any tag or metadata
 * key (sortable like the others). The choice is view state: it goes into the URL (useColumnsInUrl).
 */
export function ColumnChooser({ experimentId, catalogEnabled }: { experimentId: string; catalogEnabled: boolean }) {
  const id = useId();
  const columns = useColumnPrefs((s) => s.columns);
  const setColumns = useColumnPrefs((s) => s.setColumns);
  const details = useRef<HTMLDetailsElement>(null);
  const dismiss = useDetailsDismiss(details);
  const [open, setOpen] = useState(false);
  const [kind, setKind] = useState<'tag' | 'metadata'>('tag');
  const [key, setKey] = useState('');
  const { data: keys } = useQuery({ ...catalogQueries.keys(experimentId), enabled: catalogEnabled && open });
  const shown = new Set(columns.visible);
  const keyColumns = columns.visible.filter((c) => keyColumnOf(c) !== null);
  const toggle = (column: string, on: boolean) =>
    setColumns({
      ...columns,
      visible: normalizeVisible(on ? [...columns.visible, column] : columns.visible.filter((c) => c !== column)),
    });
  const add = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = key.trim();
    if (!trimmed) return;
    toggle(keyColumnId(kind, trimmed), true);
    setKey('');
  };
  const suggestions = (keys ?? []).filter((k) => k.kind === kind && !k.key.startsWith('mlflow.')).slice(0, 200);
  return (
    <details
      className="column-chooser"
      ref={details}
      onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}
      onKeyDown={dismiss}
    >
      <summary>Columns</summary>
      <div className="column-chooser-list">
        <fieldset id={id}>
          <legend className="visually-hidden">Visible columns</legend>
          {COLUMN_LABELS.filter((c) => c.id !== 'id').map((column) => (
            <label key={column.id}>
              <input
                type="checkbox"
                checked={shown.has(column.id)}
                onChange={(event) => toggle(column.id, event.target.checked)}
              />{' '}
              {column.label}
            </label>
          ))}
          {keyColumns.map((column) => (
            <label key={column}>
              <input type="checkbox" checked onChange={() => toggle(column, false)} />{' '}
              {keyColumnOf(column)!.kind === 'tag' ? 'Tag' : 'Metadata'}: {keyColumnLabel(column)}
            </label>
          ))}
        </fieldset>
        <form className="column-add" onSubmit={add} aria-label="Add a tag or metadata column">
          <select aria-label="Key kind" value={kind} onChange={(e) => setKind(e.target.value as 'tag' | 'metadata')}>
            <option value="tag">Tag</option>
            <option value="metadata">Metadata</option>
          </select>
          <input
            aria-label={`${kind === 'tag' ? 'Tag' : 'Metadata'} key to show as a column`}
            placeholder="key"
            list={`${id}-keys`}
            value={key}
            onChange={(e) => setKey(e.target.value)}
          />
          <datalist id={`${id}-keys`}>
            {suggestions.map((k) => (
              <option key={k.key} value={k.key} />
            ))}
          </datalist>
          <button type="submit" disabled={key.trim() === ''}>
            Add column
          </button>
        </form>
      </div>
    </details>
  );
}
