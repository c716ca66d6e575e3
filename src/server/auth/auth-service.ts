// One validator for every credential the server accepts (HTTP Basic, Bearer access tokens, the
// explorer's session cookie) and the one place that decides what a principal may do on an
// experiment. Routes never look at credentials themselves: auth-guard.ts asks this service.
import { MlflowError } from '../errors.ts';
import type { AuthStore, StoredToken, StoredUser } from './auth-store.ts';
import { permissionAllows, tokenLevelAllows, type Capability, type PermissionName } from './permissions.ts';
import { digest, hashSecret, randomId, verifySecret } from './secret-hash.ts';
import { SignInLimiter } from './sign-in-limiter.ts';

export interface Principal {
  user: StoredUser;
  via: 'basic' | 'bearer' | 'session';
  /** Present when the request came with an access token: its scope caps the user's permissions. */
  token?: StoredToken;
}

export interface Credentials {
  authorization?: string;
  /** The session cookie's value, when the request carries one. */
  session?: string;
  /** The client address, for rate limiting. */
  address: string;
}

export interface AuthServiceOptions {
  /** Permission on experiments a user has no explicit grant on (MLflow's default_permission). */
  defaultPermission: PermissionName;
  limiter?: SignInLimiter;
  sessionTtlMs?: number;
  now?: () => number;
}

export const SESSION_COOKIE = 'te_session';
const TOKEN_PATTERN = /^te_([0-9a-f]{16})_([A-Za-z0-9_-]{32,})$/;
/** Verified-credential cache: skips the slow hash for a client that sends the same credentials on every request. */
const CACHE_MAX = 2_000;
const CACHE_TTL_MS = 10 * 60_000;
/** Only write a token's last-use time when the stored one is older than this. */
const TOUCH_INTERVAL_MS = 60_000;
const MAX_GRANTS_SCANNED = 100_000;

const unauthenticated = (
  message = 'You are not authenticated. Send HTTP Basic credentials, a Bearer access token, or sign in.',
): MlflowError => new MlflowError('UNAUTHENTICATED', message);
export const permissionDenied = (message = 'Permission denied.'): MlflowError =>
  new MlflowError('PERMISSION_DENIED', message);

/**
 * The canonical form of an experiment id (MLflow's ids are decimal strings; '007' is '7'). Routes read
 * ids as search-request.ts parseExperimentIds does (surrounding space ignored, then as a number: ' 7'
 * and '-0' name experiments 7 and 0), so the access check must see the experiment the route will use.
 */
export function canonicalExperimentId(id: string): string {
  const trimmed = id.trim();
  return /^-?\d+$/.test(trimmed) ? String(Number(trimmed)) : id;
}

/** A bounded map whose entries expire; the least recently set entry goes first when full. */
class ExpiringCache {
  private readonly entries = new Map<string, { value: string; until: number }>();
  constructor(private readonly now: () => number) {}
  get(key: string): string | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.until <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return e.value;
  }
  set(key: string, value: string): void {
    this.entries.delete(key);
    this.entries.set(key, { value, until: this.now() + CACHE_TTL_MS });
    if (this.entries.size > CACHE_MAX) this.entries.delete(this.entries.keys().next().value as string);
  }
}

export class AuthService {
  readonly store: AuthStore;
  readonly defaultPermission: PermissionName;
  private readonly limiter: SignInLimiter;
  private readonly sessionTtlMs: number;
  private readonly now: () => number;
  /** digest(kind, name, secret) -> the stored hash it matched (or did not match). */
  private readonly verified: ExpiringCache;
  private readonly rejected: ExpiringCache;
  /** A hash to spend the same time on when the user does not exist (no timing oracle for names). */
  private dummyHash: Promise<string> | undefined;

  constructor(store: AuthStore, options: AuthServiceOptions) {
    this.store = store;
    this.defaultPermission = options.defaultPermission;
    this.limiter = options.limiter ?? new SignInLimiter();
    this.sessionTtlMs = options.sessionTtlMs ?? 7 * 24 * 3600_000;
    this.now = options.now ?? Date.now;
    this.verified = new ExpiringCache(this.now);
    this.rejected = new ExpiringCache(this.now);
  }

