// Export of a filtered set or a list of traces as CSV or JSONL, streamed (export/export-chunks.ts),
// and import of such JSONL into an experiment, read line by line (export/import-traces.ts).
// Documented in src/server/README.md ("Export and import").
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { EXTENSION_PREFIX } from '../../core/model.ts';
import { invalidParameter, MlflowError, notFound } from '../errors.ts';
import { allColumns, columnError } from '../export/export-columns.ts';
import { exportChunks, type ExportOptions } from '../export/export-chunks.ts';
import { TraceImporter } from '../export/import-traces.ts';
import { readLines } from '../export/read-lines.ts';
import type { ExportSelection } from '../export/trace-pages.ts';
import type { TraceStore } from '../storage/trace-store.ts';
import {
  bothPrefixes,
  missingParameter,
  optionalBool,
  optionalString,
  optionalStringList,
  readRequest,
  type RequestFields,
  readsQuery,
} from './mlflow-request.ts';
import { parseExperimentIds, parseTraceFilter } from './search-request.ts';

/** A selection by ids holds at most this many (the explorer's selections are far smaller). */
const MAX_EXPORT_TRACE_IDS = 100_000;
/**
 * An import line (one trace with its spans) may be this long; the body itself is never held. Parsing a
 * line takes about eight times its size in memory (a 64 MiB line took ≈0.5 GB), so it stays below the
 * 20 MiB body limit of the JSON routes: no trace imports that could not also be sent as a request.
 */
const MAX_IMPORT_LINE_BYTES = 16 * 1024 * 1024;
/**
 * An export may stream, and an import may read its body, for this long: the 25 s request budget is
 * for answers, not transfers (a large import answered 503 at 25 s while it kept writing).
 */
const TRANSFER_TIME_BUDGET_MS = 6 * 60 * 60 * 1000;
const NDJSON = 'application/x-ndjson';

function experimentIdsOf(request: FastifyRequest, body: RequestFields): number[] {
  const list = optionalStringList(body, 'experiment_ids', readsQuery(request));
  if (!list || list.length === 0) throw missingParameter('experiment_ids');
  const { ids, invalid } = parseExperimentIds(list);
  if (invalid.length > 0) throw invalidParameter(`Invalid experiment IDs: ${invalid.join(', ')}`);
  return ids;
}

/** Assessment names of the experiments (label columns), from the ASSESSMENTS metrics view. */
async function labelNames(store: TraceStore, experimentIds: number[]): Promise<string[]> {
  const points = await store.queryMetrics({
    experimentIds,
    viewType: 'ASSESSMENTS',
    metricName: 'assessment_count',
    aggregations: [{ type: 'COUNT' }],
    dimensions: [{ kind: 'builtin', name: 'assessment_name' }],
    filters: [],
    maxResults: 1000,
  });
  return points.map((p) => p.dimensions.assessment_name);
}

async function columnsOf(store: TraceStore, experimentIds: number[]): Promise<string[]> {
  const [keys, labels] = await Promise.all([store.listKeys(experimentIds, 1000), labelNames(store, experimentIds)]);
  return allColumns(keys.keys, labels);
}

function fileName(experimentIds: number[], format: string): string {
  const stamp = new Date().toISOString().slice(0, 19).replaceAll(':', '').replace('T', '-');
  return `traces-${experimentIds.slice(0, 3).join('_')}-${stamp}.${format}`;
}

