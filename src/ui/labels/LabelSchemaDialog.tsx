import { useEffect, useRef, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  DEFAULT_LABELS,
  labelProblem,
  type LabelAssessmentType,
  type LabelDefinition,
  type LabelKind,
} from '../../core/label-schema.ts';
import { labelSchemaQueries, saveLabelSchema } from '../api/label-schema-api.ts';
import { useCanEdit } from '../auth/useAuthStatus.ts';
import './labels.css';

const KIND_LABEL: Record<LabelKind, string> = {
  pass_fail: 'Pass / fail',
  categorical: 'Categorical',
  numeric: 'Numeric',
  text: 'Free text',
};

/** A label as the form edits it: options and range as typed text. */
interface Draft {
  key: number;
  name: string;
  kind: LabelKind;
  assessmentType: LabelAssessmentType;
  description: string;
  options: string;
  min: string;
  max: string;
}

let nextKey = 0;
const toDraft = (l: LabelDefinition): Draft => ({
  key: nextKey++,
  name: l.name,
  kind: l.kind,
  assessmentType: l.assessmentType,
  description: l.description ?? '',
  options: (l.options ?? []).join(', '),
  min: l.min === undefined ? '' : String(l.min),
  max: l.max === undefined ? '' : String(l.max),
});
const fromDraft = (d: Draft): LabelDefinition => ({
  name: d.name.trim(),
  kind: d.kind,
  assessmentType: d.assessmentType,
  ...(d.description.trim() ? { description: d.description.trim() } : {}),
  ...(d.kind === 'categorical'
    ? {
        options: d.options
          .split(',')
          .map((o) => o.trim())
          .filter(Boolean),
      }
    : {}),
  ...(d.kind === 'numeric' && d.min.trim() !== '' ? { min: Number(d.min) } : {}),
  ...(d.kind === 'numeric' && d.max.trim() !== '' ? { max: Number(d.max) } : {}),
});

/** The experiment's label schema: define, edit and delete labels (stored as an experiment tag). */
export function LabelSchemaDialog({ experimentId, onClose }: { experimentId: string; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal?.();
  }, []);
  const schema = useQuery(labelSchemaQueries.schema(experimentId));
  return (
    <dialog ref={ref} className="labels-dialog" aria-labelledby="labels-title" onClose={onClose} onCancel={onClose}>
      <h2 id="labels-title">Labels of this experiment</h2>
      <p className="td-muted">
        One control per label appears on every trace; thumbs up/down is the pass/fail label{' '}
        <code>user_satisfaction</code>. Feedback is an opinion of the answer; an expectation is the ground truth.
      </p>
      {schema.isPending && <p role="status">Loading labels…</p>}
      {schema.isError && (
        <p className="td-error-box" role="alert">
          Could not load the labels: {schema.error.message}
        </p>
      )}
      {schema.data && (
        <SchemaForm
          experimentId={experimentId}
          initial={schema.data.labels}
          tags={schema.data.tags}
          problems={schema.data.problems}
          defined={schema.data.defined}
          onClose={onClose}
        />
      )}
    </dialog>
  );
}

interface SchemaFormProps {
  experimentId: string;
  initial: readonly LabelDefinition[];
  tags: readonly { key: string; value: string }[];
  problems: string[];
  defined: boolean;
  onClose: () => void;
}

function SchemaForm({ experimentId, initial, tags, problems, defined, onClose }: SchemaFormProps) {
  const [drafts, setDrafts] = useState<Draft[]>(() => initial.map(toDraft));
  const queryClient = useQueryClient();
  const { canEdit, reason } = useCanEdit(experimentId);
  const labels = drafts.map(fromDraft);
  const issues = labels.map((label, i) => labelProblem(label, labels.slice(0, i)));
  const save = useMutation({
    mutationFn: () => saveLabelSchema(experimentId, labels, tags),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: labelSchemaQueries.key(experimentId) });
      onClose();
    },
  });
  const change = (key: number, patch: Partial<Draft>) =>
    setDrafts((list) => list.map((d) => (d.key === key ? { ...d, ...patch } : d)));
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (issues.every((p) => p === null)) save.mutate();
      }}
    >
      {!defined && <p className="td-muted">No labels are defined yet: these are the defaults.</p>}
      {problems.map((p) => (
        <p key={p} className="td-error-box">
          {p}
        </p>
      ))}
      <ol className="labels-list">
        {drafts.map((d, i) => (
          <li key={d.key}>
            <fieldset className="label-edit">
              <legend>{d.name || 'New label'}</legend>
              <label>
                Name <input value={d.name} onChange={(e) => change(d.key, { name: e.target.value })} required />
              </label>
              <label>
                Kind{' '}
                <select value={d.kind} onChange={(e) => change(d.key, { kind: e.target.value as LabelKind })}>
                  {Object.entries(KIND_LABEL).map(([kind, text]) => (
                    <option key={kind} value={kind}>
                      {text}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                Type{' '}
                <select
                  value={d.assessmentType}
                  onChange={(e) => change(d.key, { assessmentType: e.target.value as LabelAssessmentType })}
                >
                  <option value="feedback">Feedback</option>
                  <option value="expectation">Expectation (ground truth)</option>
                </select>
              </label>
              {d.kind === 'categorical' && (
                <label className="label-edit-wide">
                  Options (comma-separated){' '}
                  <input
                    value={d.options}
                    onChange={(e) => change(d.key, { options: e.target.value })}
                    placeholder="e.g. correct, partially_correct, incorrect"
                  />
                </label>
              )}
              {d.kind === 'numeric' && (
                <>
                  <label>
                    Min{' '}
                    <input
                      type="number"
                      step="any"
                      value={d.min}
                      onChange={(e) => change(d.key, { min: e.target.value })}
                    />
                  </label>
                  <label>
                    Max{' '}
                    <input
                      type="number"
                      step="any"
                      value={d.max}
                      onChange={(e) => change(d.key, { max: e.target.value })}
                    />
                  </label>
                </>
              )}
              <label className="label-edit-wide">
                Description{' '}
                <input value={d.description} onChange={(e) => change(d.key, { description: e.target.value })} />
              </label>
              <button
                type="button"
                aria-label={`Delete label ${d.name || i + 1}`}
                onClick={() => setDrafts((list) => list.filter((x) => x.key !== d.key))}
              >
                Delete
              </button>
              {issues[i] && d.name !== '' && <span className="td-error-text">{issues[i]}</span>}
            </fieldset>
          </li>
        ))}
      </ol>
      <div className="td-feedback-buttons">
        <button
          type="button"
          onClick={() =>
            setDrafts((list) => [
              ...list,
              toDraft({ name: '', kind: 'categorical', assessmentType: 'feedback', options: [] }),
            ])
          }
        >
          Add label
        </button>
        {!defined || (
          <button type="button" onClick={() => setDrafts(DEFAULT_LABELS.map(toDraft))}>
            Reset to defaults
          </button>
        )}
      </div>
      {save.isError && (
        <p className="td-error-box" role="alert">
          Labels were not saved: {save.error.message}
        </p>
      )}
      {!canEdit && reason && <p className="td-muted">{reason}</p>}
      <div className="td-feedback-buttons labels-dialog-actions">
        <button
          type="submit"
          className="primary"
          disabled={!canEdit || save.isPending || issues.some((p) => p !== null)}
        >
          Save labels
        </button>
        <button type="button" onClick={onClose}>
          Cancel
        </button>
      </div>
    </form>
  );
}
