// MLflow's basic-auth endpoints (users and experiment permissions: same paths, fields, errors) and
// this server's extensions for the explorer: sign-in with a session cookie, access tokens, the
// grants of an experiment and the audit trail of a trace. Access rules are in route-rules.ts.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { EXTENSION_PREFIX } from '../../core/model.ts';
import { invalidParameter, MlflowError, notFound } from '../errors.ts';
import {
  bothPrefixes,
  optionalBool,
  optionalStringList,
  readRequest,
  requireString,
  missingParameter,
} from '../routes/mlflow-request.ts';
import type { StoredToken, StoredUser } from './auth-store.ts';
import { cookieValue, isCrossOrigin } from './auth-guard.ts';
import { canonicalExperimentId, permissionDenied, SESSION_COOKIE, type AuthService } from './auth-service.ts';
import { parsePermission, TOKEN_LEVEL_NEEDS, TOKEN_LEVELS, type TokenLevel } from './permissions.ts';
import { hashSecret, randomId } from './secret-hash.ts';
import { randomBytes } from 'node:crypto';

const MIN_PASSWORD_LENGTH = 12;
const MAX_LIST = 1000;
const MAX_TOKEN_EXPERIMENTS = 100;

/** MLflow's user name rules, plus no ':' (HTTP Basic cannot carry it in a user name). */
export function validateUsername(username: string): void {
  if (username.trim() === '') throw invalidParameter('Username cannot be empty.');
  if (username.length > 255) throw invalidParameter('Username must be at most 255 characters.');
  if (username.includes(':')) throw invalidParameter("Username cannot contain ':'.");
  // oxlint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(username)) throw invalidParameter('Username cannot contain control characters.');
}

export function validatePassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH)
    throw invalidParameter(`Password must be at least ${MIN_PASSWORD_LENGTH} characters long.`);
  if (password.length > 1024) throw invalidParameter('Password must be at most 1024 characters.');
}

const userNotFound = (username: string) => notFound(`User with username=${username} not found`);

function tokenJson(token: StoredToken) {
  return {
    id: token.id,
    name: token.name,
    username: token.username,
    level: token.level,
    experiment_ids: token.experimentIds,
    created_at_ms: token.createdAtMs,
    last_used_at_ms: token.lastUsedAtMs,
  };
}

function setSessionCookie(request: FastifyRequest, reply: FastifyReply, value: string, maxAge: number): void {
  const https = request.protocol === 'https' || request.headers['x-forwarded-proto'] === 'https';
  reply.header(
    'Set-Cookie',
    `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${https ? '; Secure' : ''}`,
  );
}

