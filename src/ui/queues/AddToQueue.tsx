import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type ReactNode } from 'react';
import type { BulkSelection } from '../api/trace-batch-api.ts';
import { addQueueItems, reviewQueueQueries } from '../api/review-queue-api.ts';
import './queues.css';

export type QueueSource = { traceIds: readonly string[] } | { filter: string };

/** The add-items endpoint takes at most this many ids a request. */
const IDS_PER_REQUEST = 1000;

async function addAll(experimentId: string, queueId: string, source: QueueSource): Promise<number> {
  const ref = { experimentId, queueId };
  if ('filter' in source) return (await addQueueItems(ref, { filter: source.filter })).added;
  let added = 0;
  for (let i = 0; i < source.traceIds.length; i += IDS_PER_REQUEST)
    added += (await addQueueItems(ref, { traceIds: source.traceIds.slice(i, i + IDS_PER_REQUEST) })).added;
  return added;
}

/**
 * "Add to queue": pick one of the experiment's fixed queues and add these traces (ids, or a filter's
 * matches resolved by the server). Used by the trace page and the bulk-action bar.
 */
export function AddToQueue({
  experimentId,
  source,
  label = 'Review queue',
}: {
  experimentId: string;
  source: QueueSource;
  label?: string;
}) {
  const queryClient = useQueryClient();
  const id = useId();
  const queues = useQuery(reviewQueueQueries.list(experimentId));
  const fixed = (queues.data?.queues ?? []).filter((q) => q.live_filter === null);
  const [queueId, setQueueId] = useState('');
  const chosen = queueId || fixed[0]?.queue_id || '';
  const add = useMutation({
    mutationFn: () => addAll(experimentId, chosen, source),
    onSettled: () => queryClient.invalidateQueries({ queryKey: reviewQueueQueries.all() }),
  });
  if (queues.isError || (queues.data && fixed.length === 0)) return null;
  return (
    <form
      className="add-to-queue"
      onSubmit={(event) => {
        event.preventDefault();
        if (chosen) add.mutate();
      }}
    >
      <label htmlFor={id}>{label}</label>
      <select id={id} value={chosen} onChange={(e) => setQueueId(e.target.value)}>
        {fixed.map((q) => (
          <option key={q.queue_id} value={q.queue_id}>
            {q.name}
          </option>
        ))}
      </select>
      <button type="submit" disabled={!chosen || add.isPending}>
        Add to queue
      </button>
      {add.isSuccess && (
        <span role="status" className="td-muted">
          {add.data === 0 ? 'Already in the queue.' : `Added ${add.data}.`}
        </span>
      )}
      {add.isError && (
        <span role="alert" className="td-error-text">
          {add.error.message}
        </span>
      )}
    </form>
  );
}

/** The bulk-action bar's extra action: the selected ids, or the whole filtered set resolved by the server. */
export function addToQueueAction(experimentId: string): (selection: BulkSelection) => ReactNode {
  return function renderAddToQueue(selection) {
    return (
      <AddToQueue
        experimentId={experimentId}
        label="Add to review queue"
        source={selection.kind === 'ids' ? { traceIds: selection.traceIds } : { filter: selection.filter }}
      />
    );
  };
}
