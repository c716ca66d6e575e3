import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { JsonValue } from '../../core/model.ts';
import { DEFAULT_LABELS, labelValueProblem, type LabelDefinition } from '../../core/label-schema.ts';
import { tagKeyProblem, tagValueProblem } from '../../core/tag-key-rules.ts';
import type { BatchItem, BatchOperation, TraceBatchFailure } from '../../core/trace-batch.ts';
import { labelSchemaQueries } from '../api/label-schema-api.ts';
import { invalidateTraceLists } from '../api/invalidate-trace-lists.ts';
import { traceDetailQueries } from '../api/trace-detail-queries.ts';
import { runBulk, runBulkDelete, runUndo, type BulkProgress, type BulkSelection } from '../api/trace-batch-api.ts';
import { useCanEdit, useCanManage, useSignedInUser } from '../auth/useAuthStatus.ts';
import { useFeedbackPreferences } from '../trace-detail/feedback-preferences-store.ts';
import { selectedCount, useTraceSelection } from './selection-store.ts';
import '../labels/labels.css';

/** Undo stays offered this long after tags and labels (issue 17: at least 10 s). */
const UNDO_MS = 30_000;

export interface BulkActionBarProps {
  experimentId: string;
  /** The applied server filter (time range included): "select all matching" selects exactly this. */
  filter: string;
  /** How many traces match it, when known. */
  matchCount: { count: number; exact: boolean } | undefined;
  /** More actions on the selection, e.g. "Add to review queue" (review-queues). */
  extraActions?: (selection: BulkSelection, done: () => void) => ReactNode;
}

type Form = 'tag' | 'label' | 'delete' | null;

interface Outcome {
  message: string;
  failures: TraceBatchFailure[];
  undo?: BatchItem[];
}

const plural = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