export async function exportRoutes(
  app: FastifyInstance,
  { store, maxSpansPerTrace }: { store: TraceStore; maxSpansPerTrace: number },
): Promise<void> {
  // Import bodies are streams: read line by line, never buffered whole (app.ts lets this route's body through raw).
  app.addContentTypeParser(NDJSON, (_request, payload, done) => done(null, payload));

  const exportTraces = async (request: FastifyRequest, reply: FastifyReply) => {
    const body = readRequest(request);
    const experimentIds = experimentIdsOf(request, body);
    const format = optionalString(body, 'format') ?? 'csv';
    if (format !== 'csv' && format !== 'jsonl')
      throw invalidParameter(`Invalid format '${format}': expected 'csv' or 'jsonl'.`);
    const traceIds = optionalStringList(body, 'trace_ids', readsQuery(request));
    const filterText = optionalString(body, 'filter');
    if (traceIds && filterText) throw invalidParameter("Pass either 'trace_ids' or 'filter', not both.");
    if (traceIds && traceIds.length > MAX_EXPORT_TRACE_IDS)
      throw invalidParameter(`At most ${MAX_EXPORT_TRACE_IDS} trace_ids may be exported at once.`);
    const selection: ExportSelection = traceIds
      ? { kind: 'ids', experimentIds, traceIds }
      : { kind: 'filter', experimentIds, filter: parseTraceFilter(filterText) };
    const requested = format === 'csv' ? optionalStringList(body, 'columns', readsQuery(request)) : undefined;
    for (const c of requested ?? []) {
      const error = columnError(c);
      if (error) throw invalidParameter(error);
    }
    const spans = format === 'jsonl' && (optionalBool(body, 'spans') ?? false);
    const headers = {
      'Content-Type': format === 'csv' ? 'text/csv; charset=utf-8' : `${NDJSON}; charset=utf-8`,
      'Content-Disposition': `attachment; filename="${fileName(experimentIds, format)}"`,
      'Cache-Control': 'no-store',
    };
    // HEAD: GET's status and headers without the export (Fastify would run the whole stream to discard it).
    if (request.method === 'HEAD') return reply.headers(headers).send(Readable.from([]));
    const options: ExportOptions =
      format === 'csv'
        ? { format, columns: requested && requested.length > 0 ? requested : await columnsOf(store, experimentIds) }
        : { format, spans };

    const stream = Readable.from(exportChunks(store, selection, options), { objectMode: false });
    stream.on('error', (error) => request.log.error(error, 'export stopped'));
    return reply.headers(headers).send(stream);
  };

  const exportColumns = async (request: FastifyRequest) => {
    const body = readRequest(request);
    return { columns: await columnsOf(store, experimentIdsOf(request, body)) };
  };

  const importTraces = async (request: FastifyRequest, reply: FastifyReply) => {
    const experimentId = (request.query as Record<string, unknown>).experiment_id;
    if (typeof experimentId !== 'string' || experimentId === '') throw missingParameter('experiment_id');
    const experiment = /^\d+$/.test(experimentId) ? await store.getExperiment(experimentId) : undefined;
    if (!experiment || experiment.lifecycle_stage !== 'active')
      throw notFound(`No active experiment with id ${experimentId}.`);
    const raw = request.body;
    const body: AsyncIterable<Buffer | string> | Buffer[] =
      raw instanceof Readable ? raw : [Buffer.isBuffer(raw) ? raw : Buffer.from(typeof raw === 'string' ? raw : '')];
    const importer = new TraceImporter(store, experiment.experiment_id, maxSpansPerTrace);
    for await (const line of readLines(body, MAX_IMPORT_LINE_BYTES)) {
      // The budget ran out and the 503 went out: the client was told it failed, so write no more.
      if (reply.sent) return undefined;
      if ('tooLong' in line) {
        // The lines before it are written; the client learns where to resume (the rest is not read).
        const { imported, failed } = await importer.finish();
        throw new MlflowError(
          'REQUEST_LIMIT_EXCEEDED',
          `Import stopped at line ${line.number}: it is longer than ${MAX_IMPORT_LINE_BYTES / 1024 / 1024} MiB. ` +
            `The lines before it were read (${imported} imported, ${failed} failed); send the rest in a new request.`,
          413,
        );
      }
      await importer.add(line);
    }
    return reply.sent ? undefined : importer.finish();
  };

  for (const base of bothPrefixes(EXTENSION_PREFIX)) {
    app.get(`${base}/export`, { handlerTimeout: TRANSFER_TIME_BUDGET_MS }, exportTraces);
    app.post(`${base}/export`, { handlerTimeout: TRANSFER_TIME_BUDGET_MS }, exportTraces);
    app.post(`${base}/export/columns`, exportColumns);
    app.post(`${base}/import`, { handlerTimeout: TRANSFER_TIME_BUDGET_MS }, importTraces);
  }
}
