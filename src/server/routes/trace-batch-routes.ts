// Bulk actions (issue 17): `POST {EXTENSION_PREFIX}/traces/batch` applies tag and label operations to
// a selection (trace ids, or every trace matching a filter, page by page) and answers what undoes
// them; `traces/batch-delete` deletes a selection (MANAGE). Only TraceStore calls, so both engines
// serve it. Work per request is bounded (MAX_BATCH_TRACES) and split into chunks with a yield
// between them, so a 100,000-trace action (the client loops over pages) never stalls other requests.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { EXTENSION_PREFIX, type TraceInfo } from '../../core/model.ts';
import {
  MAX_BATCH_OPERATIONS,
  MAX_BATCH_OPERATIONS_CHARS,
  MAX_BATCH_TRACES,
  operationChars,
  inverseTagOperation,
  overriddenAssessment,
  readBatchOperation,
  type BatchItem,
  type BatchOperation,
  type TraceBatchDeleteResponse,
  type TraceBatchFailure,
  type TraceBatchResponse,
} from '../../core/trace-batch.ts';
import { invalidParameter, MlflowError } from '../errors.ts';
import type { TraceStore } from '../storage/trace-store.ts';
import {
  bothPrefixes,
  optionalArray,
  optionalInt,
  optionalString,
  optionalStringList,
  readRequest,
  typeError,
  type RequestFields,
} from './mlflow-request.ts';
import { decodePageCursor, encodePageToken } from './page-token.ts';
import { parseExperimentIds, parseTraceFilter } from './search-request.ts';
import { decodeAssessment } from './trace-decode.ts';
import { truncateTagValue, validateTagKey } from './tag-validation.ts';

/** Traces written per group of concurrent store calls; the event loop is yielded to between groups. */
const CHUNK = 100;

const yieldToOthers = () => new Promise<void>((resolve) => setImmediate(resolve));

type Selection =
  | { kind: 'items'; items: BatchItem[] }
  | { kind: 'ids'; traceIds: string[] }
  | { kind: 'filter'; experimentIds: number[]; filter: string | undefined; pageToken: string | undefined; max: number };

/**
 * The operations of a request (`shared`: applied to every selected trace, so their size is bounded) or
 * of one item (written to its trace only, as Undo sends them: the body limit bounds them).
 */
function readOperations(list: unknown[] | undefined, field: string, shared = false): BatchOperation[] {
  if (!list) return [];
  if (list.length > MAX_BATCH_OPERATIONS)
    throw invalidParameter(`At most ${MAX_BATCH_OPERATIONS} operations per batch; got ${list.length}.`);
  let chars = 0;
  return list.map((raw, i) => {
    const op = readBatchOperation(raw);
    if (typeof op === 'string') throw invalidParameter(`Invalid ${field}[${i}]: ${op}.`);
    if (op.op === 'set_tag' || op.op === 'delete_tag') validateTagKey(op.key);
    chars += operationChars(op);
    if (shared && chars > MAX_BATCH_OPERATIONS_CHARS)
      throw invalidParameter(
        `Invalid ${field}: the operations carry more than ${MAX_BATCH_OPERATIONS_CHARS / 1024} KiB of text, ` +
          'and a batch writes them to every selected trace. Set large values on one trace at a time.',
      );
    return op;
  });
}

function tooMany(n: number, what: string): MlflowError {
  return invalidParameter(
    `At most ${MAX_BATCH_TRACES} ${what} per request; got ${n}. Send the rest in another request.`,
  );
}

