// The access rule of every route the app registers, in one table. auth-guard.ts refuses any
// route without a rule (deny by default), and a test enumerates the registered routes against
// this table. A rule says who may call the route and, for experiment data, which capability is
// needed on which experiments and how to find them in the request.
import type { FastifyRequest } from 'fastify';
import { EXTENSION_PREFIX, type TraceInfo } from '../../core/model.ts';
import { invalidParameter } from '../errors.ts';
import type { TraceStore } from '../storage/trace-store.ts';
import {
  optionalArray,
  optionalObject,
  optionalString,
  optionalStringList,
  readRequest,
  typeError,
  type RequestFields,
  readsQuery,
} from '../routes/mlflow-request.ts';
import { traceIdOfArtifactPath } from '../routes/artifact-routes.ts';
import { experimentIdOfLocation } from '../routes/trace-decode.ts';
import type { Capability } from './permissions.ts';

/** Finds the experiments a request touches; ids it cannot resolve (unknown traces) are left out. */
export type ExperimentLocator = (request: FastifyRequest, store: TraceStore) => Promise<string[]>;

export type AccessRule =
  /** Anyone, signed in or not. */
  | { access: 'public' }
  /** Any valid credentials; `read` also requires a principal that may read (not an ingest token). */
  | { access: 'signed-in'; read?: boolean }
  /** A person: a password or a session, never an access token. `createsExperiment`: its creator gets MANAGE. */
  | { access: 'user'; createsExperiment?: boolean }
  | { access: 'admin' }
  /** The user named in the request, or an admin (MLflow's users/get and users/update-password). */
  | { access: 'self-or-admin' }
  | { access: 'experiment'; capability: Capability; locate: ExperimentLocator; audit?: string };

const experimentOf = (info: TraceInfo): string => info.trace_location.mlflow_experiment?.experiment_id ?? '';

/**
 * The most trace ids one request may name (BatchGet, the bulk actions and the queues take at most this
 * many). The access check runs before the route's own limit and before any permission is known, so it
 * refuses more itself rather than read them: a 20 MiB body of ids must not make anyone's request load
 * half a million traces.
 */
export const MAX_LOCATED_TRACES = 1000;

/** The experiments of these traces (unknown ids are skipped). */
export async function experimentsOfTraces(store: TraceStore, traceIds: (string | undefined)[]): Promise<string[]> {
  const ids = [...new Set(traceIds.filter((id): id is string => typeof id === 'string' && id !== ''))];
  if (ids.length === 0) return [];
  if (ids.length > MAX_LOCATED_TRACES)
    throw invalidParameter(`Too many trace ids: ${ids.length} (at most ${MAX_LOCATED_TRACES} per request).`);
  const infos =
    ids.length === 1
      ? [await store.getTraceInfo(ids[0])].filter((i) => i !== undefined)
      : await store.getTraceInfos(ids);
  return infos.map(experimentOf);
}

const oneOrMany = (value: string | undefined): string[] => (value === undefined || value === '' ? [] : [value]);

/** `experiment_id` (query for GET, body otherwise). */
const fromExperimentId: ExperimentLocator = async (request) =>
  oneOrMany(optionalString(readRequest(request), 'experiment_id'));

/** `experiment_ids` (a list). */
const fromExperimentIds: ExperimentLocator = async (request) =>
  optionalStringList(readRequest(request), 'experiment_ids', readsQuery(request)) ?? [];

/** GetExperimentByName: the experiment the name resolves to (an unknown name reaches the handler's 404). */
const fromExperimentName: ExperimentLocator = async (request, store) => {
  const name = optionalString(readRequest(request), 'experiment_name');
  if (!name) return [];
  const experiment = await store.getExperimentByName(name);
  return experiment ? [experiment.experiment_id] : [];
};

/** SearchTracesV3 `locations`. */
const fromLocations: ExperimentLocator = async (request) => {
  const locations = optionalArray(readRequest(request), 'locations') ?? [];
  const ids: string[] = [];
  for (const location of locations) {
    if (typeof location !== 'object' || location === null || Array.isArray(location))
      throw typeError('locations', locations);
    const id = experimentIdOfLocation(location as RequestFields);
    if (id !== undefined) ids.push(/^-?\d+$/.test(id.trim()) ? String(Number(id)) : id);
  }
  return ids;
};

/** The `:trace_id` path parameter's experiment. */
const fromTraceParam: ExperimentLocator = async (request, store) =>
  experimentsOfTraces(store, [(request.params as { trace_id?: string }).trace_id]);

/** A `trace_id` field (GetTrace's query, link-prompts' body). */
const fromTraceIdField: ExperimentLocator = async (request, store) =>
  experimentsOfTraces(store, [optionalString(readRequest(request), 'trace_id')]);

