import { queryOptions } from '@tanstack/react-query';
import { EXTENSION_PREFIX } from '../../core/model.ts';
import type {
  AddItemsResponse,
  NextItemResponse,
  QueueItem,
  QueueProgress,
  ReviewQueue,
} from '../../core/review-queue.ts';
import { api, apiRequest } from './http-client.ts';

// The review queue extension endpoints (src/server/README.md, "Review queues").
const path = (action: string) => api(`${EXTENSION_PREFIX.slice(1)}/review-queues/${action}`);
const query = (params: Record<string, string>) => new URLSearchParams(params).toString();

export interface QueueRef {
  experimentId: string;
  queueId: string;
}

export const reviewQueueQueries = {
  all: () => ['review-queues'] as const,
  list: (experimentId: string) =>
    queryOptions({
      queryKey: [...reviewQueueQueries.all(), 'list', experimentId] as const,
      queryFn: ({ signal }) =>
        apiRequest<{ queues: ReviewQueue[] }>(
          'GET',
          `${path('list')}?${query({ experiment_id: experimentId })}`,
          undefined,
          signal,
        ),
      staleTime: 5_000,
    }),
  queueKey: (ref: QueueRef) => [...reviewQueueQueries.all(), 'queue', ref.experimentId, ref.queueId] as const,
  queue: (ref: QueueRef) =>
    queryOptions({
      queryKey: reviewQueueQueries.queueKey(ref),
      queryFn: ({ signal }) =>
        apiRequest<{ queue: ReviewQueue }>(
          'GET',
          `${path('get')}?${query({ experiment_id: ref.experimentId, queue_id: ref.queueId })}`,
          undefined,
          signal,
        ),
    }),
};

export interface NewQueue {
  experimentId: string;
  name: string;
  instructions: string;
  labelNames: string[];
  liveFilter?: string;
}

export const createQueue = (queue: NewQueue) =>
  apiRequest<{ queue: ReviewQueue }>('POST', path('create'), {
    experiment_id: queue.experimentId,
    name: queue.name,
    instructions: queue.instructions,
    label_names: queue.labelNames,
    ...(queue.liveFilter !== undefined ? { live_filter: queue.liveFilter } : {}),
  });

export const deleteQueue = (ref: QueueRef) =>
  apiRequest<Record<string, never>>('POST', path('delete'), { experiment_id: ref.experimentId, queue_id: ref.queueId });

/** Adds traces by id (at most 1,000), or a snapshot of a filter's newest matches. */
export const addQueueItems = (
  ref: QueueRef,
  source: { traceIds: readonly string[] } | { filter: string; maxTraces?: number },
) =>
  apiRequest<AddItemsResponse>('POST', path('add-items'), {
    experiment_id: ref.experimentId,
    queue_id: ref.queueId,
    ...('traceIds' in source
      ? { trace_ids: source.traceIds }
      : { filter: source.filter, ...(source.maxTraces ? { max_traces: source.maxTraces } : {}) }),
  });

/** Claims the next undone item for `reviewer` (the server uses the signed-in user with --auth). */
export const claimNext = (ref: QueueRef, reviewer: string, exclude: string[] = []) =>
  apiRequest<NextItemResponse>('POST', path('next'), {
    experiment_id: ref.experimentId,
    queue_id: ref.queueId,
    reviewer,
    exclude_trace_ids: exclude,
  });

const itemAction = (action: 'complete' | 'skip') => (ref: QueueRef, traceId: string, reviewer: string) =>
  apiRequest<{ item: QueueItem; progress: QueueProgress }>('POST', path(action), {
    experiment_id: ref.experimentId,
    queue_id: ref.queueId,
    trace_id: traceId,
    reviewer,
  });
export const completeItem = itemAction('complete');
export const skipItem = itemAction('skip');

/** Gives back a claim (the prefetched item, when the reviewer leaves). */
export const releaseItem = (ref: QueueRef, traceId: string, reviewer: string) =>
  apiRequest<{ released: boolean }>('POST', path('release'), {
    experiment_id: ref.experimentId,
    queue_id: ref.queueId,
    trace_id: traceId,
    reviewer,
  });
