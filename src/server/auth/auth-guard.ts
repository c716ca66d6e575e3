// Installs the one credential check and the access rules on every route. Authentication runs
// first (onRequest: no body is parsed for a caller without credentials), then the route's rule;
// rules that need the request body (experiment ids, trace ids) run in preHandler.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MlflowError } from '../errors.ts';
import type { TraceStore } from '../storage/trace-store.ts';
import { optionalObject, optionalString, readRequest, type RequestFields } from '../routes/mlflow-request.ts';
import { permissionDenied, SESSION_COOKIE, type AuthService, type Principal } from './auth-service.ts';
import type { Capability } from './permissions.ts';
import { experimentsOfTraces, MAX_LOCATED_TRACES, ruleFor, type AccessRule } from './route-rules.ts';

/** What a route may ask about the caller when auth is on (`request.auth` is null when it is off). */
class RequestAuth {
  readonly principal: Principal;
  /** Experiments the route's rule found in the request (for the audit trail). */
  experimentIds: string[] = [];
  private readonly service: AuthService;
  private readonly store: TraceStore;

  constructor(principal: Principal, service: AuthService, store: TraceStore) {
    this.principal = principal;
    this.service = service;
    this.store = store;
  }

  /** Which experiments the caller may read (routes that list experiments filter with it). */
  readableExperiments(): Promise<(experimentId: string) => boolean> {
    return this.service.readableExperiments(this.principal);
  }

  /** Whether the caller has `capability` on an experiment (for routes whose rule depends on the row, e.g. saved views). */
  can(experimentId: string, capability: Capability): Promise<boolean> {
    return this.service.allows(this.principal, [experimentId], capability);
  }

  /** Refuses (403) unless the caller has `capability` on the experiments of these traces. */
  async requireTraces(traceIds: string[], capability: Capability): Promise<void> {
    // An OTLP batch may name more traces than a request's ids may (route-rules.ts): read them in chunks.
    const experiments = new Set<string>();
    for (let i = 0; i < traceIds.length; i += MAX_LOCATED_TRACES)
      for (const id of await experimentsOfTraces(this.store, traceIds.slice(i, i + MAX_LOCATED_TRACES)))
        experiments.add(id);
    if (!(await this.service.allows(this.principal, [...experiments], capability))) throw permissionDenied();
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: RequestAuth | null;
  }
  interface FastifyInstance {
    /** Every route registered after the guard, with its access rule (undefined: none, so refused). */
    accessTable: { method: string; url: string; rule: AccessRule | undefined }[];
  }
}

const API_PATH = /^\/(?:api|ajax-api|v1)\//;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The value of one cookie from a Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * Whether a request comes from another origin's page. A page on another origin of the same host
 * (another port) is not the explorer, and SameSite=Lax does not stop it (same site), so
 * cookie-authenticated writes need this. Browsers send `Origin` on every cross-origin POST/PATCH/
 * DELETE and `Sec-Fetch-Site` on every request; the Origin must name this host and port, else
 * Sec-Fetch-Site must say same-origin (or none: typed by the user). A request with neither header
 * is not from a browser page (curl, an SDK), where cross-site forgery cannot happen.
 */
export function isCrossOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  const host = (request.headers.host ?? '').toLowerCase();
  if (typeof origin === 'string') {
    if (origin === 'null') return true;
    try {
      return new URL(origin).host.toLowerCase() !== host;
    } catch {
      return true;
    }
  }
  const site = request.headers['sec-fetch-site'];
  if (site === undefined) return false;
  return site !== 'same-origin' && site !== 'none';
}

function sendError(reply: FastifyReply, error: MlflowError): FastifyReply {
  if (error.errorCode === 'UNAUTHENTICATED') reply.header('WWW-Authenticate', 'Bearer realm="trace-explorer"');
  return reply.code(error.statusCode).send({ error_code: error.errorCode, message: error.message });
}

const isHumanSource = (source: RequestFields | undefined): boolean => {
  const type = source?.source_type ?? source?.sourceType;
  return type === 'HUMAN' || type === 2;
};

/** With auth on, a HUMAN assessment's source is the caller: a client cannot label as someone else. */
function stampHumanSource(assessment: unknown, username: string): void {
  if (typeof assessment !== 'object' || assessment === null || Array.isArray(assessment)) return;
  const source = optionalObject(assessment as RequestFields, 'source');
  if (!source || !isHumanSource(source)) return;
  delete source.sourceId;
  source.source_id = username;
}

function stampHumanSources(request: FastifyRequest, url: string, username: string): void {
  const body = request.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body) || Buffer.isBuffer(body)) return;
  if (url.endsWith('/assessments')) {
    stampHumanSource(optionalObject(body as RequestFields, 'assessment'), username);
  } else if (url.endsWith('/mlflow/traces')) {
    const trace = optionalObject(body as RequestFields, 'trace');
    const info = trace && optionalObject(trace, 'trace_info');
    const list = info?.assessments;
    if (Array.isArray(list)) for (const a of list) stampHumanSource(a, username);
  }
}