/** A `trace_ids` list (BatchGet, BatchGetInfos, link-to-run). */
const fromTraceIdsField: ExperimentLocator = async (request, store) =>
  experimentsOfTraces(store, optionalStringList(readRequest(request), 'trace_ids', readsQuery(request)) ?? []);

/** get-trace-artifact's `request_id` query parameter. */
const fromRequestIdQuery: ExperimentLocator = async (request, store) => {
  const id = (request.query as Record<string, unknown>).request_id;
  return experimentsOfTraces(store, [typeof id === 'string' ? id : undefined]);
};

/** `…/traces/<trace_id>/artifacts/traces.json` in an artifact path, read as the route reads it. */
const fromArtifactPath: ExperimentLocator = async (request, store) =>
  experimentsOfTraces(store, [traceIdOfArtifactPath((request.params as { '*'?: string })['*'] ?? '')]);

/**
 * StartTraceV3: the experiment in `trace_location`, and the experiment of the trace if it already
 * exists (an upsert must not let one experiment's writer change another's trace).
 */
const fromStartTrace: ExperimentLocator = async (request, store) => {
  const trace = optionalObject(readRequest(request), 'trace');
  const info = trace && optionalObject(trace, 'trace_info');
  if (!info) return [];
  const target = experimentIdOfLocation(optionalObject(info, 'trace_location'));
  const existing = await experimentsOfTraces(store, [optionalString(info, 'trace_id')]);
  return [...oneOrMany(target), ...existing];
};

/** OTLP: the `x-mlflow-experiment-id` header (the handler also checks traces that already exist). */
const fromOtlpHeader: ExperimentLocator = async (request) => {
  const id = request.headers['x-mlflow-experiment-id'];
  return typeof id === 'string' ? oneOrMany(id) : [];
};

/**
 * A bulk action's selection (routes/trace-batch-routes.ts): the experiments of `trace_ids` or of the
 * traces in `items`, or `experiment_ids` for a filter selection. All of them need the capability.
 */
const fromBatchSelection: ExperimentLocator = async (request, store) => {
  const body = readRequest(request);
  const items = optionalArray(body, 'items');
  if (items) {
    const ids = items.map((item) =>
      typeof item === 'object' && item !== null && !Array.isArray(item)
        ? optionalString(item as RequestFields, 'trace_id')
        : undefined,
    );
    return experimentsOfTraces(store, ids);
  }
  const traceIds = optionalStringList(body, 'trace_ids');
  if (traceIds) return experimentsOfTraces(store, traceIds);
  return optionalStringList(body, 'experiment_ids') ?? [];
};

/** `?experiment_id=` in the query string, whatever the method (import: the body is JSONL). */
const fromExperimentIdQuery: ExperimentLocator = async (request) => {
  const id = (request.query as Record<string, unknown>).experiment_id;
  return typeof id === 'string' ? oneOrMany(id) : [];
};

const read = (locate: ExperimentLocator): AccessRule => ({ access: 'experiment', capability: 'read', locate });
/** A write; `audit` names it in the audit trail (ingestion is not audited: it is the hot path). */
const write = (capability: Capability, locate: ExperimentLocator, audit?: string): AccessRule => ({
  access: 'experiment',
  capability,
  locate,
  audit,
});

const API = ['/api', '/ajax-api'];
const EXT = EXTENSION_PREFIX;