export async function authRoutes(app: FastifyInstance, { service }: { service: AuthService }): Promise<void> {
  const store = service.store;

  const requireUser = async (username: string): Promise<StoredUser> => {
    const user = await store.getUser(username);
    if (!user) throw userNotFound(username);
    return user;
  };

  const userJson = async (user: StoredUser) => ({
    id: user.id,
    username: user.username,
    is_admin: user.isAdmin,
    experiment_permissions: (await store.grantsOfUser(user.id, MAX_LIST)).map((g) => ({
      experiment_id: g.experimentId,
      user_id: g.userId,
      permission: g.permission,
    })),
    registered_model_permissions: [],
  });

  /** Refuses a change that would leave no admin (nobody could manage users any more). */
  const keepAnAdmin = async (user: StoredUser): Promise<void> => {
    if (user.isAdmin && (await store.countAdmins()) <= 1)
      throw invalidParameter(`Cannot remove the last admin (${user.username}).`);
  };

  const grantTarget = async (request: FastifyRequest) => {
    const fields = readRequest(request);
    const experimentId = canonicalExperimentId(requireString(fields, 'experiment_id'));
    const username = requireString(fields, 'username');
    return { fields, experimentId, username };
  };
  const grantNotFound = (experimentId: string, username: string) =>
    notFound(`Experiment permission with experiment_id=${experimentId} and username=${username} not found`);

  for (const base of bothPrefixes('/2.0/mlflow')) {
    app.post(`${base}/users/create`, async (request) => {
      const fields = readRequest(request);
      const username = requireString(fields, 'username');
      const password = requireString(fields, 'password');
      validateUsername(username);
      validatePassword(password);
      const user = await store.createUser(username, await hashSecret(password), false);
      if (!user) throw new MlflowError('RESOURCE_ALREADY_EXISTS', `User (username=${username}) already exists.`);
      return { user: await userJson(user) };
    });

    app.get(`${base}/users/get`, async (request) => ({
      user: await userJson(await requireUser(requireString(readRequest(request), 'username'))),
    }));

    app.get(`${base}/users/list`, async () => ({
      users: await Promise.all((await store.listUsers(MAX_LIST)).map(userJson)),
    }));

    app.patch(`${base}/users/update-password`, async (request) => {
      const fields = readRequest(request);
      const username = requireString(fields, 'username');
      const password = requireString(fields, 'password');
      validatePassword(password);
      const user = await requireUser(username);
      await store.updateUser(username, { passwordHash: await hashSecret(password) });
      // Sessions opened with the old password end; Basic clients must send the new one.
      await store.deleteSessionsOfUser(user.id);
      return {};
    });

    app.patch(`${base}/users/update-admin`, async (request) => {
      const fields = readRequest(request);
      const username = requireString(fields, 'username');
      const isAdmin = optionalBool(fields, 'is_admin');
      if (isAdmin === undefined) throw missingParameter('is_admin');
      const user = await requireUser(username);
      if (!isAdmin) await keepAnAdmin(user);
      await store.updateUser(username, { isAdmin });
      return {};
    });

    app.delete(`${base}/users/delete`, async (request) => {
      const user = await requireUser(requireString(readRequest(request), 'username'));
      await keepAnAdmin(user);
      await store.deleteUser(user.username);
      return {};
    });

    app.post(`${base}/experiments/permissions/create`, async (request) => {
      const { fields, experimentId, username } = await grantTarget(request);
      const permission = parsePermission(requireString(fields, 'permission'));
      const user = await requireUser(username);
      if (!(await store.createGrant(experimentId, user.id, permission))) {
        throw new MlflowError(
          'RESOURCE_ALREADY_EXISTS',
          `Experiment permission (experiment_id=${experimentId}, username=${username}) already exists.`,
        );
      }
      return { experiment_permission: { experiment_id: experimentId, user_id: user.id, permission } };
    });

    app.get(`${base}/experiments/permissions/get`, async (request) => {
      const { experimentId, username } = await grantTarget(request);
      const user = await requireUser(username);
      const permission = await store.getGrant(experimentId, user.id);
      if (!permission) throw grantNotFound(experimentId, username);
      return { experiment_permission: { experiment_id: experimentId, user_id: user.id, permission } };
    });

    app.patch(`${base}/experiments/permissions/update`, async (request) => {
      const { fields, experimentId, username } = await grantTarget(request);
      const permission = parsePermission(requireString(fields, 'permission'));
      const user = await requireUser(username);
      if (!(await store.updateGrant(experimentId, user.id, permission))) throw grantNotFound(experimentId, username);
      return {};
    });

    app.delete(`${base}/experiments/permissions/delete`, async (request) => {
      const { experimentId, username } = await grantTarget(request);
      const user = await requireUser(username);
      if (!(await store.deleteGrant(experimentId, user.id))) throw grantNotFound(experimentId, username);
      return {};
    });
  }

  for (const base of bothPrefixes(EXTENSION_PREFIX)) {
    app.get(`${base}/auth/status`, async (request) => {
      const session = cookieValue(request.headers.cookie, SESSION_COOKIE);
      let user: StoredUser | undefined;
      if (request.headers.authorization || session) {
        try {
          user = (
            await service.authenticate({ authorization: request.headers.authorization, session, address: request.ip })
          ).user;
        } catch {
          user = undefined;
        }
      }
      return {
        auth_enabled: true,
        ...(user ? { user: { username: user.username, is_admin: user.isAdmin } } : {}),
      };
    });

    app.post(`${base}/auth/sign-in`, async (request, reply) => {
      // A page on another origin must not sign the browser in as someone else (login CSRF).
      if (isCrossOrigin(request)) throw permissionDenied('Cross-origin request refused.');
      const fields = readRequest(request);
      const { cookie, user } = await service.createSession(
        requireString(fields, 'username'),
        requireString(fields, 'password'),
        request.ip,
      );
      setSessionCookie(request, reply, cookie, service.sessionMaxAgeSeconds);
      return { user: { username: user.username, is_admin: user.isAdmin } };
    });

    app.post(`${base}/auth/sign-out`, async (request, reply) => {
      if (isCrossOrigin(request)) throw permissionDenied('Cross-origin request refused.');
      const session = cookieValue(request.headers.cookie, SESSION_COOKIE);
      if (session) await service.endSession(session);
      setSessionCookie(request, reply, '', 0);
      return {};
    });

    app.get(`${base}/experiments/permissions/list`, async (request) => {
      const experimentId = canonicalExperimentId(requireString(readRequest(request), 'experiment_id'));
      return {
        permissions: (await store.grantsOfExperiment(experimentId, MAX_LIST)).map((g) => ({
          experiment_id: g.experimentId,
          user_id: g.userId,
          username: g.username,
          permission: g.permission,
        })),
        default_permission: service.defaultPermission,
      };
    });

    app.get(`${base}/experiments/my-permission`, async (request) => {
      const experimentId = requireString(readRequest(request), 'experiment_id');
      const principal = request.auth!.principal;
      return {
        experiment_id: experimentId,
        permission: await service.effectivePermission(principal.user, experimentId),
        ...(principal.token ? { token_level: principal.token.level } : {}),
      };
    });

    app.get(`${base}/audit`, async (request) => {
      const traceId = requireString(readRequest(request), 'trace_id');
      // The rule checked read on the trace's experiment, but a deleted trace has none to find: each
      // event is kept only if its own experiment is readable (an event without one, only for admins).
      const auth = request.auth!;
      const readable = await auth.readableExperiments();
      const visible = (experimentId: string | null) =>
        experimentId === null ? auth.principal.user.isAdmin && !auth.principal.token : readable(experimentId);
      return {
        events: (await store.auditOfTrace(traceId, 200))
          .filter((e) => visible(e.experimentId))
          .map((e) => ({
            time_ms: e.timeMs,
            username: e.username,
            action: e.action,
            detail: e.detail,
          })),
      };
    });

    app.post(`${base}/tokens/create`, async (request) => {
      const fields = readRequest(request);
      const principal = request.auth!.principal;
      const name = requireString(fields, 'name').trim();
      if (name.length > 200) throw invalidParameter('Token name must be at most 200 characters.');
      const level = requireString(fields, 'level') as TokenLevel;
      if (!TOKEN_LEVELS.includes(level))
        throw invalidParameter(`Invalid level '${level}'. Valid levels are: ${TOKEN_LEVELS.join(', ')}`);
      const ids = [...new Set((optionalStringList(fields, 'experiment_ids') ?? []).map(canonicalExperimentId))];
      if (ids.length === 0) throw missingParameter('experiment_ids');
      if (ids.length > MAX_TOKEN_EXPERIMENTS)
        throw invalidParameter(`A token may name at most ${MAX_TOKEN_EXPERIMENTS} experiments.`);
      // Nobody hands out more than they have.
      if (!(await service.allows(principal, ids, TOKEN_LEVEL_NEEDS[level])))
        throw permissionDenied(`You need ${level} access to every experiment the token names.`);
      const id = randomBytes(8).toString('hex');
      const secret = randomId(32);
      const createdAtMs = Date.now();
      await store.createToken({
        id,
        userId: principal.user.id,
        name,
        level,
        experimentIds: ids,
        secretHash: await hashSecret(secret),
        createdAtMs,
      });
      const token = await store.getToken(id);
      // The secret is shown once: only its hash is stored.
      return { token: tokenJson(token!), secret: `te_${id}_${secret}` };
    });

    app.get(`${base}/tokens/list`, async (request) => {
      const principal = request.auth!.principal;
      const all = optionalBool(readRequest(request), 'all') === true;
      if (all && !principal.user.isAdmin) throw permissionDenied();
      return { tokens: (await store.listTokens(all ? undefined : principal.user.id, MAX_LIST)).map(tokenJson) };
    });

    app.post(`${base}/tokens/revoke`, async (request) => {
      const principal = request.auth!.principal;
      const id = requireString(readRequest(request), 'token_id');
      const token = await store.getToken(id);
      if (!token || (token.userId !== principal.user.id && !principal.user.isAdmin))
        throw notFound(`Access token '${id}' not found.`);
      await store.deleteToken(id);
      return {};
    });
  }
}

/** Without --auth: the explorer still asks, and learns that everything is open. */
export async function authOffRoutes(app: FastifyInstance): Promise<void> {
  for (const base of bothPrefixes(EXTENSION_PREFIX))
    app.get(`${base}/auth/status`, async () => ({ auth_enabled: false }));
}