/** The bar over the traces table while traces are selected: tag, label, delete, more; progress and Undo. */
export function BulkActionBar({ experimentId, filter, matchCount, extraActions }: BulkActionBarProps) {
  const ids = useTraceSelection((s) => s.ids);
  const all = useTraceSelection((s) => s.all);
  const selectAllMatching = useTraceSelection((s) => s.selectAllMatching);
  const clear = useTraceSelection((s) => s.clear);
  const count = selectedCount({ ids, all });
  const [form, setForm] = useState<Form>(null);
  const [progress, setProgress] = useState<(BulkProgress & { verb: string }) | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [error, setError] = useState<string | null>(null);
  const queryClient = useQueryClient();
  const { canEdit, reason } = useCanEdit(experimentId);
  const canManage = useCanManage(experimentId);

  // Undo is offered for UNDO_MS, then the outcome line goes.
  useEffect(() => {
    if (!outcome) return;
    const timer = setTimeout(() => setOutcome(null), UNDO_MS);
    return () => clearTimeout(timer);
  }, [outcome]);

  const selection: BulkSelection | null = all
    ? { kind: 'filter', experimentId: all.experimentId, filter: all.filter, count: all.count }
    : ids.size > 0
      ? { kind: 'ids', traceIds: [...ids] }
      : null;

  const refresh = () =>
    Promise.all([
      invalidateTraceLists(queryClient),
      queryClient.invalidateQueries({ queryKey: traceDetailQueries.all() }),
    ]);

  const apply = async (verb: string, operations: BatchOperation[], done: string) => {
    if (!selection) return;
    setForm(null);
    setError(null);
    setOutcome(null);
    setProgress({ verb, done: 0, total: count });
    try {
      const result = await runBulk(selection, operations, (p) => setProgress({ verb, ...p }));
      const changed = result.processed - result.failures.length;
      setOutcome({
        message: `${done} on ${plural(changed, 'trace')}.`,
        failures: result.failures,
        undo: result.undo,
      });
    } catch (e) {
      setError(`${verb} stopped: ${(e as Error).message}. Traces already changed stay changed.`);
    } finally {
      setProgress(null);
      await refresh();
    }
  };

  const undo = async (items: BatchItem[]) => {
    setOutcome(null);
    setProgress({ verb: 'Undoing', done: 0, total: items.length });
    try {
      const result = await runUndo(items, (p) => setProgress({ verb: 'Undoing', ...p }));
      setOutcome({
        message: `Undone on ${plural(result.processed, 'trace')}.`,
        failures: result.failures,
      });
    } catch (e) {
      setError(`Undo stopped: ${(e as Error).message}.`);
    } finally {
      setProgress(null);
      await refresh();
    }
  };

  const remove = async () => {
    if (!selection) return;
    setForm(null);
    setProgress({ verb: 'Deleting', done: 0, total: count });
    try {
      const deleted = await runBulkDelete(selection, (p) => setProgress({ verb: 'Deleting', ...p }));
      clear();
      setOutcome({ message: `Deleted ${plural(deleted, 'trace')}.`, failures: [] });
    } catch (e) {
      setError(`Delete stopped: ${(e as Error).message}.`);
    } finally {
      setProgress(null);
      await refresh();
    }
  };

  if (count === 0 && !progress && !outcome && !error) return null;
  const busy = progress !== null;
  const canSelectAll = !all && matchCount !== undefined && matchCount.count > ids.size && ids.size > 0;
  return (
    <div className="bulk-bar" role="region" aria-label="Bulk actions">
      {count > 0 && (
        <div className="bulk-row">
          <strong role="status" className="bulk-count">
            {all
              ? `All ${all.exact ? '' : 'at least '}${plural(all.count, 'matching trace')} selected`
              : `${plural(count, 'trace')} selected`}
          </strong>
          {canSelectAll && (
            <button
              type="button"
              className="td-link-button"
              onClick={() =>
                selectAllMatching({ experimentId, filter, count: matchCount.count, exact: matchCount.exact })
              }
            >
              Select all {matchCount.exact ? '' : 'at least '}
              {plural(matchCount.count, 'matching trace')}
            </button>
          )}
          <span className="bulk-actions">
            <button
              type="button"
              disabled={busy || !canEdit}
              aria-expanded={form === 'tag'}
              onClick={() => setForm(form === 'tag' ? null : 'tag')}
            >
              Tag…
            </button>
            <button
              type="button"
              disabled={busy || !canEdit}
              aria-expanded={form === 'label'}
              onClick={() => setForm(form === 'label' ? null : 'label')}
            >
              Label…
            </button>
            {selection && extraActions?.(selection, () => setForm(null))}
            {canManage && (
              <button
                type="button"
                className="danger"
                disabled={busy}
                aria-expanded={form === 'delete'}
                onClick={() => setForm(form === 'delete' ? null : 'delete')}
              >
                Delete…
              </button>
            )}
            <button type="button" disabled={busy} onClick={clear} title="Clear the selection (Esc)">
              Clear
            </button>
          </span>
          {!canEdit && reason && <span className="td-muted">{reason}</span>}
        </div>
      )}
      {form === 'tag' && <TagForm count={count} onCancel={() => setForm(null)} onApply={apply} />}
      {form === 'label' && (
        <LabelForm experimentId={experimentId} count={count} onCancel={() => setForm(null)} onApply={apply} />
      )}
      {form === 'delete' && (
        <div className="bulk-form" role="group" aria-label="Delete traces">
          <span>Delete {plural(count, 'trace')} for good? This cannot be undone.</span>
          <button type="button" className="danger" onClick={() => void remove()}>
            Delete {plural(count, 'trace')}
          </button>
          <button type="button" onClick={() => setForm(null)}>
            Cancel
          </button>
        </div>
      )}
      {progress && (
        <div className="bulk-row" role="status">
          <label>
            {progress.verb} {progress.done.toLocaleString('en-US')} / {progress.total.toLocaleString('en-US')}{' '}
            <progress value={progress.done} max={Math.max(1, progress.total)} />
          </label>
        </div>
      )}
      {outcome && (
        <div className="bulk-row bulk-outcome" role="status">
          <span>{outcome.message}</span>
          {outcome.failures.length > 0 && (
            <details>
              <summary>{plural(outcome.failures.length, 'trace')} failed</summary>
              <ul className="bulk-failures">
                {outcome.failures.slice(0, 50).map((f) => (
                  <li key={f.trace_id}>
                    <code>{f.trace_id}</code>: {f.message}
                  </li>
                ))}
              </ul>
            </details>
          )}
          {outcome.undo && outcome.undo.length > 0 && (
            <button type="button" className="primary" onClick={() => void undo(outcome.undo!)}>
              Undo
            </button>
          )}
          <button type="button" className="td-link-button" aria-label="Dismiss" onClick={() => setOutcome(null)}>
            ×
          </button>
        </div>
      )}
      {error && (
        <p className="td-error-box" role="alert">
          {error}{' '}
          <button type="button" className="td-link-button" onClick={() => setError(null)}>
            Dismiss
          </button>
        </p>
      )}
    </div>
  );
}

type Apply = (verb: string, operations: BatchOperation[], done: string) => Promise<void>;