/** [methods, paths under both API prefixes, rule]. */
const API_RULES: [string[], string[], AccessRule][] = [
  [['GET'], ['/3.0/mlflow/server-info', `${EXT}/capabilities`], { access: 'signed-in' }],
  // Experiments
  [['POST'], ['/2.0/mlflow/experiments/create'], { access: 'user', createsExperiment: true }],
  [['GET'], ['/2.0/mlflow/experiments/get'], read(fromExperimentId)],
  [['POST'], ['/2.0/mlflow/experiments/delete'], write('manage', fromExperimentId, 'experiment.delete')],
  [['POST'], ['/2.0/mlflow/experiments/restore'], write('manage', fromExperimentId, 'experiment.restore')],
  [['POST'], ['/2.0/mlflow/experiments/update'], write('manage', fromExperimentId, 'experiment.rename')],
  [['GET'], ['/2.0/mlflow/experiments/get-by-name'], read(fromExperimentName)],
  // MLflow's auth checks "can update experiment" (EDIT) for both tag calls.
  [['POST'], ['/2.0/mlflow/experiments/set-experiment-tag'], write('edit', fromExperimentId, 'experiment.tag.set')],
  [
    ['POST'],
    ['/2.0/mlflow/experiments/delete-experiment-tag'],
    write('edit', fromExperimentId, 'experiment.tag.delete'),
  ],
  // Filtered to readable experiments by the route (request.auth.readableExperiments).
  [['GET', 'POST'], ['/2.0/mlflow/experiments/search'], { access: 'signed-in', read: true }],
  // Traces
  [['POST'], ['/3.0/mlflow/traces'], write('ingest', fromStartTrace)],
  [['GET'], ['/3.0/mlflow/traces/get'], read(fromTraceIdField)],
  [['GET'], ['/3.0/mlflow/traces/batchGet'], read(fromTraceIdsField)],
  [['POST'], ['/3.0/mlflow/traces/batchGetInfos'], read(fromTraceIdsField)],
  [['POST'], ['/3.0/mlflow/traces/search'], read(fromLocations)],
  [['GET'], ['/3.0/mlflow/traces/:trace_id'], read(fromTraceParam)],
  [
    ['POST'],
    ['/3.0/mlflow/traces/delete-traces', '/2.0/mlflow/traces/delete-traces'],
    write('manage', fromExperimentId, 'traces.delete'),
  ],
  [
    ['PATCH'],
    ['/3.0/mlflow/traces/:trace_id/tags', '/2.0/mlflow/traces/:trace_id/tags'],
    write('edit', fromTraceParam, 'tag.set'),
  ],
  [
    ['DELETE'],
    ['/3.0/mlflow/traces/:trace_id/tags', '/2.0/mlflow/traces/:trace_id/tags'],
    write('edit', fromTraceParam, 'tag.delete'),
  ],
  [['POST'], ['/2.0/mlflow/traces/link-to-run'], write('edit', fromTraceIdsField, 'trace.link-run')],
  [['POST'], ['/2.0/mlflow/traces/link-prompts'], write('edit', fromTraceIdField, 'trace.link-prompts')],
  // Assessments
  [['POST'], ['/3.0/mlflow/traces/:trace_id/assessments'], write('edit', fromTraceParam, 'assessment.create')],
  [['GET'], ['/3.0/mlflow/traces/:trace_id/assessments/:assessment_id'], read(fromTraceParam)],
  [
    ['PATCH'],
    ['/3.0/mlflow/traces/:trace_id/assessments/:assessment_id'],
    write('edit', fromTraceParam, 'assessment.update'),
  ],
  [
    ['DELETE'],
    ['/3.0/mlflow/traces/:trace_id/assessments/:assessment_id'],
    write('edit', fromTraceParam, 'assessment.delete'),
  ],
  // Metrics and extension reads
  [
    ['POST'],
    [
      '/3.0/mlflow/traces/metrics',
      `${EXT}/keys`,
      `${EXT}/values`,
      `${EXT}/count`,
      `${EXT}/groups`,
      `${EXT}/traces/since`,
    ],
    read(fromExperimentIds),
  ],
  // Bulk actions: tags and labels need EDIT, deleting MANAGE (as DeleteTraces).
  [['POST'], [`${EXT}/traces/batch`], write('edit', fromBatchSelection, 'traces.batch')],
  [['POST'], [`${EXT}/traces/batch-delete`], write('manage', fromBatchSelection, 'traces.batch-delete')],
  // Export reads the experiments it names; with trace_ids, only those ids within them are exported.
  [['GET', 'POST'], [`${EXT}/export`], read(fromExperimentIds)],
  [['POST'], [`${EXT}/export/columns`], read(fromExperimentIds)],
  // Import writes traces, tags, metadata and assessments into one experiment (its body is a stream, so the id is in the query).
  [['POST'], [`${EXT}/import`], write('edit', fromExperimentIdQuery, 'traces.import')],
  // Saved views (saved-views/saved-view-routes.ts): the row is the least a caller needs; the route
  // also requires the owner or manage to change someone else's view, and hides others' private views.
  [['GET'], [`${EXT}/saved-views/list`, `${EXT}/saved-views/get`], read(fromExperimentId)],
  [
    ['POST'],
    [`${EXT}/saved-views/create`, `${EXT}/saved-views/update`, `${EXT}/saved-views/delete`],
    write('edit', fromExperimentId),
  ],
  [['POST'], [`${EXT}/saved-views/set-default`], write('manage', fromExperimentId, 'saved-view.set-default')],
  // Artifacts (traces.json only)
  [['GET'], ['/2.0/mlflow-artifacts/artifacts/*'], read(fromArtifactPath)],
  [['PUT'], ['/2.0/mlflow-artifacts/artifacts/*'], write('ingest', fromArtifactPath)],
  // MLflow's user and permission endpoints (auth-routes.ts)
  [['POST'], ['/2.0/mlflow/users/create'], { access: 'admin' }],
  [['GET'], ['/2.0/mlflow/users/get'], { access: 'self-or-admin' }],
  [['PATCH'], ['/2.0/mlflow/users/update-password'], { access: 'self-or-admin' }],
  [['PATCH'], ['/2.0/mlflow/users/update-admin'], { access: 'admin' }],
  [['DELETE'], ['/2.0/mlflow/users/delete'], { access: 'admin' }],
  [['GET'], ['/2.0/mlflow/users/list'], { access: 'admin' }],
  [['POST'], ['/2.0/mlflow/experiments/permissions/create'], write('manage', fromExperimentId, 'permission.create')],
  [
    ['GET'],
    ['/2.0/mlflow/experiments/permissions/get'],
    { access: 'experiment', capability: 'manage', locate: fromExperimentId },
  ],
  [['PATCH'], ['/2.0/mlflow/experiments/permissions/update'], write('manage', fromExperimentId, 'permission.update')],
  [['DELETE'], ['/2.0/mlflow/experiments/permissions/delete'], write('manage', fromExperimentId, 'permission.delete')],
  // Explorer extensions for auth (auth-routes.ts)
  [['GET'], [`${EXT}/auth/status`], { access: 'public' }],
  [['POST'], [`${EXT}/auth/sign-in`, `${EXT}/auth/sign-out`], { access: 'public' }],
  [
    ['GET'],
    [`${EXT}/experiments/permissions/list`],
    { access: 'experiment', capability: 'manage', locate: fromExperimentId },
  ],
  [['GET'], [`${EXT}/experiments/my-permission`], read(fromExperimentId)],
  [['GET'], [`${EXT}/audit`], read(fromTraceIdField)],
  [['POST'], [`${EXT}/tokens/create`, `${EXT}/tokens/revoke`], { access: 'user' }],
  // Review queues (queues/review-queue-routes.ts): every request names its experiment; a queue of
  // another experiment is answered as missing. Working a queue is an edit, deleting one a manage.
  [
    ['GET'],
    [`${EXT}/review-queues/list`, `${EXT}/review-queues/get`, `${EXT}/review-queues/items`],
    read(fromExperimentId),
  ],
  [['POST'], [`${EXT}/review-queues/create`], write('edit', fromExperimentId, 'queue.create')],
  [['POST'], [`${EXT}/review-queues/update`], write('edit', fromExperimentId, 'queue.update')],
  [['POST'], [`${EXT}/review-queues/add-items`], write('edit', fromExperimentId, 'queue.add-items')],
  [
    ['POST'],
    [
      `${EXT}/review-queues/next`,
      `${EXT}/review-queues/complete`,
      `${EXT}/review-queues/skip`,
      `${EXT}/review-queues/release`,
    ],
    write('edit', fromExperimentId),
  ],
  [['POST'], [`${EXT}/review-queues/delete`], write('manage', fromExperimentId, 'queue.delete')],
  [['GET'], [`${EXT}/tokens/list`], { access: 'user' }],
];

