import Database from 'better-sqlite3';
import { LockRetry } from '../storage/lock-retry.ts';
import { AUTH_MIGRATIONS } from './auth-migrations.ts';
import type { AuditEvent, AuthStore, ExperimentGrant, StoredSession, StoredToken, StoredUser } from './auth-store.ts';
import type { PermissionName, TokenLevel } from './permissions.ts';

interface UserRow {
  id: number;
  username: string;
  password_hash: string;
  is_admin: number;
}
interface GrantRow {
  experiment_id: string;
  user_id: number;
  username: string;
  permission: string;
}
interface TokenRow {
  id: string;
  user_id: number;
  username: string;
  name: string;
  level: string;
  experiment_ids: string;
  secret_hash: string;
  created_at_ms: number;
  last_used_at_ms: number | null;
}
interface AuditRow {
  time_ms: number;
  username: string;
  action: string;
  experiment_id: string | null;
  trace_id: string | null;
  detail: string | null;
}

const toUser = (r: UserRow): StoredUser => ({
  id: r.id,
  username: r.username,
  passwordHash: r.password_hash,
  isAdmin: r.is_admin === 1,
});
const toGrant = (r: GrantRow): ExperimentGrant => ({
  experimentId: r.experiment_id,
  userId: r.user_id,
  username: r.username,
  permission: r.permission as PermissionName,
});
const toToken = (r: TokenRow): StoredToken => ({
  id: r.id,
  userId: r.user_id,
  username: r.username,
  name: r.name,
  level: r.level as TokenLevel,
  experimentIds: JSON.parse(r.experiment_ids) as string[],
  secretHash: r.secret_hash,
  createdAtMs: r.created_at_ms,
  lastUsedAtMs: r.last_used_at_ms,
});

const TOKEN_SELECT = `SELECT t.*, u.username FROM auth_tokens t JOIN auth_users u ON u.id = t.user_id`;
const GRANT_SELECT = `SELECT p.experiment_id, p.user_id, p.permission, u.username
  FROM auth_experiment_permissions p JOIN auth_users u ON u.id = p.user_id`;

/**
 * AuthStore on SQLite, on its own connection to the server's database file (the trace store's
 * write queue is not involved: auth writes are rare and small). `:memory:` gives a private
 * in-memory database.
 */
export class SqliteAuthStore implements AuthStore {
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly writes: LockRetry;

  /** `lockBudgetMs`: how long a write keeps trying while another connection holds the write lock. */
  constructor(path: string, lockBudgetMs?: number) {
    this.db = new Database(path);
    if (path !== ':memory:') this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
    // Startup may wait for the lock; serving never does (LockRetry).
    this.db.pragma('busy_timeout = 5000');
    this.migrate();
    this.writes = new LockRetry(this.db, lockBudgetMs);
  }

  private migrate(): void {
    this.db.exec('CREATE TABLE IF NOT EXISTS auth_schema_version (version INTEGER NOT NULL)');
    const row = this.db.prepare('SELECT MAX(version) AS v FROM auth_schema_version').get() as { v: number | null };
    for (const migration of AUTH_MIGRATIONS) {
      if (migration.version <= (row.v ?? 0)) continue;
      this.db.transaction(() => {
        this.db.exec(migration.sqlite);
        this.db.prepare('INSERT INTO auth_schema_version (version) VALUES (?)').run(migration.version);
      })();
    }
  }

  private stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  async createUser(username: string, passwordHash: string, isAdmin: boolean): Promise<StoredUser | undefined> {
    const result = await this.writes.write(() =>
      this.stmt(
        `INSERT INTO auth_users (username, password_hash, is_admin, created_at_ms) VALUES (?, ?, ?, ?)
         ON CONFLICT (username) DO NOTHING`,
      ).run(username, passwordHash, isAdmin ? 1 : 0, Date.now()),
    );
    if (result.changes === 0) return undefined;
    return { id: Number(result.lastInsertRowid), username, passwordHash, isAdmin };
  }

