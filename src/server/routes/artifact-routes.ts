import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MlflowError, notFound } from '../errors.ts';
import { SPAN_FILE_CLOSE, SPAN_FILE_OPEN, SPAN_FILE_SEPARATOR } from '../otlp/span-json.ts';
import { parseSpanDictFile } from '../otlp/span-dict-upload.ts';
import type { SpanChunks, TraceStore } from '../storage/trace-store.ts';
import { readSpanChunks, sendParts, spanTexts, STREAMED_ROUTE } from './span-stream.ts';
import type { SpanCap } from './span-cap.ts';
import { invalidParameter } from '../errors.ts';

/** `<exp>/traces/<trace_id>/artifacts/traces.json`: where clients put a trace's spans (§3.12). */
const TRACES_JSON = /^(?:[^/]+\/)*traces\/([^/]+)\/artifacts\/traces\.json$/;

/**
 * The trace a traces.json artifact path names, or undefined when the path is not one. The access rule
 * (auth/route-rules.ts) reads the path with this too, so it checks the trace the route serves.
 */
export function traceIdOfArtifactPath(path: string): string | undefined {
  return TRACES_JSON.exec(path)?.[1];
}

/** traces.json, `{"spans": [<span dict>, …]}`, streamed a chunk of spans at a time (span-stream.ts). */
function sendSpanFile(reply: FastifyReply, spans: SpanChunks): Promise<FastifyReply> {
  // MLflow serves traces.json as a text/plain attachment; clients parse it as JSON regardless.
  reply.header('Content-Disposition', 'attachment; filename=traces.json');
  return sendParts(
    reply,
    'text/plain; charset=utf-8',
    (async function* () {
      yield SPAN_FILE_OPEN;
      yield* spanTexts(spans.chunks, (s) => s.content, SPAN_FILE_SEPARATOR);
      yield SPAN_FILE_CLOSE;
    })(),
  );
}

export async function artifactRoutes(
  app: FastifyInstance,
  { store, spanCap }: { store: TraceStore; spanCap: SpanCap },
): Promise<void> {
  const getTraceArtifact = async (request: FastifyRequest, reply: FastifyReply) => {
    const query = request.query as Record<string, unknown>;
    const requestId = query.request_id;
    if (typeof requestId !== 'string' || requestId === '') {
      throw new MlflowError('BAD_REQUEST', 'Request must include the "request_id" query parameter.');
    }
    if (query.path !== undefined)
      throw notFound(`Attachment '${String(query.path)}' not found for trace '${requestId}'.`);
    const spans = await readSpanChunks(store, requestId);
    if (!spans) throw notFound(`Trace with ID '${requestId}' not found.`);
    return sendSpanFile(reply, spans);
  };
  for (const version of ['2.0', '3.0'])
    app.get(`/ajax-api/${version}/mlflow/get-trace-artifact`, STREAMED_ROUTE, getTraceArtifact);

  for (const prefix of ['/api', '/ajax-api']) {
    app.put(`${prefix}/2.0/mlflow-artifacts/artifacts/*`, async (request) => {
      const traceId = traceIdOfArtifactPath((request.params as { '*': string })['*']);
      if (!traceId)
        throw new MlflowError(
          'NOT_IMPLEMENTED',
          'This server stores only trace data (traces/<trace_id>/artifacts/traces.json).',
        );
      const body = Buffer.isBuffer(request.body)
        ? request.body.toString('utf8')
        : typeof request.body === 'string'
          ? request.body
          : '';
      let spans;
      try {
        spans = parseSpanDictFile(body, traceId);
      } catch (error) {
        throw invalidParameter(`Invalid traces.json: ${(error as Error).message}`);
      }
      // The upload replaces the trace's spans, so only its own size counts against the cap.
      if (spans.length > spanCap.max) {
        throw invalidParameter(
          `traces.json holds ${spans.length} spans; this server keeps at most ${spanCap.max} spans per trace (--max-spans-per-trace).`,
        );
      }
      await store.putTraceSpans(traceId, spans);
      return {};
    });
    app.get(`${prefix}/2.0/mlflow-artifacts/artifacts/*`, STREAMED_ROUTE, async (request, reply) => {
      const path = (request.params as { '*': string })['*'];
      const traceId = traceIdOfArtifactPath(path);
      if (!traceId) throw notFound(`Artifact '${path}' not found.`);
      const spans = await readSpanChunks(store, traceId);
      if (!spans) throw notFound(`Artifact '${path}' not found.`);
      return sendSpanFile(reply, spans);
    });
  }
}
