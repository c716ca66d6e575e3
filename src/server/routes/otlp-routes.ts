import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { promisify } from 'node:util';
import { gunzip, inflate, inflateRaw } from 'node:zlib';
import { MlflowError } from '../errors.ts';
import { DecodePool, type Decoded } from '../otlp/decode-pool.ts';
import { priceTableOf } from './price-table-of.ts';
import { encodeOtlpResponse, OtlpFormatError } from '../otlp/decode-otlp.ts';
import type { TraceStore } from '../storage/trace-store.ts';
import { admittedSpans, countByTrace, type SpanCap } from './span-cap.ts';

export const MAX_DECOMPRESSED_BYTES = 20 * 1024 * 1024;

/** FastAPI's error shape, which MLflow's OTLP route uses (§3.13); answered with MLflow's envelope beside it. */
class OtlpHttpError extends Error {
  readonly status: number;
  readonly detail: unknown;
  constructor(status: number, detail: unknown) {
    super(typeof detail === 'string' ? detail : 'OTLP request error');
    this.status = status;
    this.detail = detail;
  }
}

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);
const inflateRawAsync = promisify(inflateRaw);

/** Decompressed in libuv's thread pool, not on the event loop; at most MAX_DECOMPRESSED_BYTES come out (bombs: 413). */
async function decompress(body: Buffer, encoding: string | undefined): Promise<Buffer> {
  const enc = (encoding ?? '').trim().toLowerCase();
  const options = { maxOutputLength: MAX_DECOMPRESSED_BYTES };
  try {
    if (enc === '' || enc === 'identity') return body;
    if (enc === 'gzip' || enc === 'x-gzip') return await gunzipAsync(body, options);
    if (enc === 'deflate') {
      try {
        return await inflateAsync(body, options);
      } catch (error) {
        if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw error;
        return await inflateRawAsync(body, options);
      }
    }
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new OtlpHttpError(413, `Request body exceeds ${MAX_DECOMPRESSED_BYTES} bytes after decompression`);
    }
    throw new OtlpHttpError(400, 'Failed to decompress request body');
  }
  throw new OtlpHttpError(400, `Unsupported Content-Encoding: ${encoding}`);
}

export async function otlpRoutes(
  app: FastifyInstance,
  {
    store,
    spanCap,
    decodeInlineBytes,
    decodeBudgetMs,
  }: { store: TraceStore; spanCap: SpanCap; decodeInlineBytes: number; decodeBudgetMs: number },
): Promise<void> {
  // Large bodies are decoded and converted in a decode thread, off the event loop.
  const decoder = new DecodePool({ inlineMaxBytes: decodeInlineBytes, budgetMs: decodeBudgetMs });
  app.addHook('onClose', () => decoder.close());

  // FastAPI's `detail` (what MLflow's OTLP route answers) beside MLflow's envelope, so a client reading
  // either shape finds its error: every /v1 error carries `error_code` and `message` as /api's do.
  const fail = (reply: FastifyReply, status: number, detail: unknown) =>
    reply.code(status).send({
      detail,
      error_code: status === 413 ? 'REQUEST_LIMIT_EXCEEDED' : 'INVALID_PARAMETER_VALUE',
      message: typeof detail === 'string' ? detail : 'Invalid OTLP request',
    });
  const errorHandler = (error: FastifyError | Error, _request: FastifyRequest, reply: FastifyReply) => {
    // The per-request budget is the app's rule (503 TEMPORARILY_UNAVAILABLE, which exporters retry):
    // rethrown, it reaches the app's error handler.
    if ((error as FastifyError).code === 'FST_ERR_HANDLER_TIMEOUT') throw error;
    if (error instanceof OtlpHttpError) return fail(reply, error.status, error.detail);
    if (error instanceof MlflowError)
      return reply.code(error.statusCode).send({ error_code: error.errorCode, message: error.message });
    const status = (error as { statusCode?: number }).statusCode;
    if (status === 413) return fail(reply, 413, `Request body exceeds ${MAX_DECOMPRESSED_BYTES} bytes`);
    if (typeof status === 'number' && status >= 400 && status < 500) return fail(reply, status, 'Invalid request');
    return fail(reply, 422, 'Failed to log OpenTelemetry spans');
  };

  app.post('/v1/traces', { errorHandler }, async (request, reply) => {
    const experimentId = request.headers['x-mlflow-experiment-id'];
    if (typeof experimentId !== 'string' || experimentId === '') {
      throw new OtlpHttpError(422, [
        { type: 'missing', loc: ['header', 'x-mlflow-experiment-id'], msg: 'Field required', input: null },
      ]);
    }
    const contentType = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (contentType !== 'application/x-protobuf' && contentType !== 'application/json') {
      throw new OtlpHttpError(
        400,
        `Invalid Content-Type: ${request.headers['content-type'] ?? ''}. Expected: application/x-protobuf or application/json`,
      );
    }
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const body = await decompress(raw, request.headers['content-encoding']);
    let decoded: Decoded;
    try {
      const encoding = contentType === 'application/json' ? 'json' : 'protobuf';
      decoded = await decoder.decode(encoding, body, () => priceTableOf(store, experimentId));
    } catch (error) {
      if (error instanceof OtlpFormatError) throw new OtlpHttpError(400, error.message);
      throw error;
    }
    let { rejected, reason } = decoded;
    // MLflow answers 422 when a span cannot be converted; with some good spans we store those
    // and report the rest through OTLP partial success instead.
    const count = decoded.packed ? decoded.spans.count : decoded.spans.length;
    if (count === 0) throw new OtlpHttpError(422, 'Cannot convert OpenTelemetry span to MLflow span');
    // A large body's spans stay packed (a decode thread made them): the event loop sees their counts per trace.
    const traces = decoded.packed ? decoded.traces : countByTrace(decoded.spans);
    const traceIds = traces.map(([traceId]) => traceId);
    // With auth on: spans may also land in traces that already exist, so their experiments are checked too.
    await request.auth?.requireTraces(traceIds, 'ingest');
    // Spans beyond the per-trace cap are refused through partial success too (200, so exporters do not retry).
    const admission = await spanCap.admit(traces);
    try {
      if (admission.admitted > 0) {
        if (decoded.packed)
          await store.logPackedSpans({ experimentId, spans: decoded.spans, traceIds, limits: admission.limits });
        else await store.logSpans({ experimentId, spans: admittedSpans(decoded.spans, admission) });
      }
    } finally {
      spanCap.release(admission);
    }
    rejected += admission.refused;
    reason = [reason, admission.message].filter((r) => r !== '').join(' ');
    if (contentType === 'application/json') {
      return reply
        .type('application/json')
        .send(rejected > 0 ? { partialSuccess: { rejectedSpans: String(rejected), errorMessage: reason } } : {});
    }
    return reply.type('application/x-protobuf').send(Buffer.from(encodeOtlpResponse(rejected, reason)));
  });
}
