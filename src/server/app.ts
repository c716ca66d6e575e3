import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { answerClientError, MAX_HEADER_BYTES } from './client-error.ts';
import { MlflowError } from './errors.ts';
import { connectionsCheckingInterval, DEFAULT_HTTP_LIMITS, type HttpLimits } from './http-limits.ts';
import { experimentRoutes } from './routes/experiment-routes.ts';
import { healthRoutes } from './routes/health-routes.ts';
import { bothPrefixes, lenientJson } from './routes/mlflow-request.ts';
import { exportRoutes } from './routes/export-routes.ts';
import { EXTENSION_PREFIX } from '../core/model.ts';
import { traceRoutes } from './routes/trace-routes.ts';
import { otlpRoutes } from './routes/otlp-routes.ts';
import { artifactRoutes } from './routes/artifact-routes.ts';
import { assessmentRoutes } from './routes/assessment-routes.ts';
import { metricsRoutes } from './routes/metrics-routes.ts';
import { extensionRoutes } from './routes/extension-routes.ts';
import { tailRoutes } from './routes/tail-routes.ts';
import { traceBatchRoutes } from './routes/trace-batch-routes.ts';
import { DEFAULT_MAX_SPANS_PER_TRACE, SpanCap } from './routes/span-cap.ts';
import { DEFAULT_DECODE_INLINE_BYTES } from './otlp/decode-pool.ts';
import type { TraceStore } from './storage/trace-store.ts';
import type { AuthService } from './auth/auth-service.ts';
import { installAuthGuard } from './auth/auth-guard.ts';
import { authOffRoutes, authRoutes } from './auth/auth-routes.ts';
import type { ReviewQueueStore } from './queues/review-queue-store.ts';
import { reviewQueueRoutes } from './queues/review-queue-routes.ts';
import type { SavedViewStore } from './saved-views/saved-view-store.ts';
import { savedViewRoutes } from './saved-views/saved-view-routes.ts';

export interface AppOptions {
  store: TraceStore;
  /** Folder with the built explorer (index.html + assets); absent means API only. */
  staticDir?: string;
  /** Host-header allowlist (lower case, without port); `*` allows any. */
  allowedHosts?: string[];
  logger?: boolean;
  /** Timeouts and the connection cap; each absent field takes `DEFAULT_HTTP_LIMITS`. */
  limits?: Partial<HttpLimits>;
  /** Serve the explorer's `.map` files (off by default: they publish the source). */
  serveSourceMaps?: boolean;
  /** Spans one trace may hold (OTLP refuses the excess by partial success, traces.json with 400). */
  maxSpansPerTrace?: number;
  /** OTLP bodies below this many bytes are decoded on the event loop, larger ones in a decode thread (tests force 0). */
  decodeInlineBytes?: number;
  /** With it, every route needs credentials and a permission (src/server/auth); without, all is open. */
  auth?: AuthService;
  /** Review queues (queues/review-queue-routes.ts); without it the app has no queue endpoints. */
  reviewQueues?: ReviewQueueStore;
  /** The explorer's saved views (`saved-views/*` endpoints); absent: not offered (capabilities omit them). */
  savedViews?: SavedViewStore;
}

const API_PREFIXES = ['/api/', '/ajax-api/'];

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'self'",
  'X-Frame-Options': 'SAMEORIGIN',
  'Referrer-Policy': 'no-referrer',
};