  /**
   * The principal behind a request's credentials. An Authorization header wins over the cookie
   * (and a bad one is refused even with a good cookie). Throws 401 UNAUTHENTICATED, or 429 while
   * sign-in attempts for that name or address are locked.
   */
  async authenticate(credentials: Credentials): Promise<Principal> {
    const header = credentials.authorization?.trim();
    if (header) {
      const space = header.indexOf(' ');
      const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
      const value = space < 0 ? '' : header.slice(space + 1).trim();
      if (scheme === 'basic') {
        const decoded = Buffer.from(value, 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        if (colon < 0) throw unauthenticated('Malformed HTTP Basic credentials.');
        const user = await this.checkPassword(decoded.slice(0, colon), decoded.slice(colon + 1), credentials.address);
        return { user, via: 'basic' };
      }
      if (scheme === 'bearer') return this.checkToken(value, credentials.address);
      throw unauthenticated(`Unsupported authorization scheme '${scheme}': use Basic or Bearer.`);
    }
    if (credentials.session) {
      const user = await this.sessionUser(credentials.session);
      if (user) return { user, via: 'session' };
      throw unauthenticated('Your session has ended. Sign in again.');
    }
    throw unauthenticated();
  }

  /** Verifies a user name and password (Basic auth and the sign-in form). */
  async checkPassword(username: string, password: string, address: string): Promise<StoredUser> {
    const user = await this.store.getUser(username);
    const key = digest(`p\0${username}\0${password}`);
    const stored = user?.passwordHash ?? '';
    if (user && this.verified.get(key) === stored) return user;
    if (this.rejected.get(key) === stored) throw unauthenticated('Invalid user name or password.');
    this.throwIfLocked(username, address);
    const ok = user
      ? await verifySecret(password, stored)
      : await verifySecret(password, await (this.dummyHash ??= hashSecret(randomId(16)))).then(() => false);
    if (!ok || !user) {
      this.rejected.set(key, stored);
      this.limiter.recordFailure(username, address, key);
      throw unauthenticated('Invalid user name or password.');
    }
    this.verified.set(key, stored);
    return user;
  }

  private async checkToken(value: string, address: string): Promise<Principal> {
    const match = TOKEN_PATTERN.exec(value);
    if (!match) throw unauthenticated('Invalid access token.');
    const [, id, secret] = match;
    const token = await this.store.getToken(id);
    const key = digest(`t\0${value}`);
    const stored = token?.secretHash ?? '';
    let ok = token !== undefined && this.verified.get(key) === stored;
    if (!ok) {
      if (this.rejected.get(key) === stored) throw unauthenticated('Invalid access token.');
      this.throwIfLocked(`token:${id}`, address);
      ok = token !== undefined && (await verifySecret(secret, stored));
      if (!ok) {
        this.rejected.set(key, stored);
        this.limiter.recordFailure(`token:${id}`, address, key);
        throw unauthenticated('Invalid access token.');
      }
      this.verified.set(key, stored);
    }
    const user = await this.store.getUserById(token!.userId);
    if (!user) throw unauthenticated('Invalid access token.');
    const t = this.now();
    if (token!.lastUsedAtMs === null || t - token!.lastUsedAtMs > TOUCH_INTERVAL_MS) await this.store.touchToken(id, t);
    return { user, via: 'bearer', token: token! };
  }

  private throwIfLocked(name: string, address: string): void {
    const wait = this.limiter.retryAfterMs(name, address);
    if (wait > 0) {
      throw new MlflowError(
        'REQUEST_LIMIT_EXCEEDED',
        `Too many failed sign-in attempts. Try again in ${Math.ceil(wait / 1000)} seconds.`,
      );
    }
  }

  // ---- sessions ---------------------------------------------------------------------------------

  /** Signs in with a password; returns the new session's cookie value. */
  async createSession(
    username: string,
    password: string,
    address: string,
  ): Promise<{ cookie: string; user: StoredUser }> {
    const user = await this.checkPassword(username, password, address);
    const cookie = randomId(32);
    const t = this.now();
    await this.store.deleteExpiredSessions(t);
    await this.store.createSession(digest(cookie), user.id, t + this.sessionTtlMs);
    return { cookie, user };
  }

  async endSession(cookie: string): Promise<void> {
    await this.store.deleteSession(digest(cookie));
  }

  get sessionMaxAgeSeconds(): number {
    return Math.floor(this.sessionTtlMs / 1000);
  }

  private async sessionUser(cookie: string): Promise<StoredUser | undefined> {
    if (cookie.length > 100) return undefined;
    const session = await this.store.getSession(digest(cookie));
    if (!session || session.expiresAtMs <= this.now()) return undefined;
    return this.store.getUserById(session.userId);
  }

  // ---- permissions ------------------------------------------------------------------------------

  /**
   * Whether the principal has `capability` on every experiment listed. A token must allow the
   * capability at its level and name each experiment; the user's own permission (a grant, else
   * the default) must allow it too. Admins have every permission, within a token's scope.
   */
  async allows(principal: Principal, experimentIds: readonly string[], capability: Capability): Promise<boolean> {
    const ids = [...new Set(experimentIds.map(canonicalExperimentId))];
    const token = principal.token;
    if (token) {
      if (!tokenLevelAllows(token.level, capability)) return false;
      const scope = new Set(token.experimentIds);
      if (!ids.every((id) => scope.has(id))) return false;
    }
    if (principal.user.isAdmin || ids.length === 0) return true;
    const grants = await this.grantsFor(principal.user.id, ids);
    return ids.every((id) => permissionAllows(grants.get(id) ?? this.defaultPermission, capability));
  }

  /** Whether the principal may read anything at all (an ingest token may not). */
  canReadAnything(principal: Principal): boolean {
    return !principal.token || tokenLevelAllows(principal.token.level, 'read');
  }

  /** A predicate for experiment lists (SearchExperiments): which experiments the principal may read. */
  async readableExperiments(principal: Principal): Promise<(experimentId: string) => boolean> {
    const token = principal.token;
    if (token && !tokenLevelAllows(token.level, 'read')) return () => false;
    const scope = token ? new Set(token.experimentIds) : undefined;
    if (principal.user.isAdmin) return (id) => !scope || scope.has(canonicalExperimentId(id));
    const grants = new Map(
      (await this.store.grantsOfUser(principal.user.id, MAX_GRANTS_SCANNED)).map((g) => [g.experimentId, g.permission]),
    );
    return (id) => {
      const canonical = canonicalExperimentId(id);
      if (scope && !scope.has(canonical)) return false;
      return permissionAllows(grants.get(canonical) ?? this.defaultPermission, 'read');
    };
  }

  /** The effective permission of a user on one experiment (for the explorer to hide actions). */
  async effectivePermission(user: StoredUser, experimentId: string): Promise<PermissionName> {
    if (user.isAdmin) return 'MANAGE';
    return (await this.store.getGrant(canonicalExperimentId(experimentId), user.id)) ?? this.defaultPermission;
  }

  private async grantsFor(userId: number, ids: string[]): Promise<Map<string, PermissionName>> {
    const out = new Map<string, PermissionName>();
    // Requests name a handful of experiments; each lookup is a primary-key read.
    for (const id of ids) {
      const p = await this.store.getGrant(id, userId);
      if (p) out.set(id, p);
    }
    return out;
  }
}
