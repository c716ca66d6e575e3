import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { addQueueItems, reviewQueueQueries } from '../api/review-queue-api.ts';

export type QueueSource = { traceIds: string[] } | { filter: string };

/**
 * "Add to queue": pick one of the experiment's fixed queues and add these traces (ids, or a filter's
 * matches resolved by the server). Used by the trace page and the bulk-action bar.
 */
export function AddToQueue({ experimentId, source }: { experimentId: string; source: QueueSource }) {
  const queryClient = useQueryClient();
  const id = useId();
  const queues = useQuery(reviewQueueQueries.list(experimentId));
  const fixed = (queues.data?.queues ?? []).filter((q) => q.live_filter === null);
  const [queueId, setQueueId] = useState('');
  const chosen = queueId || fixed[0]?.queue_id || '';
  const add = useMutation({
    mutationFn: () => addQueueItems({ experimentId, queueId: chosen }, source),
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
      <label htmlFor={id}>Review queue</label>
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
          {add.data.added === 0 ? 'Already in the queue.' : `Added ${add.data.added}.`}
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
