import type { RefObject } from 'react';
import { useState } from 'react';
import type { TraceInfo } from '../../core/model.ts';
import { isSystemTagKey, tagKeyProblem, tagValueProblem } from '../../core/tag-key-rules.ts';
import { AppLink } from './AppLink.tsx';
import { useFilterHref } from './useFilterHref.ts';
import type { TagChange } from './useTagMutations.ts';
import { useTagMutations } from './useTagMutations.ts';

interface TagsSectionProps {
  info: TraceInfo;
  experimentId: string;
  /** Focused by the `t` shortcut. */
  newKeyRef: RefObject<HTMLInputElement | null>;
}

const describe = (change: TagChange) =>
  change.kind === 'set' ? `save tag "${change.key}"` : `delete tag "${change.key}"`;

/** Tags are mutable: add, edit and delete inline. `mlflow.*` tags belong to the system and are read-only. */
export function TagsSection({ info, experimentId, newKeyRef }: TagsSectionProps) {
  const mutation = useTagMutations(info.trace_id);
  const filterHref = useFilterHref(experimentId);
  const [newKey, setNewKey] = useState('');
  const [newValue, setNewValue] = useState('');
  const [touched, setTouched] = useState(false);
  const [editing, setEditing] = useState<{ key: string; value: string } | null>(null);

  const keyTrimmed = newKey.trim();
  const keyProblem =
    tagKeyProblem(keyTrimmed) ??
    (isSystemTagKey(keyTrimmed) ? 'mlflow.* tags are reserved for the system.' : null) ??
    tagValueProblem(newValue);
  const entries = Object.entries(info.tags).sort(
    ([a], [b]) => Number(isSystemTagKey(a)) - Number(isSystemTagKey(b)) || a.localeCompare(b),
  );

  const submitNew = () => {
    setTouched(true);
    if (keyProblem) return;
    mutation.mutate({ kind: 'set', key: keyTrimmed, value: newValue });
    setNewKey('');
    setNewValue('');
    setTouched(false);
  };

  return (
    <section className="td-section" aria-label="Tags">
      {mutation.isError && mutation.variables && (
        <p className="td-error-box" role="alert">
          Could not {describe(mutation.variables)}: {mutation.error.message} The change was undone.
        </p>
      )}
      <ul className="td-tags">
        {entries.length === 0 && <li className="td-muted">No tags yet.</li>}
        {entries.map(([key, value]) => {
          const system = isSystemTagKey(key);
          const href = filterHref('tag', key, value);
          if (editing?.key === key) {
            const problem = tagValueProblem(editing.value);
            return (
              <li key={key} className="td-tag is-editing">
                <form
                  className="td-tag-form"
                  onSubmit={(event) => {
                    event.preventDefault();
                    if (problem) return;
                    mutation.mutate({ kind: 'set', key, value: editing.value });
                    setEditing(null);
                  }}
                >
                  <span className="td-tag-key">{key}</span>
                  <input
                    aria-label={`Value of tag ${key}`}
                    value={editing.value}
                    autoFocus
                    onChange={(e) => setEditing({ key, value: e.target.value })}
                    onKeyDown={(e) => e.key === 'Escape' && setEditing(null)}
                  />
                  <button type="submit" className="primary" disabled={Boolean(problem)}>
                    Save
                  </button>
                  <button type="button" onClick={() => setEditing(null)}>
                    Cancel
                  </button>
                  {problem && <span className="td-error-text">{problem}</span>}
                </form>
              </li>
            );
          }
          return (
            <li key={key} className={`td-tag${system ? ' is-system' : ''}`}>
              <span className="td-tag-key">{key}</span>
              <span className="td-tag-value">
                {href ? (
                  <AppLink href={href} className="td-filter-link" title="Show traces with this tag value">
                    {value}
                  </AppLink>
                ) : (
                  value
                )}
              </span>
              {system ? (
                <span className="td-chip td-lock" title="System tag set by MLflow">
                  read-only
                </span>
              ) : (
                <span className="td-tag-actions">
                  <button
                    type="button"
                    className="td-small"
                    aria-label={`Edit tag ${key}`}
                    onClick={() => setEditing({ key, value })}
                  >
                    Edit
                  </button>
                  <button
                    type="button"
                    className="td-small"
                    aria-label={`Delete tag ${key}`}
                    onClick={() => mutation.mutate({ kind: 'delete', key })}
                  >
                    Delete
                  </button>
                </span>
              )}
            </li>
          );
        })}
      </ul>
      <form
        className="td-tag-form td-tag-new"
        onSubmit={(event) => {
          event.preventDefault();
          submitNew();
        }}
      >
        <input
          ref={newKeyRef}
          aria-label="New tag key"
          placeholder="key"
          value={newKey}
          onChange={(e) => setNewKey(e.target.value)}
          aria-invalid={touched && Boolean(keyProblem)}
          aria-describedby="td-new-tag-problem"
        />
        <input
          aria-label="New tag value"
          placeholder="value"
          value={newValue}
          onChange={(e) => setNewValue(e.target.value)}
        />
        <button type="submit" className="primary">
          Add tag
        </button>
      </form>
      <p id="td-new-tag-problem" className="td-error-text" role={touched ? 'alert' : undefined}>
        {(touched || keyTrimmed !== '') && keyProblem ? keyProblem : ''}
      </p>
    </section>
  );
}