/** Routes outside the API prefixes. */
const OTHER_RULES: [string, string, AccessRule][] = [
  ['GET', '/health', { access: 'public' }],
  ['GET', '/version', { access: 'signed-in' }],
  ['POST', '/v1/traces', write('ingest', fromOtlpHeader)],
  // The UI-only trace artifact route exists under /ajax-api only, as in MLflow.
  ['GET', '/ajax-api/2.0/mlflow/get-trace-artifact', read(fromRequestIdQuery)],
  ['GET', '/ajax-api/3.0/mlflow/get-trace-artifact', read(fromRequestIdQuery)],
];

function buildTable(): Map<string, AccessRule> {
  const table = new Map<string, AccessRule>();
  const add = (method: string, url: string, rule: AccessRule) => {
    const key = `${method} ${url}`;
    if (table.has(key)) throw new Error(`Two access rules for ${key}`);
    table.set(key, rule);
  };
  for (const [methods, paths, rule] of API_RULES)
    for (const method of methods)
      for (const path of paths) for (const prefix of API) add(method, `${prefix}${path}`, rule);
  for (const [method, url, rule] of OTHER_RULES) add(method, url, rule);
  return table;
}

const ACCESS_RULES: ReadonlyMap<string, AccessRule> = buildTable();

/**
 * The rule for a registered route: by method and the route's URL pattern (HEAD as its GET).
 * Files of the built explorer (@fastify/static marks them with `config.file`) are public.
 */
export function ruleFor(method: string, url: string, config: unknown): AccessRule | undefined {
  if (typeof config === 'object' && config !== null && typeof (config as { file?: unknown }).file === 'string')
    return { access: 'public' };
  return ACCESS_RULES.get(`${method === 'HEAD' ? 'GET' : method} ${url}`);
}