/** The selection a request names: `items` (per-trace operations), `trace_ids`, or `experiment_ids` + `filter`. */
function readSelection(body: RequestFields): Selection {
  const rawItems = optionalArray(body, 'items');
  if (rawItems) {
    if (rawItems.length > MAX_BATCH_TRACES) throw tooMany(rawItems.length, 'items');
    return {
      kind: 'items',
      items: rawItems.map((raw, i) => {
        if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw typeError('items', raw);
        const item = raw as RequestFields;
        const traceId = optionalString(item, 'trace_id');
        if (!traceId) throw invalidParameter(`Invalid items[${i}]: trace_id is required.`);
        return {
          trace_id: traceId,
          operations: readOperations(optionalArray(item, 'operations'), `items[${i}].operations`),
        };
      }),
    };
  }
  const traceIds = optionalStringList(body, 'trace_ids');
  if (traceIds) {
    if (traceIds.length > MAX_BATCH_TRACES) throw tooMany(traceIds.length, 'trace_ids');
    return { kind: 'ids', traceIds: [...new Set(traceIds)] };
  }
  const experimentIds = optionalStringList(body, 'experiment_ids');
  if (!experimentIds || experimentIds.length === 0)
    throw invalidParameter('Name the traces: `trace_ids`, `items`, or `experiment_ids` with an optional `filter`.');
  const { ids, invalid } = parseExperimentIds(experimentIds);
  if (invalid.length > 0) throw invalidParameter(`Invalid experiment IDs: ${invalid.join(', ')}`);
  const max = optionalInt(body, 'max_traces') ?? 500;
  if (max < 1 || max > MAX_BATCH_TRACES)
    throw invalidParameter(
      `Invalid value ${max} for parameter 'max_traces' supplied. It must be between 1 and ${MAX_BATCH_TRACES}.`,
    );
  return {
    kind: 'filter',
    experimentIds: ids,
    filter: optionalString(body, 'filter') || undefined,
    pageToken: optionalString(body, 'page_token') || undefined,
    max,
  };
}

/** One page of a filter selection in the default order, resumed by keyset (traces changed meanwhile are not skipped). */
async function filterPage(
  store: TraceStore,
  selection: Extract<Selection, { kind: 'filter' }>,
): Promise<{ infos: TraceInfo[]; next?: string }> {
  const page = await store.searchTraces({
    experimentIds: selection.experimentIds,
    filter: parseTraceFilter(selection.filter),
    maxResults: selection.max,
    cursor: decodePageCursor(selection.pageToken),
  });
  return { infos: page.traces, next: page.next && encodePageToken(page.next.offset, page.next) };
}

const failureOf = (traceId: string, error: unknown): TraceBatchFailure => {
  if (error instanceof MlflowError) return { trace_id: traceId, error_code: error.errorCode, message: error.message };
  throw error;
};

/**
 * Applies `operations` to one trace in order and returns their inverses in undo order. A failure
 * stops this trace's remaining operations; what was already done is still returned, so Undo covers it.
 */
async function applyToTrace(
  store: TraceStore,
  info: TraceInfo,
  operations: readonly BatchOperation[],
  signedIn: string | undefined,
): Promise<{ undo: BatchOperation[]; failure?: TraceBatchFailure }> {
  const tags = { ...info.tags };
  const undo: BatchOperation[] = [];
  const traceId = info.trace_id;
  try {
    for (const op of operations) {
      switch (op.op) {
        case 'set_tag': {
          const value = truncateTagValue(op.value);
          if (tags[op.key] === value) break;
          await store.setTraceTag(traceId, op.key, value);
          undo.unshift(inverseTagOperation(op.key, tags[op.key]));
          tags[op.key] = value;
          break;
        }
        case 'delete_tag': {
          if (tags[op.key] === undefined) break;
          await store.deleteTraceTag(traceId, op.key);
          undo.unshift(inverseTagOperation(op.key, tags[op.key]));
          delete tags[op.key];
          break;
        }
        case 'set_assessment': {
          // With auth on the label is the signed-in user's, whatever the client claims (as CreateAssessment).
          const sourceId = signedIn ?? op.source_id;
          const overrides = overriddenAssessment(info.assessments ?? [], op.name, op.type, sourceId)?.assessment_id;
          const input = decodeAssessment(
            {
              assessment_name: op.name,
              source: { source_type: 'HUMAN', ...(sourceId ? { source_id: sourceId } : {}) },
              [op.type]: { value: op.value },
              ...(op.rationale ? { rationale: op.rationale } : {}),
              ...(overrides ? { overrides } : {}),
            },
            traceId,
          );
          const created = await store.createAssessment({ ...input, assessmentId: undefined });
          // Deleting the new assessment makes the overridden one valid again: the exact previous state.
          undo.unshift({ op: 'delete_assessment', assessment_id: created.assessment_id });
          break;
        }
        case 'delete_assessment':
          await store.deleteAssessment(traceId, op.assessment_id);
          break;
      }
    }
    return { undo };
  } catch (error) {
    return { undo, failure: failureOf(traceId, error) };
  }
}