  async getUser(username: string): Promise<StoredUser | undefined> {
    const row = this.stmt('SELECT * FROM auth_users WHERE username = ?').get(username) as UserRow | undefined;
    return row && toUser(row);
  }

  async getUserById(id: number): Promise<StoredUser | undefined> {
    const row = this.stmt('SELECT * FROM auth_users WHERE id = ?').get(id) as UserRow | undefined;
    return row && toUser(row);
  }

  async listUsers(limit: number): Promise<StoredUser[]> {
    return (this.stmt('SELECT * FROM auth_users ORDER BY username LIMIT ?').all(limit) as UserRow[]).map(toUser);
  }

  async countAdmins(): Promise<number> {
    return (this.stmt('SELECT COUNT(*) AS n FROM auth_users WHERE is_admin = 1').get() as { n: number }).n;
  }

  async updateUser(username: string, change: { passwordHash?: string; isAdmin?: boolean }): Promise<boolean> {
    const result = await this.writes.write(() =>
      this.stmt(
        `UPDATE auth_users SET password_hash = COALESCE(?, password_hash), is_admin = COALESCE(?, is_admin)
         WHERE username = ?`,
      ).run(change.passwordHash ?? null, change.isAdmin === undefined ? null : change.isAdmin ? 1 : 0, username),
    );
    return result.changes > 0;
  }

  async deleteUser(username: string): Promise<boolean> {
    return (
      (await this.writes.write(() => this.stmt('DELETE FROM auth_users WHERE username = ?').run(username))).changes > 0
    );
  }

  async createGrant(experimentId: string, userId: number, permission: PermissionName): Promise<boolean> {
    const result = await this.writes.write(() =>
      this.stmt(
        `INSERT INTO auth_experiment_permissions (experiment_id, user_id, permission) VALUES (?, ?, ?)
         ON CONFLICT (experiment_id, user_id) DO NOTHING`,
      ).run(experimentId, userId, permission),
    );
    return result.changes > 0;
  }

  async putGrant(experimentId: string, userId: number, permission: PermissionName): Promise<void> {
    await this.writes.write(() =>
      this.stmt(
        `INSERT INTO auth_experiment_permissions (experiment_id, user_id, permission) VALUES (?, ?, ?)
         ON CONFLICT (experiment_id, user_id) DO UPDATE SET permission = excluded.permission`,
      ).run(experimentId, userId, permission),
    );
  }

  async getGrant(experimentId: string, userId: number): Promise<PermissionName | undefined> {
    const row = this.stmt(
      'SELECT permission FROM auth_experiment_permissions WHERE experiment_id = ? AND user_id = ?',
    ).get(experimentId, userId) as { permission: string } | undefined;
    return row?.permission as PermissionName | undefined;
  }

  async updateGrant(experimentId: string, userId: number, permission: PermissionName): Promise<boolean> {
    const result = await this.writes.write(() =>
      this.stmt('UPDATE auth_experiment_permissions SET permission = ? WHERE experiment_id = ? AND user_id = ?').run(
        permission,
        experimentId,
        userId,
      ),
    );
    return result.changes > 0;
  }

  async deleteGrant(experimentId: string, userId: number): Promise<boolean> {
    const result = await this.writes.write(() =>
      this.stmt('DELETE FROM auth_experiment_permissions WHERE experiment_id = ? AND user_id = ?').run(
        experimentId,
        userId,
      ),
    );
    return result.changes > 0;
  }

  async grantsOfUser(userId: number, limit: number): Promise<ExperimentGrant[]> {
    return (
      this.stmt(`${GRANT_SELECT} WHERE p.user_id = ? ORDER BY p.experiment_id LIMIT ?`).all(userId, limit) as GrantRow[]
    ).map(toGrant);
  }

  async grantsOfExperiment(experimentId: string, limit: number): Promise<ExperimentGrant[]> {
    return (
      this.stmt(`${GRANT_SELECT} WHERE p.experiment_id = ? ORDER BY u.username LIMIT ?`).all(
        experimentId,
        limit,
      ) as GrantRow[]
    ).map(toGrant);
  }

