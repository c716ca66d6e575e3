// Review queues (issue 17) as extension endpoints under EXTENSION_PREFIX/review-queues, documented in
// src/server/README.md. Every request names its experiment (`experiment_id`): the access rule checks
// the caller's capability on it (auth/route-rules.ts), and a queue of another experiment is answered
// as missing, so nothing of one experiment shows through another's.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { EXTENSION_PREFIX } from '../../core/model.ts';
import type {
  AddItemsResponse,
  NextItemResponse,
  QueueItem,
  QueueItemStatus,
  QueueProgress,
  ReviewQueue,
} from '../../core/review-queue.ts';
import { invalidParameter, MlflowError, notFound } from '../errors.ts';
import {
  bothPrefixes,
  field,
  optionalInt,
  optionalString,
  optionalStringList,
  readRequest,
  requireString,
  typeError,
  type RequestFields,
} from '../routes/mlflow-request.ts';
import { parseExperimentIds, parseTraceFilter } from '../routes/search-request.ts';
import type { TraceStore } from '../storage/trace-store.ts';
import { addMatching, initialLiveState, refreshLiveQueue } from './queue-fill.ts';
import type { ReviewQueueStore, StoredCounts, StoredItem, StoredQueue } from './review-queue-store.ts';

/** How long a claimed item stays with its reviewer without a word from them. */
const LEASE_MS = 10 * 60_000;
const MAX_QUEUES = 500;
const MAX_TRACE_IDS = 1000;
const MAX_SNAPSHOT = 100_000;
const DEFAULT_SNAPSHOT = 10_000;
const MAX_LABELS = 50;
const MAX_EXCLUDE = 100;
const REVIEWERS_SHOWN = 50;

function experimentIdOf(body: RequestFields): string {
  const text = requireString(body, 'experiment_id');
  const { ids, invalid } = parseExperimentIds([text]);
  if (invalid.length > 0) throw invalidParameter(`Invalid experiment ID: ${text.slice(0, 100)}`);
  return String(ids[0]);
}

function queueIdOf(body: RequestFields): string {
  const text = requireString(body, 'queue_id').trim();
  // Digits that fit a BIGINT: anything else cannot name a queue (and must not reach SQL as a cast error).
  if (!/^\d{1,15}$/.test(text)) throw invalidParameter(`Invalid queue_id '${text.slice(0, 100)}': expected a number.`);
  return String(Number(text));
}

function traceIdOf(body: RequestFields): string {
  const id = requireString(body, 'trace_id');
  if (id.length > 200) throw invalidParameter('Invalid trace_id: longer than 200 characters.');
  return id;
}

function nameOf(value: string): string {
  const name = value.trim();
  if (name === '') throw invalidParameter("The queue's name must not be empty.");
  if (name.length > 200) throw invalidParameter("The queue's name is longer than 200 characters.");
  return name;
}

function instructionsOf(value: string): string {
  if (value.length > 10_000) throw invalidParameter('Instructions are longer than 10,000 characters.');
  return value;
}

function labelNamesOf(list: string[]): string[] {
  if (list.length > MAX_LABELS) throw invalidParameter(`At most ${MAX_LABELS} label_names per queue.`);
  const names = list.map((n) => n.trim());
  if (names.some((n) => n === '' || n.length > 250))
    throw invalidParameter('Each of label_names must be 1 to 250 characters.');
  if (new Set(names).size !== names.length) throw invalidParameter('label_names repeats a name.');
  return names;
}

/** A live filter: null to stop (absent or empty); checked as the refresh will use it. */
function liveFilterOf(value: string | undefined): string | null {
  if (value === undefined || value.trim() === '') return null;
  parseTraceFilter(value);
  parseTraceFilter(`(${value}) AND timestamp_ms >= 0`);
  return value;
}

const progressOf = (counts: StoredCounts | undefined, byReviewer?: QueueProgress['by_reviewer']): QueueProgress => {
  const c = counts ?? { done: 0, skipped: 0, pending: 0 };
  return {
    total: c.done + c.skipped + c.pending,
    done: c.done,
    skipped: c.skipped,
    remaining: c.pending + c.skipped,
    by_reviewer: byReviewer ?? [],
  };
};

const toWireItem = (item: StoredItem): QueueItem => ({
  queue_id: item.queueId,
  trace_id: item.traceId,
  status: item.status,
  added_at_ms: item.addedAtMs,
  claimed_by: item.claimedBy,
  claim_expires_ms: item.claimExpiresMs,
  completed_by: item.completedBy,
  completed_at_ms: item.completedAtMs,
});

const toWireQueue = (queue: StoredQueue, progress: QueueProgress): ReviewQueue => ({
  queue_id: queue.queueId,
  experiment_id: queue.experimentId,
  name: queue.name,
  instructions: queue.instructions,
  label_names: queue.labelNames,
  live_filter: queue.liveFilter,
  created_by: queue.createdBy,
  created_at_ms: queue.createdAtMs,
  progress,
});

export interface ReviewQueueRouteOptions {
  store: TraceStore;
  queues: ReviewQueueStore;
  now?: () => number;
}