export async function traceBatchRoutes(app: FastifyInstance, { store }: { store: TraceStore }): Promise<void> {
  const batch = async (request: FastifyRequest): Promise<TraceBatchResponse> => {
    const body = readRequest(request);
    const selection = readSelection(body);
    const common = readOperations(optionalArray(body, 'operations'), 'operations', true);
    if (selection.kind !== 'items' && common.length === 0) throw invalidParameter('`operations` is required.');
    const signedIn = request.auth?.principal.user.username;

    let targets: { traceId: string; operations: readonly BatchOperation[] }[];
    let known: Map<string, TraceInfo> | undefined;
    let next: string | undefined;
    if (selection.kind === 'filter') {
      const page = await filterPage(store, selection);
      known = new Map(page.infos.map((i) => [i.trace_id, i]));
      targets = page.infos.map((i) => ({ traceId: i.trace_id, operations: common }));
      next = page.next;
    } else if (selection.kind === 'ids') {
      targets = selection.traceIds.map((traceId) => ({ traceId, operations: common }));
    } else {
      targets = selection.items.map((item) => ({ traceId: item.trace_id, operations: item.operations }));
    }

    const failures: TraceBatchFailure[] = [];
    const undo: BatchItem[] = [];
    for (let start = 0; start < targets.length; start += CHUNK) {
      if (start > 0) await yieldToOthers();
      const chunk = targets.slice(start, start + CHUNK);
      // One read for the chunk's current tags and assessments (what Undo restores).
      const infos =
        known ?? new Map((await store.getTraceInfos(chunk.map((t) => t.traceId))).map((i) => [i.trace_id, i]));
      // Traces run concurrently so the store can commit each round of writes together; one trace's operations stay in order.
      const results = await Promise.all(
        chunk.map(async (target) => {
          const info = infos.get(target.traceId);
          if (!info) {
            return {
              traceId: target.traceId,
              undo: [],
              failure: {
                trace_id: target.traceId,
                error_code: 'RESOURCE_DOES_NOT_EXIST',
                message: `Trace with ID '${target.traceId}' not found.`,
              },
            };
          }
          return { traceId: target.traceId, ...(await applyToTrace(store, info, target.operations, signedIn)) };
        }),
      );
      for (const r of results) {
        if (r.failure) failures.push(r.failure);
        if (r.undo.length > 0) undo.push({ trace_id: r.traceId, operations: r.undo });
      }
    }
    return { processed: targets.length, failures, undo, ...(next ? { next_page_token: next } : {}) };
  };

  const batchDelete = async (request: FastifyRequest): Promise<TraceBatchDeleteResponse> => {
    const selection = readSelection(readRequest(request));
    if (selection.kind === 'items') throw invalidParameter('batch-delete takes `trace_ids` or `experiment_ids`.');
    let infos: TraceInfo[];
    let next: string | undefined;
    if (selection.kind === 'filter') {
      const page = await filterPage(store, selection);
      infos = page.infos;
      next = page.next;
    } else {
      infos = await store.getTraceInfos(selection.traceIds);
    }
    // DeleteTraces is per experiment; group the selection by it.
    const byExperiment = new Map<string, string[]>();
    for (const info of infos) {
      const experimentId = info.trace_location.mlflow_experiment?.experiment_id ?? '';
      byExperiment.set(experimentId, [...(byExperiment.get(experimentId) ?? []), info.trace_id]);
    }
    let deleted = 0;
    for (const [experimentId, traceIds] of byExperiment) {
      for (let start = 0; start < traceIds.length; start += CHUNK) {
        deleted += await store.deleteTraces({ experimentId, traceIds: traceIds.slice(start, start + CHUNK) });
        await yieldToOthers();
      }
    }
    return { deleted, ...(next ? { next_page_token: next } : {}) };
  };

  for (const base of bothPrefixes(`${EXTENSION_PREFIX}/traces`)) {
    app.post(`${base}/batch`, batch);
    app.post(`${base}/batch-delete`, batchDelete);
  }
}