  async createToken(token: Omit<StoredToken, 'username' | 'lastUsedAtMs'>): Promise<void> {
    await this.writes.write(() =>
      this.stmt(
        `INSERT INTO auth_tokens (id, user_id, name, level, experiment_ids, secret_hash, created_at_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        token.id,
        token.userId,
        token.name,
        token.level,
        JSON.stringify(token.experimentIds),
        token.secretHash,
        token.createdAtMs,
      ),
    );
  }

  async getToken(id: string): Promise<StoredToken | undefined> {
    const row = this.stmt(`${TOKEN_SELECT} WHERE t.id = ?`).get(id) as TokenRow | undefined;
    return row && toToken(row);
  }

  async listTokens(userId: number | undefined, limit: number): Promise<StoredToken[]> {
    const rows =
      userId === undefined
        ? this.stmt(`${TOKEN_SELECT} ORDER BY t.created_at_ms DESC, t.id LIMIT ?`).all(limit)
        : this.stmt(`${TOKEN_SELECT} WHERE t.user_id = ? ORDER BY t.created_at_ms DESC, t.id LIMIT ?`).all(
            userId,
            limit,
          );
    return (rows as TokenRow[]).map(toToken);
  }

  async deleteToken(id: string): Promise<boolean> {
    return (await this.writes.write(() => this.stmt('DELETE FROM auth_tokens WHERE id = ?').run(id))).changes > 0;
  }

  async touchToken(id: string, timeMs: number): Promise<void> {
    await this.writes.write(() => this.stmt('UPDATE auth_tokens SET last_used_at_ms = ? WHERE id = ?').run(timeMs, id));
  }

  async createSession(idDigest: string, userId: number, expiresAtMs: number): Promise<void> {
    await this.writes.write(() =>
      this.stmt('INSERT INTO auth_sessions (id_digest, user_id, expires_at_ms) VALUES (?, ?, ?)').run(
        idDigest,
        userId,
        expiresAtMs,
      ),
    );
  }

  async getSession(idDigest: string): Promise<StoredSession | undefined> {
    const row = this.stmt('SELECT user_id, expires_at_ms FROM auth_sessions WHERE id_digest = ?').get(idDigest) as
      { user_id: number; expires_at_ms: number } | undefined;
    return row && { userId: row.user_id, expiresAtMs: row.expires_at_ms };
  }

  async deleteSession(idDigest: string): Promise<void> {
    await this.writes.write(() => this.stmt('DELETE FROM auth_sessions WHERE id_digest = ?').run(idDigest));
  }

  async deleteSessionsOfUser(userId: number): Promise<void> {
    await this.writes.write(() => this.stmt('DELETE FROM auth_sessions WHERE user_id = ?').run(userId));
  }

  async deleteExpiredSessions(nowMs: number): Promise<void> {
    await this.writes.write(() => this.stmt('DELETE FROM auth_sessions WHERE expires_at_ms <= ?').run(nowMs));
  }

  async recordAudit(event: AuditEvent): Promise<void> {
    await this.writes.write(() =>
      this.stmt(
        `INSERT INTO auth_audit (time_ms, username, action, experiment_id, trace_id, detail) VALUES (?, ?, ?, ?, ?, ?)`,
      ).run(event.timeMs, event.username, event.action, event.experimentId, event.traceId, event.detail),
    );
  }

  async auditOfTrace(traceId: string, limit: number): Promise<AuditEvent[]> {
    return (
      this.stmt('SELECT * FROM auth_audit WHERE trace_id = ? ORDER BY id DESC LIMIT ?').all(
        traceId,
        limit,
      ) as AuditRow[]
    ).map((r) => ({
      timeMs: r.time_ms,
      username: r.username,
      action: r.action,
      experimentId: r.experiment_id,
      traceId: r.trace_id,
      detail: r.detail,
    }));
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
