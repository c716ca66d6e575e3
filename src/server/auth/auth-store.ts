import type { PermissionName, TokenLevel } from './permissions.ts';

export interface StoredUser {
  id: number;
  username: string;
  passwordHash: string;
  isAdmin: boolean;
}

export interface ExperimentGrant {
  experimentId: string;
  userId: number;
  username: string;
  permission: PermissionName;
}

export interface StoredToken {
  id: string;
  userId: number;
  username: string;
  name: string;
  level: TokenLevel;
  experimentIds: string[];
  secretHash: string;
  createdAtMs: number;
  lastUsedAtMs: number | null;
}

export interface StoredSession {
  userId: number;
  expiresAtMs: number;
}

export interface AuditEvent {
  timeMs: number;
  username: string;
  action: string;
  experimentId: string | null;
  traceId: string | null;
  detail: string | null;
}

/**
 * Users, experiment grants, access tokens, sessions and the audit trail. Only storage: no rules
 * and no messages (auth-service.ts has them), so a PostgreSQL implementation adds SQL only.
 * Methods answer false/undefined for "no such row" instead of throwing.
 */
export interface AuthStore {
  /** undefined when the name is taken. */
  createUser(username: string, passwordHash: string, isAdmin: boolean): Promise<StoredUser | undefined>;
  getUser(username: string): Promise<StoredUser | undefined>;
  getUserById(id: number): Promise<StoredUser | undefined>;
  /** Users by name, at most `limit`. */
  listUsers(limit: number): Promise<StoredUser[]>;
  countAdmins(): Promise<number>;
  updateUser(username: string, change: { passwordHash?: string; isAdmin?: boolean }): Promise<boolean>;
  /** Also removes the user's grants, tokens and sessions. */
  deleteUser(username: string): Promise<boolean>;

  /** false when a grant for this pair exists. */
  createGrant(experimentId: string, userId: number, permission: PermissionName): Promise<boolean>;
  /** Creates or replaces (the creator of an experiment gets MANAGE this way). */
  putGrant(experimentId: string, userId: number, permission: PermissionName): Promise<void>;
  getGrant(experimentId: string, userId: number): Promise<PermissionName | undefined>;
  updateGrant(experimentId: string, userId: number, permission: PermissionName): Promise<boolean>;
  deleteGrant(experimentId: string, userId: number): Promise<boolean>;
  /** Every grant of a user (to filter experiment lists), at most `limit`. */
  grantsOfUser(userId: number, limit: number): Promise<ExperimentGrant[]>;
  /** Grants on one experiment with the user names, at most `limit`. */
  grantsOfExperiment(experimentId: string, limit: number): Promise<ExperimentGrant[]>;

  createToken(token: Omit<StoredToken, 'username' | 'lastUsedAtMs'>): Promise<void>;
  getToken(id: string): Promise<StoredToken | undefined>;
  /** Tokens of one user, or of everyone when userId is undefined; newest first, at most `limit`. */
  listTokens(userId: number | undefined, limit: number): Promise<StoredToken[]>;
  deleteToken(id: string): Promise<boolean>;
  touchToken(id: string, timeMs: number): Promise<void>;

  createSession(idDigest: string, userId: number, expiresAtMs: number): Promise<void>;
  getSession(idDigest: string): Promise<StoredSession | undefined>;
  deleteSession(idDigest: string): Promise<void>;
  deleteSessionsOfUser(userId: number): Promise<void>;
  deleteExpiredSessions(nowMs: number): Promise<void>;

  recordAudit(event: AuditEvent): Promise<void>;
  /** Events about one trace, newest first, at most `limit`. */
  auditOfTrace(traceId: string, limit: number): Promise<AuditEvent[]>;

  close(): Promise<void>;
}