/** Builds the Fastify app without listening, so tests can drive it through `inject`. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const limits = { ...DEFAULT_HTTP_LIMITS, ...options.limits };
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: 20 * 1024 * 1024,
    http: {
      // Node reads requestTimeout when the server is made (setting it later, as Fastify's option
      // does, is not honoured) and wants headersTimeout ≤ requestTimeout.
      requestTimeout: limits.requestTimeoutMs,
      headersTimeout: Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs),
      connectionsCheckingInterval: connectionsCheckingInterval(limits),
      maxHeaderSize: MAX_HEADER_BYTES,
      // Node would answer a missing Host with its own bare 400; the onRequest hook answers in the envelope.
      requireHostHeader: false,
    },
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    handlerTimeout: limits.handlerTimeoutMs,
    // While draining (graceful-shutdown.ts) a request that reaches an open connection is served, not
    // refused: this replica still has its database until the drain ends.
    return503OnClosing: false,
    // Parser errors and request timeouts (before any route runs) answer in MLflow's envelope.
    clientErrorHandler: answerClientError,
    // MLflow clients send ids in query strings as repeated keys.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 1000 },
    // Errors the router raises before any route or hook runs (a bad percent-escape, a path
    // parameter over maxParamLength) would otherwise answer Fastify's {error, code, statusCode}.
    frameworkErrors: (error, _request, reply) => {
      const { errorCode, status, message } = frameworkError(error);
      // The option's reply type is generic over route schemas this handler has none of. No hook
      // runs for these replies, so the security headers are set here.
      void (reply as FastifyReply).code(status).headers(SECURITY_HEADERS).send({ error_code: errorCode, message });
    },
  });

  app.server.maxConnections = limits.maxConnections;

  const allowed = options.allowedHosts ?? ['localhost', '127.0.0.1', '[::1]'];
  app.addHook('onRequest', async (request, reply) => {
    // HTTP/1.1 requires exactly one Host (RFC 9112 §3.2); Node keeps only the first of several.
    const hosts = hostHeaderCount(request.raw.rawHeaders);
    if (hosts > 1 || (hosts === 0 && request.raw.httpVersion === '1.1')) {
      return reply.code(400).send({
        error_code: 'BAD_REQUEST',
        message: `Bad Request. ${hosts > 1 ? 'More than one Host header.' : 'The Host header is missing.'}`,
      });
    }
    // DNS-rebinding defence: a browser tricked into calling us under a foreign name sends that name as Host.
    if (allowed.includes('*')) return;
    const host = (request.headers.host ?? '').toLowerCase().replace(/:\d+$/, '');
    if (!allowed.includes(host)) {
      return reply.code(403).send({ error_code: 'PERMISSION_DENIED', message: `Host '${host}' is not allowed.` });
    }
  });

  // MLflow parses bodies itself (Flask get_json(force=True, silent=True)): any content type, bad JSON
  // is {}. Parse every body as bytes and decide per route, so Fastify never answers 415.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) => {
    if (isRawBodyRoute(request.url)) return done(null, body);
    let parsed: unknown;
    try {
      parsed = lenientJson((body as Buffer).toString('utf8'));
    } catch (error) {
      return done(error as Error);
    }
    done(null, parsed);
  });

  app.addHook('preParsing', async (request, reply) => {
    // MLflow checks Content-Type on POST and PUT only (server/validation._validate_content_type).
    if (request.method !== 'POST' && request.method !== 'PUT') return;
    const path = request.url.split('?')[0];
    if (!API_PREFIXES.some((p) => path.startsWith(p)) || isRawBodyRoute(path)) return;
    const type = request.headers['content-type'];
    if (type === undefined || type === '') {
      return reply
        .code(400)
        .send({ error_code: 'INVALID_PARAMETER_VALUE', message: 'Bad Request. Content-Type header is missing.' });
    }
    if (type.split(';')[0].trim().toLowerCase() !== 'application/json') {
      return reply.code(400).send({
        error_code: 'INVALID_PARAMETER_VALUE',
        message: "Bad Request. Content-Type must be one of ['application/json'].",
      });
    }
  });

  // Once closing, every reply ends its connection, so a drain finishes with the requests in flight
  // instead of waiting out keep-alive clients (Node closes only the connections idle when it begins).
  let draining = false;
  app.addHook('preClose', async () => {
    draining = true;
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.headers(SECURITY_HEADERS);
    if (draining) reply.header('Connection', 'close');
    return payload;
  });

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof MlflowError) {
      return reply.code(error.statusCode).send({ error_code: error.errorCode, message: error.message });
    }
    if ((error as { code?: string }).code === 'FST_ERR_HANDLER_TIMEOUT') {
      return reply.code(503).send({
        error_code: 'TEMPORARILY_UNAVAILABLE',
        message: `The server could not answer within ${limits.handlerTimeoutMs / 1000} s; try again later.`,
      });
    }
    // SQLite's write lock stayed taken past LockRetry's budget (an auxiliary store's write beside the
    // trace store's writer thread): nothing is wrong with the request, so it may be tried again.
    if (String((error as { code?: unknown }).code ?? '').startsWith('SQLITE_BUSY')) {
      return reply
        .code(503)
        .send({ error_code: 'TEMPORARILY_UNAVAILABLE', message: 'The database is busy; try again shortly.' });
    }
    const status = (error as { statusCode?: number }).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      // Fastify's own client errors (bad JSON, body too large, unsupported media type).
      const code =
        status === 413 ? 'REQUEST_LIMIT_EXCEEDED' : status === 404 ? 'ENDPOINT_NOT_FOUND' : 'INVALID_PARAMETER_VALUE';
      const message =
        status === 413 ? 'Request body is too large (limit 20 MiB).' : `Bad Request. ${safeMessage(error)}`;
      return reply.code(status).send({ error_code: code, message });
    }
    request.log.error(error);
    return reply.code(500).send({ error_code: 'INTERNAL_ERROR', message: 'Internal server error.' });
  });

  // Before any route, so that every route gets the credential check and its access rule.
  if (options.auth) installAuthGuard(app, options.auth, options.store);
  await app.register(healthRoutes, { store: options.store });
  await app.register(experimentRoutes, { store: options.store });
  await app.register(traceRoutes, { store: options.store });
  const spanCap = new SpanCap(options.store, options.maxSpansPerTrace ?? DEFAULT_MAX_SPANS_PER_TRACE);
  await app.register(otlpRoutes, {
    store: options.store,
    spanCap,
    decodeInlineBytes: options.decodeInlineBytes ?? DEFAULT_DECODE_INLINE_BYTES,
    // The handler's own budget: a body the request can no longer use is not decoded further.
    decodeBudgetMs: limits.handlerTimeoutMs,
  });
  await app.register(artifactRoutes, { store: options.store, spanCap });
  await app.register(assessmentRoutes, { store: options.store });
  await app.register(metricsRoutes, { store: options.store });
  await app.register(extensionRoutes, {
    store: options.store,
    reviewQueues: options.reviewQueues !== undefined,
    savedViews: options.savedViews !== undefined,
  });
  await app.register(tailRoutes, { store: options.store });
  await app.register(traceBatchRoutes, { store: options.store });
  if (options.reviewQueues)
    await app.register(reviewQueueRoutes, { store: options.store, queues: options.reviewQueues });
  await app.register(exportRoutes, { store: options.store, maxSpansPerTrace: spanCap.max });
  if (options.savedViews) await app.register(savedViewRoutes, { store: options.store, views: options.savedViews });
  if (options.auth) await app.register(authRoutes, { service: options.auth });
  else await app.register(authOffRoutes);

  const staticDir = options.staticDir ? resolve(options.staticDir) : undefined;
  const hasUi = staticDir !== undefined && existsSync(join(staticDir, 'index.html'));
  if (hasUi) {
    await app.register(fastifyStatic, {
      root: staticDir,
      wildcard: false,
      index: false,
      // Source maps publish the source; a refused path falls through to the 404 below.
      allowedPath: (path) => options.serveSourceMaps === true || !path.endsWith('.map'),
    });
  }

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0];
    if (API_PREFIXES.some((p) => path.startsWith(p)) || path.startsWith('/v1/')) {
      return reply
        .code(404)
        .send({ error_code: 'ENDPOINT_NOT_FOUND', message: `No API endpoint for ${request.method} ${path}` });
    }
    if (hasUi && request.method === 'GET') {
      const asset = path.startsWith('/assets/') ? path.slice(1) : undefined;
      if (asset) return reply.code(404).send('Not found');
      // History fallback: deep links such as /traces/tr-123 load the single-page app.
      return reply.header('Cache-Control', 'no-cache').sendFile('index.html');
    }
    return reply.code(404).send({ error_code: 'ENDPOINT_NOT_FOUND', message: `Not found: ${path}` });
  });

  return app;
}

const IMPORT_PATHS = bothPrefixes(`${EXTENSION_PREFIX}/import`);

function hostHeaderCount(rawHeaders: string[]): number {
  let count = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i].toLowerCase() === 'host') count++;
  return count;
}

/** Routes whose body is not MLflow JSON: OTLP export, artifact uploads and trace import (JSONL). */
function isRawBodyRoute(url: string): boolean {
  return (
    url.startsWith('/v1/') ||
    IMPORT_PATHS.some((p) => url.startsWith(p)) ||
    url.startsWith('/api/2.0/mlflow-artifacts/') ||
    url.startsWith('/ajax-api/2.0/mlflow-artifacts/')
  );
}

/** MLflow's envelope for a router error; the message never echoes the path or Fastify internals. */
function frameworkError(error: { code?: string; statusCode?: number }): {
  errorCode: string;
  status: number;
  message: string;
} {
  switch (error.code) {
    case 'FST_ERR_BAD_URL':
      return {
        errorCode: 'INVALID_PARAMETER_VALUE',
        status: 400,
        message: 'Bad Request. The URL path is not validly percent-encoded.',
      };
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return {
        errorCode: 'INVALID_PARAMETER_VALUE',
        status: 400,
        message: 'Bad Request. A path parameter is longer than 1000 characters.',
      };
    default: {
      const status = error.statusCode ?? 500;
      return status >= 400 && status < 500
        ? { errorCode: 'INVALID_PARAMETER_VALUE', status, message: 'Bad Request.' }
        : { errorCode: 'INTERNAL_ERROR', status: 500, message: 'Internal server error.' };
    }
  }
}

function safeMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // Fastify's messages name the problem (e.g. "Body is not valid JSON"); cut anything long.
  return message.split('\n')[0].slice(0, 200);
}
