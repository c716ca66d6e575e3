import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { METADATA, TAGS, type TraceInfo } from '../../core/model.ts';
import { invalidParameter, MlflowError, notFound } from '../errors.ts';
import { spanDictToOtel } from '../otlp/span-json.ts';
import type { SpanChunks, TraceStore } from '../storage/trace-store.ts';
import { jsonText, type JsonOut } from '../wire-format.ts';
import {
  bothPrefixes,
  field,
  missingParameter,
  optionalArray,
  optionalBool,
  optionalInt,
  optionalObject,
  optionalString,
  optionalStringList,
  readRequest,
  requireString,
  typeError,
  type RequestFields,
  readsQuery,
} from './mlflow-request.ts';
import { decodePageCursor, encodePageToken } from './page-token.ts';
import { readSpanChunks, sendParts, spanTexts, STREAMED_ROUTE } from './span-stream.ts';
import { parseExperimentIds, parseTraceFilter, parseTraceOrderBy } from './search-request.ts';
import { decodeTraceInfo, experimentIdOfLocation } from './trace-decode.ts';
import { toWireTraceInfo } from './trace-info-wire.ts';
import { validateTagKey, truncateTagValue } from './tag-validation.ts';

export const MAX_SEARCH_RESULTS = 500;

const JSON_TYPE = 'application/json; charset=utf-8';

/** `{"trace_info":…,"spans":[…]}`, the spans written chunk by chunk (span-stream.ts). */
async function* traceWithSpans(info: TraceInfo, spans: SpanChunks | undefined): AsyncGenerator<string> {
  yield `{"trace_info":${jsonText(toWireTraceInfo(info) as unknown as JsonOut)},"spans":[`;
  if (spans) yield* spanTexts(spans.chunks, (s) => jsonText(spanDictToOtel(s.content)), ',');
  yield ']}';
}