function TagForm({ count, onApply, onCancel }: { count: number; onApply: Apply; onCancel: () => void }) {
  const [mode, setMode] = useState<'add' | 'remove'>('add');
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const keyRef = useRef<HTMLInputElement>(null);
  useEffect(() => keyRef.current?.focus(), []);
  const problem = key === '' ? null : (tagKeyProblem(key) ?? (mode === 'add' ? tagValueProblem(value) : null));
  return (
    <form
      className="bulk-form"
      aria-label="Tag traces"
      onKeyDown={(e) => e.key === 'Escape' && (e.stopPropagation(), onCancel())}
      onSubmit={(event) => {
        event.preventDefault();
        if (key === '' || problem) return;
        if (mode === 'add') void onApply('Tagging', [{ op: 'set_tag', key, value }], `Tagged ${key}=${value}`);
        else void onApply('Removing tag', [{ op: 'delete_tag', key }], `Removed tag ${key}`);
      }}
    >
      <select aria-label="Tag action" value={mode} onChange={(e) => setMode(e.target.value as 'add' | 'remove')}>
        <option value="add">Add tag</option>
        <option value="remove">Remove tag</option>
      </select>
      <input ref={keyRef} aria-label="Tag key" placeholder="key" value={key} onChange={(e) => setKey(e.target.value)} />
      {mode === 'add' && (
        <input aria-label="Tag value" placeholder="value" value={value} onChange={(e) => setValue(e.target.value)} />
      )}
      <button type="submit" className="primary" disabled={key === '' || problem !== null}>
        {mode === 'add' ? 'Tag' : 'Remove from'} {plural(count, 'trace')}
      </button>
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
      {problem && <span className="td-error-text">{problem}</span>}
    </form>
  );
}

/** The value field of one label kind, as text the form parses. */
function valueFromDraft(label: LabelDefinition, draft: string): JsonValue | undefined {
  if (draft === '') return undefined;
  if (label.kind === 'pass_fail') return draft === 'true';
  if (label.kind === 'numeric') return Number(draft);
  return draft;
}

function LabelForm({
  experimentId,
  count,
  onApply,
  onCancel,
}: {
  experimentId: string;
  count: number;
  onApply: Apply;
  onCancel: () => void;
}) {
  const schema = useQuery(labelSchemaQueries.schema(experimentId));
  const labels = schema.data?.labels ?? DEFAULT_LABELS;
  const [name, setName] = useState(labels[0]?.name ?? '');
  const label = labels.find((l) => l.name === name) ?? labels[0];
  const [draft, setDraft] = useState('');
  const [comment, setComment] = useState('');
  const signedIn = useSignedInUser();
  const storedReviewer = useFeedbackPreferences((s) => s.reviewerId);
  const setReviewerId = useFeedbackPreferences((s) => s.setReviewerId);
  const reviewerId = signedIn?.username ?? storedReviewer;
  const [reviewerDraft, setReviewerDraft] = useState('');
  const selectRef = useRef<HTMLSelectElement>(null);
  useEffect(() => selectRef.current?.focus(), []);
  if (!label) return null;
  const value = valueFromDraft(label, draft);
  const problem = value === undefined ? null : labelValueProblem(label, value);
  const reviewer = reviewerId || reviewerDraft.trim();
  return (
    <form
      className="bulk-form"
      aria-label="Label traces"
      onKeyDown={(e) => e.key === 'Escape' && (e.stopPropagation(), onCancel())}
      onSubmit={(event) => {
        event.preventDefault();
        if (value === undefined || problem || !reviewer) return;
        if (!reviewerId) setReviewerId(reviewer);
        const op: BatchOperation = {
          op: 'set_assessment',
          name: label.name,
          type: label.assessmentType,
          value,
          ...(comment.trim() ? { rationale: comment.trim() } : {}),
          source_id: reviewer,
        };
        const shown = typeof value === 'boolean' ? (value ? 'pass' : 'fail') : String(value);
        void onApply('Labelling', [op], `Set ${label.name} = ${shown}`);
      }}
    >
      <select
        ref={selectRef}
        aria-label="Label"
        value={label.name}
        onChange={(e) => {
          setName(e.target.value);
          setDraft('');
        }}
      >
        {labels.map((l) => (
          <option key={l.name} value={l.name}>
            {l.name}
            {l.assessmentType === 'expectation' ? ' (expectation)' : ''}
          </option>
        ))}
      </select>
      {label.kind === 'pass_fail' || label.kind === 'categorical' ? (
        <select aria-label="Value" value={draft} onChange={(e) => setDraft(e.target.value)}>
          <option value="">Choose a value…</option>
          {label.kind === 'pass_fail' ? (
            <>
              <option value="true">pass (thumbs up)</option>
              <option value="false">fail (thumbs down)</option>
            </>
          ) : (
            (label.options ?? []).map((o) => (
              <option key={o} value={o}>
                {o.replaceAll('_', ' ')}
              </option>
            ))
          )}
        </select>
      ) : (
        <input
          aria-label="Value"
          type={label.kind === 'numeric' ? 'number' : 'text'}
          step="any"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
        />
      )}
      <input
        aria-label="Comment (optional)"
        placeholder="comment (optional)"
        value={comment}
        onChange={(e) => setComment(e.target.value)}
      />
      {!reviewerId && (
        <input
          aria-label="Reviewer id"
          placeholder="reviewer id"
          value={reviewerDraft}
          onChange={(e) => setReviewerDraft(e.target.value)}
          required
        />
      )}
      <button type="submit" className="primary" disabled={value === undefined || problem !== null || !reviewer}>
        Label {plural(count, 'trace')}
      </button>
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
      {problem && <span className="td-error-text">{problem}</span>}
    </form>
  );
}
