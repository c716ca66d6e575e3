import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { ReviewQueue } from '../../core/review-queue.ts';
import { DEFAULT_LABELS } from '../../core/label-schema.ts';
import { labelSchemaQueries } from '../api/label-schema-api.ts';
import { addQueueItems, createQueue, deleteQueue, reviewQueueQueries } from '../api/review-queue-api.ts';
import { queueHref } from '../app-url.ts';
import { useCanEdit } from '../auth/useAuthStatus.ts';
import { useLocationHref } from '../navigation.ts';
import { effectiveFilter, parseSharedView } from '../shared-view-url.ts';
import { AppLink } from '../trace-detail/AppLink.tsx';
import './queues.css';

/** An experiment's review queues with their progress, and a form to make one from the traces page's filter. */
export function QueuesPage({ experimentId }: { experimentId: string }) {
  const queues = useQuery(reviewQueueQueries.list(experimentId));
  const { canEdit, reason } = useCanEdit(experimentId);
  return (
    <div className="queues-page">
      <h1 className="page-title">Review queues</h1>
      {queues.isPending && (
        <p className="placeholder" role="status">
          Loading queues…
        </p>
      )}
      {queues.isError && (
        <p className="td-error-box" role="alert">
          {'status' in queues.error && queues.error.status === 404
            ? 'This server has no review queues (they are a trace-explorer extension).'
            : `Could not load the queues: ${queues.error.message}`}
        </p>
      )}
      {queues.data && <QueueTable experimentId={experimentId} queues={queues.data.queues} />}
      {canEdit ? <CreateQueueForm experimentId={experimentId} /> : reason && <p className="td-muted">{reason}</p>}
    </div>
  );
}