export async function reviewQueueRoutes(
  app: FastifyInstance,
  { store, queues, now = Date.now }: ReviewQueueRouteOptions,
): Promise<void> {
  /** The signed-in user, or (without --auth) the name the explorer sends, or "anonymous". */
  const reviewerOf = (request: FastifyRequest, body: RequestFields): string => {
    const principal = request.auth?.principal.user.username;
    if (principal) return principal;
    const named = (optionalString(body, 'reviewer') ?? '').trim();
    if (named.length > 100) throw invalidParameter('Invalid reviewer: longer than 100 characters.');
    return named || 'anonymous';
  };

  /** The queue, which must belong to the request's experiment (else it does not exist for this caller). */
  const queueOf = async (body: RequestFields): Promise<StoredQueue> => {
    const experimentId = experimentIdOf(body);
    const queueId = queueIdOf(body);
    const queue = await queues.getQueue(queueId);
    if (!queue || queue.experimentId !== experimentId)
      throw notFound(`Review queue '${queueId}' does not exist in experiment '${experimentId}'.`);
    return queue;
  };

  const fullProgress = async (queueId: string): Promise<QueueProgress> => {
    const [counts, byReviewer] = await Promise.all([
      queues.counts([queueId]),
      queues.doneByReviewer(queueId, REVIEWERS_SHOWN),
    ]);
    return progressOf(counts.get(queueId), byReviewer);
  };

  const create = async (request: FastifyRequest): Promise<{ queue: ReviewQueue }> => {
    const body = readRequest(request);
    const experimentId = experimentIdOf(body);
    const name = nameOf(requireString(body, 'name'));
    const instructions = instructionsOf(optionalString(body, 'instructions') ?? '');
    const labelNames = labelNamesOf(optionalStringList(body, 'label_names') ?? []);
    const liveFilter = liveFilterOf(optionalString(body, 'live_filter'));
    const experiment = await store.getExperiment(experimentId);
    if (!experiment || experiment.lifecycle_stage !== 'active')
      throw notFound(`No active experiment with id '${experimentId}'.`);
    const nowMs = now();
    const queue = await queues.createQueue({
      experimentId,
      name,
      instructions,
      labelNames,
      liveFilter,
      liveState: liveFilter === null ? null : initialLiveState(nowMs),
      createdBy: reviewerOf(request, body),
      createdAtMs: nowMs,
    });
    if (!queue)
      throw new MlflowError('RESOURCE_ALREADY_EXISTS', `Experiment '${experimentId}' already has a queue '${name}'.`);
    return { queue: toWireQueue(queue, progressOf(undefined)) };
  };

  const list = async (request: FastifyRequest): Promise<{ queues: ReviewQueue[] }> => {
    const body = readRequest(request);
    const found = await queues.listQueues(experimentIdOf(body), MAX_QUEUES);
    const counts = await queues.counts(found.map((q) => q.queueId));
    return { queues: found.map((q) => toWireQueue(q, progressOf(counts.get(q.queueId)))) };
  };

  const get = async (request: FastifyRequest): Promise<{ queue: ReviewQueue }> => {
    const queue = await queueOf(readRequest(request));
    return { queue: toWireQueue(queue, await fullProgress(queue.queueId)) };
  };

  const update = async (request: FastifyRequest): Promise<{ queue: ReviewQueue }> => {
    const body = readRequest(request);
    const queue = await queueOf(body);
    const name = optionalString(body, 'name');
    const instructions = optionalString(body, 'instructions');
    const labelNames = optionalStringList(body, 'label_names');
    // A new live filter starts from now: traces before it were the old filter's business.
    const live =
      field(body, 'live_filter') !== undefined ? liveFilterOf(optionalString(body, 'live_filter')) : undefined;
    const result = await queues.updateQueue(queue.queueId, {
      name: name === undefined ? undefined : nameOf(name),
      instructions: instructions === undefined ? undefined : instructionsOf(instructions),
      labelNames: labelNames === undefined ? undefined : labelNamesOf(labelNames),
      ...(live === undefined ? {} : { liveFilter: live, liveState: live === null ? null : initialLiveState(now()) }),
    });
    if (result === 'name-taken')
      throw new MlflowError(
        'RESOURCE_ALREADY_EXISTS',
        `Experiment '${queue.experimentId}' already has a queue '${name}'.`,
      );
    if (result === 'missing') throw notFound(`Review queue '${queue.queueId}' does not exist.`);
    const updated = (await queues.getQueue(queue.queueId))!;
    return { queue: toWireQueue(updated, await fullProgress(queue.queueId)) };
  };

  const remove = async (request: FastifyRequest): Promise<Record<string, never>> => {
    const queue = await queueOf(readRequest(request));
    await queues.deleteQueue(queue.queueId);
    return {};
  };

  const addItems = async (request: FastifyRequest): Promise<AddItemsResponse> => {
    const body = readRequest(request);
    const queue = await queueOf(body);
    const traceIds = optionalStringList(body, 'trace_ids');
    const filterText = optionalString(body, 'filter');
    if ((traceIds === undefined) === (filterText === undefined))
      throw invalidParameter("Give either 'trace_ids' or 'filter' (an empty filter takes every trace).");
    if (traceIds) {
      if (traceIds.length > MAX_TRACE_IDS)
        throw invalidParameter(`At most ${MAX_TRACE_IDS} trace_ids per request; use a filter for more.`);
      // Every trace must be one of this experiment's: another experiment's id is refused as unknown.
      const infos = await store.getTraceInfos([...new Set(traceIds)]);
      const inExperiment = new Set(
        infos
          .filter((i) => i.trace_location.mlflow_experiment?.experiment_id === queue.experimentId)
          .map((i) => i.trace_id),
      );
      const foreign = traceIds.filter((id) => !inExperiment.has(id));
      if (foreign.length > 0)
        throw invalidParameter(
          `Traces not found in experiment '${queue.experimentId}': ${foreign.slice(0, 10).join(', ')}${foreign.length > 10 ? ', …' : ''}`,
        );
      return { added: await queues.addItems(queue.queueId, queue.experimentId, traceIds, now()) };
    }
    const maxTraces = optionalInt(body, 'max_traces') ?? DEFAULT_SNAPSHOT;
    if (maxTraces < 1 || maxTraces > MAX_SNAPSHOT)
      throw invalidParameter(
        `Invalid value ${maxTraces} for parameter 'max_traces': it must be between 1 and ${MAX_SNAPSHOT}.`,
      );
    return addMatching(store, queues, queue, parseTraceFilter(filterText), maxTraces, now());
  };

  const next = async (request: FastifyRequest): Promise<NextItemResponse> => {
    const body = readRequest(request);
    const queue = await queueOf(body);
    const exclude = optionalStringList(body, 'exclude_trace_ids') ?? [];
    if (exclude.length > MAX_EXCLUDE) throw invalidParameter(`At most ${MAX_EXCLUDE} exclude_trace_ids.`);
    const reviewer = reviewerOf(request, body);
    const nowMs = now();
    await refreshLiveQueue(store, queues, queue, nowMs);
    const item = await queues.claimNext(queue.queueId, reviewer, { nowMs, leaseMs: LEASE_MS, exclude });
    return { ...(item ? { item: toWireItem(item) } : {}), progress: await fullProgress(queue.queueId) };
  };

  const itemAction =
    (act: (queue: StoredQueue, traceId: string, reviewer: string) => Promise<StoredItem | undefined>) =>
    async (request: FastifyRequest): Promise<{ item: QueueItem; progress: QueueProgress }> => {
      const body = readRequest(request);
      const queue = await queueOf(body);
      const traceId = traceIdOf(body);
      const item = await act(queue, traceId, reviewerOf(request, body));
      if (!item) throw notFound(`Trace '${traceId}' is not in review queue '${queue.queueId}'.`);
      return { item: toWireItem(item), progress: await fullProgress(queue.queueId) };
    };

  const complete = itemAction((queue, traceId, reviewer) => queues.complete(queue.queueId, traceId, reviewer, now()));
  const skip = itemAction((queue, traceId) => queues.skip(queue.queueId, traceId, now()));

  const release = async (request: FastifyRequest): Promise<{ released: boolean }> => {
    const body = readRequest(request);
    const queue = await queueOf(body);
    return { released: await queues.release(queue.queueId, traceIdOf(body), reviewerOf(request, body)) };
  };

  const items = async (request: FastifyRequest): Promise<{ items: QueueItem[]; next_page_token?: string }> => {
    const body = readRequest(request);
    const queue = await queueOf(body);
    const status = optionalString(body, 'status') || undefined;
    if (status !== undefined && status !== 'pending' && status !== 'done' && status !== 'skipped')
      throw invalidParameter(`Invalid status '${status.slice(0, 50)}': expected pending, done or skipped.`);
    const maxResults = optionalInt(body, 'max_results') ?? 100;
    if (maxResults < 1 || maxResults > 1000)
      throw invalidParameter(`Invalid value ${maxResults} for parameter 'max_results': it must be between 1 and 1000.`);
    const token = optionalString(body, 'page_token') || undefined;
    if (token !== undefined && !/^\d{1,15}$/.test(token)) throw typeError('page_token', token);
    const found = await queues.listItems(queue.queueId, {
      status: status as QueueItemStatus | undefined,
      afterItemId: token,
      limit: maxResults,
    });
    const last = found[found.length - 1];
    return {
      items: found.map(toWireItem),
      ...(found.length === maxResults && last ? { next_page_token: last.itemId } : {}),
    };
  };

  for (const base of bothPrefixes(`${EXTENSION_PREFIX}/review-queues`)) {
    app.post(`${base}/create`, create);
    app.get(`${base}/list`, list);
    app.get(`${base}/get`, get);
    app.post(`${base}/update`, update);
    app.post(`${base}/delete`, remove);
    app.post(`${base}/add-items`, addItems);
    app.post(`${base}/next`, next);
    app.post(`${base}/complete`, complete);
    app.post(`${base}/skip`, skip);
    app.post(`${base}/release`, release);
    app.get(`${base}/items`, items);
  }
}