/** The number of spans the SDK says the trace has (mlflow.trace.sizeStats.num_spans), if known. */
function expectedSpanCount(info: TraceInfo): number | undefined {
  const stats = info.trace_metadata[METADATA.sizeStats];
  if (!stats) return undefined;
  try {
    const n = (JSON.parse(stats) as { num_spans?: unknown }).num_spans;
    return typeof n === 'number' ? n : undefined;
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function traceRoutes(app: FastifyInstance, { store }: { store: TraceStore }): Promise<void> {
  const startTrace = async (request: FastifyRequest) => {
    const body = readRequest(request);
    const trace = optionalObject(body, 'trace');
    if (!trace) throw missingParameter('trace');
    const info = optionalObject(trace, 'trace_info');
    if (!info) throw missingParameter('trace_info');
    return { trace: { trace_info: toWireTraceInfo(await store.startTrace(decodeTraceInfo(info))) } };
  };

  const getTrace = async (request: FastifyRequest, reply: FastifyReply) => {
    const fields = readRequest(request);
    const traceId = requireString(fields, 'trace_id');
    const allowPartial = optionalBool(fields, 'allow_partial') ?? false;
    // MLflow sleeps up to 3 s for late spans; we wait briefly (bounded) and then answer.
    for (let attempt = 0; ; attempt++) {
      const info = await store.getTraceInfo(traceId);
      if (!info) throw notFound(`Trace with ID ${traceId} is not found.`);
      if (info.tags[TAGS.spansLocation] !== 'TRACKING_STORE') {
        throw new MlflowError('INTERNAL_ERROR', 'Trace data not stored in tracking store');
      }
      const spans = await readSpanChunks(store, traceId);
      const expected = expectedSpanCount(info);
      if (allowPartial || expected === undefined || (spans?.count ?? 0) >= expected)
        return sendParts(
          reply,
          JSON_TYPE,
          (async function* () {
            yield '{"trace":';
            yield* traceWithSpans(info, spans);
            yield '}';
          })(),
        );
      if (attempt >= 2) throw notFound(`Trace with ID ${traceId} is not fully exported yet, please try again later.`);
      await sleep(100);
    }
  };

  const batchGet = async (request: FastifyRequest, reply: FastifyReply) => {
    const ids = optionalStringList(readRequest(request), 'trace_ids', readsQuery(request));
    if (!ids || ids.length === 0) throw missingParameter('trace_ids');
    if (ids.length > 1000) throw invalidParameter(`Too many trace_ids: ${ids.length} (at most 1000).`);
    const infos = await store.getTraceInfos(ids);
    const stored = infos.filter((i) => i.tags[TAGS.spansLocation] === 'TRACKING_STORE');
    const counts = await store.spanCounts(stored.map((i) => i.trace_id));
    const complete = stored.filter((info) => {
      const expected = expectedSpanCount(info);
      return expected === undefined || (counts.get(info.trace_id) ?? 0) >= expected;
    });
    // One trace at a time, each a chunk at a time: a batch of large traces is never held whole.
    return sendParts(
      reply,
      JSON_TYPE,
      (async function* () {
        yield '{"traces":[';
        for (const [i, info] of complete.entries()) {
          if (i > 0) yield ',';
          yield* traceWithSpans(info, await readSpanChunks(store, info.trace_id));
        }
        yield ']}';
      })(),
    );
  };

  const batchGetInfos = async (request: FastifyRequest) => {
    const ids = optionalStringList(readRequest(request), 'trace_ids');
    if (!ids || ids.length === 0) throw missingParameter('trace_ids');
    if (ids.length > 1000) throw invalidParameter(`Too many trace_ids: ${ids.length} (at most 1000).`);
    return { trace_infos: (await store.getTraceInfos(ids)).map(toWireTraceInfo) };
  };

  const search = async (request: FastifyRequest) => {
    const body = readRequest(request);
    const locations = optionalArray(body, 'locations');
    if (locations === undefined) throw missingParameter('locations');
    const located: string[] = [];
    for (const location of locations) {
      if (typeof location !== 'object' || location === null || Array.isArray(location))
        throw typeError('locations', locations);
      const id = experimentIdOfLocation(location as RequestFields);
      if (id !== undefined) located.push(id);
    }
    const { ids: experimentIds, invalid } = parseExperimentIds(located);
    if (invalid.length > 0)
      throw invalidParameter(
        `Locations must be a list of experiment IDs. Found invalid experiment IDs: ${invalid.join(', ')}`,
      );
    const maxResults = optionalInt(body, 'max_results') ?? 100;
    if (maxResults > MAX_SEARCH_RESULTS) {
      throw invalidParameter(
        `Invalid value ${maxResults} for parameter 'max_results' supplied:  Hint: Value was of type 'int'. See the API docs for more information about request parameters.`,
      );
    }
    if (maxResults < 1)
      throw invalidParameter(
        `Invalid value ${maxResults} for parameter 'max_results' supplied. It must be a positive integer`,
      );
    const filterText = optionalString(body, 'filter');
    const orderByText = optionalStringList(body, 'order_by');
    const cursor = decodePageCursor(optionalString(body, 'page_token') || undefined);
    const filter = parseTraceFilter(filterText);
    const orderBy = parseTraceOrderBy(orderByText);
    const result = await store.searchTraces({ experimentIds, filter, orderBy, maxResults, cursor });
    return {
      traces: result.traces.map(toWireTraceInfo),
      ...(result.next ? { next_page_token: encodePageToken(result.next.offset, result.next) } : {}),
    };
  };

  const deleteTraces = async (request: FastifyRequest) => {
    const body = readRequest(request);
    const experimentId = requireString(body, 'experiment_id');
    const maxTimestamp = optionalInt(body, 'max_timestamp_millis');
    const maxTraces = optionalInt(body, 'max_traces');
    const ids = optionalStringList(body, 'request_ids') ?? optionalStringList(body, 'trace_ids');
    if (maxTimestamp === undefined && ids === undefined)
      throw invalidParameter('Either `max_timestamp_millis` or `trace_ids` must be specified.');
    if (maxTimestamp !== undefined && ids !== undefined)
      throw invalidParameter('Only one of `max_timestamp_millis` and `trace_ids` can be specified.');
    if (ids !== undefined && maxTraces !== undefined)
      throw invalidParameter("`max_traces` can't be specified if `trace_ids` is specified.");
    if (maxTraces !== undefined && maxTraces <= 0)
      throw invalidParameter(`\`max_traces\` must be a positive integer, received ${maxTraces}.`);
    if (!/^-?\d+$/.test(experimentId)) return { traces_deleted: 0 };
    const deleted =
      ids !== undefined
        ? await store.deleteTraces({ experimentId, traceIds: ids })
        : await store.deleteTraces({ experimentId, maxTimestampMillis: maxTimestamp ?? 0, maxTraces });
    return { traces_deleted: deleted };
  };

  const setTag = async (request: FastifyRequest) => {
    const params = request.params as { trace_id: string };
    const body = readRequest(request);
    const key = requireString(body, 'key');
    validateTagKey(key);
    const value = optionalString(body, 'value') ?? '';
    await store.setTraceTag(params.trace_id, key, truncateTagValue(value));
    return {};
  };

  const deleteTag = async (request: FastifyRequest) => {
    const params = request.params as { trace_id: string };
    let key = field(readRequest(request), 'key');
    if (key === undefined) key = (request.query as RequestFields).key;
    if (key === undefined || key === '' || key === null) throw missingParameter('key');
    if (typeof key !== 'string') throw typeError('key', key);
    await store.deleteTraceTag(params.trace_id, key);
    return {};
  };

  const linkToRun = async (request: FastifyRequest) => {
    const body = readRequest(request);
    const ids = optionalStringList(body, 'trace_ids') ?? [];
    const runId = requireString(body, 'run_id');
    if (ids.length > 100)
      throw invalidParameter(
        `Cannot link more than 100 traces to a run in a single request. Provided ${ids.length} traces.`,
      );
    await store.linkTracesToRun(ids, runId);
    return {};
  };

  const linkPrompts = async (request: FastifyRequest) => {
    const body = readRequest(request);
    const traceId = requireString(body, 'trace_id');
    const versions = optionalArray(body, 'prompt_versions') ?? [];
    const prompts = versions.map((v) => {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw typeError('prompt_versions', versions);
      const entry = v as RequestFields;
      const version = field(entry, 'version');
      return {
        name: requireString(entry, 'name'),
        version: typeof version === 'number' ? String(version) : requireString(entry, 'version'),
      };
    });
    await store.linkPrompts(traceId, prompts);
    return {};
  };

  const getInfo = async (request: FastifyRequest) => {
    const { trace_id: traceId } = request.params as { trace_id: string };
    const info = await store.getTraceInfo(traceId);
    if (!info) throw notFound(`Trace with ID '${traceId}' not found.`);
    return { trace: { trace_info: toWireTraceInfo(info) } };
  };

  for (const base of bothPrefixes('/3.0/mlflow/traces')) {
    app.post(base, startTrace);
    app.get(`${base}/get`, STREAMED_ROUTE, getTrace);
    app.get(`${base}/batchGet`, STREAMED_ROUTE, batchGet);
    app.post(`${base}/batchGetInfos`, batchGetInfos);
    app.post(`${base}/search`, search);
    app.post(`${base}/delete-traces`, deleteTraces);
    app.get(`${base}/:trace_id`, getInfo);
    app.patch(`${base}/:trace_id/tags`, setTag);
    app.delete(`${base}/:trace_id/tags`, deleteTag);
  }
  for (const base of bothPrefixes('/2.0/mlflow/traces')) {
    app.post(`${base}/delete-traces`, deleteTraces);
    app.post(`${base}/link-to-run`, linkToRun);
    app.post(`${base}/link-prompts`, linkPrompts);
    app.patch(`${base}/:trace_id/tags`, setTag);
    app.delete(`${base}/:trace_id/tags`, deleteTag);
  }
}