function QueueTable({ experimentId, queues }: { experimentId: string; queues: ReviewQueue[] }) {
  const queryClient = useQueryClient();
  const remove = useMutation({
    mutationFn: (queueId: string) => deleteQueue({ experimentId, queueId }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: reviewQueueQueries.all() }),
  });
  if (queues.length === 0) return <p className="td-muted">No queues in this experiment yet.</p>;
  return (
    <>
      <table className="queues-table">
        <caption className="visually-hidden">Review queues of this experiment</caption>
        <thead>
          <tr>
            <th scope="col">Queue</th>
            <th scope="col">Traces</th>
            <th scope="col">Progress</th>
            <th scope="col">Labels</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {queues.map((q) => (
            <tr key={q.queue_id}>
              <td>
                <AppLink href={queueHref(q.queue_id, experimentId)}>{q.name}</AppLink>
                {q.instructions && <div className="td-muted queue-instructions-line">{q.instructions}</div>}
              </td>
              <td>
                {q.live_filter ? (
                  <>
                    <span className="td-chip">live</span> <code className="mono">{q.live_filter}</code>
                  </>
                ) : (
                  q.progress.total
                )}
              </td>
              <td>
                <progress
                  max={Math.max(1, q.progress.total)}
                  value={q.progress.done}
                  aria-label={`${q.name}: ${q.progress.done} of ${q.progress.total} done`}
                />{' '}
                {q.progress.done} done · {q.progress.remaining} remaining
              </td>
              <td>{q.label_names.length === 0 ? 'all' : q.label_names.join(', ')}</td>
              <td>
                <button
                  type="button"
                  className="td-link-button"
                  aria-label={`Delete queue ${q.name}`}
                  disabled={remove.isPending}
                  onClick={() => {
                    if (window.confirm(`Delete the queue "${q.name}"? Labels already given stay.`))
                      remove.mutate(q.queue_id);
                  }}
                >
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {remove.isError && (
        <p className="td-error-text" role="alert">
          Could not delete the queue: {remove.error.message}
        </p>
      )}
    </>
  );
}

type Fill = 'snapshot' | 'live' | 'empty';

function CreateQueueForm({ experimentId }: { experimentId: string }) {
  const queryClient = useQueryClient();
  const href = useLocationHref();
  // The Traces tab's filter and time range travel in the address (shared-view-url.ts).
  const view = parseSharedView(new URL(href, 'http://x').searchParams);
  const schema = useQuery(labelSchemaQueries.schema(experimentId));
  const labels = schema.data?.labels ?? DEFAULT_LABELS;
  const [name, setName] = useState('');
  const [instructions, setInstructions] = useState('');
  const [picked, setPicked] = useState<Set<string> | null>(null);
  const [fill, setFill] = useState<Fill>('snapshot');
  const [filter, setFilter] = useState(() => effectiveFilter(view, Date.now()));
  const [liveFilter, setLiveFilter] = useState(view.filter);
  const [message, setMessage] = useState('');
  const chosen = picked ?? new Set(labels.map((l) => l.name));
  const create = useMutation({
    mutationFn: async () => {
      const { queue } = await createQueue({
        experimentId,
        name,
        instructions,
        labelNames: labels.filter((l) => chosen.has(l.name)).map((l) => l.name),
        ...(fill === 'live' ? { liveFilter } : {}),
      });
      if (fill !== 'snapshot') return { queue, added: 0, truncated: false };
      const added = await addQueueItems({ experimentId, queueId: queue.queue_id }, { filter });
      return { queue, added: added.added, truncated: added.truncated === true };
    },
    onSuccess: ({ queue, added, truncated }) => {
      setMessage(
        fill === 'snapshot'
          ? `Created "${queue.name}" with ${added} traces${truncated ? ' (the newest 10,000 matches)' : ''}.`
          : fill === 'live'
            ? `Created "${queue.name}": new traces matching the filter join it as they arrive.`
            : `Created "${queue.name}". Add traces from the traces table or a trace's page.`,
      );
      setName('');
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: reviewQueueQueries.all() }),
  });
  return (
    <form
      className="queue-create"
      aria-labelledby="queue-create-title"
      onSubmit={(event) => {
        event.preventDefault();
        if (name.trim()) create.mutate();
      }}
    >
      <h2 id="queue-create-title">New queue</h2>
      <label>
        Name
        <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
      </label>
      <label>
        Instructions for reviewers
        <textarea rows={2} value={instructions} onChange={(e) => setInstructions(e.target.value)} />
      </label>
      <fieldset>
        <legend>Labels to set</legend>
        {labels.map((l) => (
          <label key={`${l.assessmentType}:${l.name}`} className="queue-check">
            <input
              type="checkbox"
              checked={chosen.has(l.name)}
              onChange={(e) => {
                const next = new Set(chosen);
                if (e.target.checked) next.add(l.name);
                else next.delete(l.name);
                setPicked(next);
              }}
            />{' '}
            {l.name}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>Traces</legend>
        <label className="queue-check">
          <input type="radio" name="fill" checked={fill === 'snapshot'} onChange={() => setFill('snapshot')} /> Traces
          matching this filter now (up to 10,000, newest first)
        </label>
        <label className="queue-check">
          <input type="radio" name="fill" checked={fill === 'live'} onChange={() => setFill('live')} /> Every new trace
          matching this filter, as it arrives (live)
        </label>
        <label className="queue-check">
          <input type="radio" name="fill" checked={fill === 'empty'} onChange={() => setFill('empty')} /> None yet
        </label>
        {fill === 'snapshot' && (
          <label>
            Filter (from the Traces tab, with its time range; empty: every trace)
            <input className="mono" value={filter} onChange={(e) => setFilter(e.target.value)} />
          </label>
        )}
        {fill === 'live' && (
          <label>
            Live filter
            <input className="mono" value={liveFilter} onChange={(e) => setLiveFilter(e.target.value)} required />
          </label>
        )}
      </fieldset>
      <button type="submit" className="primary" disabled={create.isPending}>
        Create queue
      </button>
      {create.isError && (
        <p className="td-error-text" role="alert">
          Could not create the queue: {create.error.message}
        </p>
      )}
      {message && !create.isError && <p role="status">{message}</p>}
    </form>
  );
}