function auditDetail(request: FastifyRequest, action: string): string | null {
  const fields = readRequest(request);
  if (action.startsWith('tag.')) {
    const key = optionalString(fields, 'key') ?? (request.query as Record<string, unknown>).key;
    return typeof key === 'string' ? `key=${key}` : null;
  }
  if (action.startsWith('permission.')) {
    const user = fields.username;
    const permission = fields.permission;
    return typeof user === 'string'
      ? `user=${user}${typeof permission === 'string' ? ` permission=${permission}` : ''}`
      : null;
  }
  if (action.startsWith('assessment.')) {
    const id = (request.params as { assessment_id?: string }).assessment_id;
    return id ? `assessment=${id}` : null;
  }
  return null;
}

export function installAuthGuard(app: FastifyInstance, service: AuthService, store: TraceStore): void {
  app.decorateRequest('auth', null);
  app.decorate('accessTable', []);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      app.accessTable.push({ method, url: route.url, rule: ruleFor(method, route.url, route.config) });
    }
  });

  app.addHook('onRequest', async (request, reply) => {
    const url = request.routeOptions.url;
    let rule: AccessRule | undefined;
    if (url === undefined) {
      // No route: the explorer's history fallback and 404s. API paths still need credentials,
      // so an unknown endpoint tells nothing to a caller without them.
      if (!API_PATH.test(request.url)) return;
      rule = { access: 'signed-in' };
    } else {
      rule = ruleFor(request.method, url, request.routeOptions.config);
      if (!rule) return sendError(reply, permissionDenied('This endpoint has no access rule.'));
    }
    if (rule.access === 'public') return;
    let principal: Principal;
    try {
      principal = await service.authenticate({
        authorization: request.headers.authorization,
        session: cookieValue(request.headers.cookie, SESSION_COOKIE),
        address: request.ip,
      });
    } catch (error) {
      if (error instanceof MlflowError) return sendError(reply, error);
      throw error;
    }
    if (principal.via === 'session' && !SAFE_METHODS.has(request.method) && isCrossOrigin(request)) {
      return sendError(reply, permissionDenied('Cross-origin request refused.'));
    }
    request.auth = new RequestAuth(principal, service, store);
    const denied =
      (rule.access === 'signed-in' && rule.read && !service.canReadAnything(principal)) ||
      (rule.access === 'user' && principal.token !== undefined) ||
      (rule.access === 'admin' && (!principal.user.isAdmin || principal.token !== undefined));
    if (denied) return sendError(reply, permissionDenied());
  });

  app.addHook('preHandler', async (request, reply) => {
    const auth = request.auth;
    const url = request.routeOptions.url;
    if (!auth || url === undefined) return;
    const rule = ruleFor(request.method, url, request.routeOptions.config);
    const { principal } = auth;
    if (rule?.access === 'self-or-admin') {
      const named = optionalString(readRequest(request), 'username');
      const self = named === principal.user.username;
      if (principal.token !== undefined || (!principal.user.isAdmin && !self))
        return sendError(reply, permissionDenied());
    }
    if (rule?.access === 'experiment') {
      auth.experimentIds = await rule.locate(request, store);
      if (!(await service.allows(principal, auth.experimentIds, rule.capability)))
        return sendError(reply, permissionDenied());
      if (rule.capability === 'ingest' || rule.capability === 'edit')
        stampHumanSources(request, url, principal.user.username);
    }
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const auth = request.auth;
    const url = request.routeOptions.url;
    if (!auth || url === undefined || reply.statusCode >= 400) return payload;
    const rule = ruleFor(request.method, url, request.routeOptions.config);
    if (rule?.access === 'user' && rule.createsExperiment && typeof payload === 'string') {
      // MLflow's after-request handler: the creator of an experiment gets MANAGE on it.
      let id: unknown;
      try {
        id = (JSON.parse(payload) as { experiment_id?: unknown }).experiment_id;
      } catch {
        id = undefined;
      }
      if (typeof id === 'string') await service.store.putGrant(id, auth.principal.user.id, 'MANAGE');
    }
    if (rule?.access === 'experiment' && rule.audit) {
      const traceId = (request.params as { trace_id?: string }).trace_id ?? null;
      await service.store.recordAudit({
        timeMs: Date.now(),
        username: auth.principal.user.username,
        action: rule.audit,
        experimentId: auth.experimentIds[0] ?? null,
        traceId,
        detail: auditDetail(request, rule.audit),
      });
    }
    return payload;
  });
}
