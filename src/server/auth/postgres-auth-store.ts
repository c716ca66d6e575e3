import { Pool } from 'pg';
import { AUTH_MIGRATIONS } from './auth-migrations.ts';
import type { AuditEvent, AuthStore, ExperimentGrant, StoredSession, StoredToken, StoredUser } from './auth-store.ts';
import type { PermissionName, TokenLevel } from './permissions.ts';

// BIGINT columns arrive as strings from pg; every id and time here is far below 2^53.
type Row = Record<string, unknown>;
const num = (v: unknown): number => Number(v);
const toUser = (r: Row): StoredUser => ({
  id: num(r.id),
  username: String(r.username),
  passwordHash: String(r.password_hash),
  isAdmin: r.is_admin === true,
});
const toGrant = (r: Row): ExperimentGrant => ({
  experimentId: String(r.experiment_id),
  userId: num(r.user_id),
  username: String(r.username),
  permission: r.permission as PermissionName,
});
const toToken = (r: Row): StoredToken => ({
  id: String(r.id),
  userId: num(r.user_id),
  username: String(r.username),
  name: String(r.name),
  level: r.level as TokenLevel,
  experimentIds: JSON.parse(String(r.experiment_ids)) as string[],
  secretHash: String(r.secret_hash),
  createdAtMs: num(r.created_at_ms),
  lastUsedAtMs: r.last_used_at_ms === null ? null : num(r.last_used_at_ms),
});

const TOKEN_SELECT = 'SELECT t.*, u.username FROM auth_tokens t JOIN auth_users u ON u.id = t.user_id';
const GRANT_SELECT = `SELECT p.experiment_id, p.user_id, p.permission, u.username
  FROM auth_experiment_permissions p JOIN auth_users u ON u.id = p.user_id`;
/** Serializes migrations across replicas starting together (an arbitrary, fixed advisory lock key). */
const MIGRATION_LOCK = 7_419_015;

/** AuthStore on PostgreSQL: the same statements as the SQLite store, in PostgreSQL's dialect. */
export class PostgresAuthStore implements AuthStore {
  private readonly pool: Pool;

  private constructor(pool: Pool) {
    this.pool = pool;
  }

  static async open(url: string): Promise<PostgresAuthStore> {
    const store = new PostgresAuthStore(new Pool({ connectionString: url, max: 4 }));
    try {
      await store.migrate();
    } catch (error) {
      await store.pool.end();
      throw error;
    }
    return store;
  }

  private async migrate(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await client.query('CREATE TABLE IF NOT EXISTS auth_schema_version (version INTEGER NOT NULL)');
      const current = (await client.query('SELECT MAX(version) AS v FROM auth_schema_version')).rows[0].v as
        number | null;
      for (const migration of AUTH_MIGRATIONS) {
        if (migration.version <= (current ?? 0)) continue;
        await client.query(migration.postgres);
        await client.query('INSERT INTO auth_schema_version (version) VALUES ($1)', [migration.version]);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  private async rows(sql: string, params: unknown[]): Promise<Row[]> {
    return (await this.pool.query(sql, params)).rows as Row[];
  }

  private async changed(sql: string, params: unknown[]): Promise<boolean> {
    return ((await this.pool.query(sql, params)).rowCount ?? 0) > 0;
  }

  async createUser(username: string, passwordHash: string, isAdmin: boolean): Promise<StoredUser | undefined> {
    const [row] = await this.rows(
      `INSERT INTO auth_users (username, password_hash, is_admin, created_at_ms) VALUES ($1, $2, $3, $4)
       ON CONFLICT (username) DO NOTHING RETURNING *`,
      [username, passwordHash, isAdmin, Date.now()],
    );
    return row && toUser(row);
  }

  async getUser(username: string): Promise<StoredUser | undefined> {
    const [row] = await this.rows('SELECT * FROM auth_users WHERE username = $1', [username]);
    return row && toUser(row);
  }

  async getUserById(id: number): Promise<StoredUser | undefined> {
    const [row] = await this.rows('SELECT * FROM auth_users WHERE id = $1', [id]);
    return row && toUser(row);
  }

  async listUsers(limit: number): Promise<StoredUser[]> {
    return (await this.rows('SELECT * FROM auth_users ORDER BY username LIMIT $1', [limit])).map(toUser);
  }

  async countAdmins(): Promise<number> {
    return num((await this.rows('SELECT COUNT(*) AS n FROM auth_users WHERE is_admin', []))[0].n);
  }

  async updateUser(username: string, change: { passwordHash?: string; isAdmin?: boolean }): Promise<boolean> {
    return this.changed(
      `UPDATE auth_users SET password_hash = COALESCE($1, password_hash), is_admin = COALESCE($2, is_admin)
       WHERE username = $3`,
      [change.passwordHash ?? null, change.isAdmin ?? null, username],
    );
  }

  async deleteUser(username: string): Promise<boolean> {
    return this.changed('DELETE FROM auth_users WHERE username = $1', [username]);
  }

  async createGrant(experimentId: string, userId: number, permission: PermissionName): Promise<boolean> {
    return this.changed(
      `INSERT INTO auth_experiment_permissions (experiment_id, user_id, permission) VALUES ($1, $2, $3)
       ON CONFLICT (experiment_id, user_id) DO NOTHING`,
      [experimentId, userId, permission],
    );
  }

  async putGrant(experimentId: string, userId: number, permission: PermissionName): Promise<void> {
    await this.pool.query(
      `INSERT INTO auth_experiment_permissions (experiment_id, user_id, permission) VALUES ($1, $2, $3)
       ON CONFLICT (experiment_id, user_id) DO UPDATE SET permission = excluded.permission`,
      [experimentId, userId, permission],
    );
  }

  async getGrant(experimentId: string, userId: number): Promise<PermissionName | undefined> {
    const [row] = await this.rows(
      'SELECT permission FROM auth_experiment_permissions WHERE experiment_id = $1 AND user_id = $2',
      [experimentId, userId],
    );
    return row?.permission as PermissionName | undefined;
  }

  async updateGrant(experimentId: string, userId: number, permission: PermissionName): Promise<boolean> {
    return this.changed(
      'UPDATE auth_experiment_permissions SET permission = $1 WHERE experiment_id = $2 AND user_id = $3',
      [permission, experimentId, userId],
    );
  }

  async deleteGrant(experimentId: string, userId: number): Promise<boolean> {
    return this.changed('DELETE FROM auth_experiment_permissions WHERE experiment_id = $1 AND user_id = $2', [
      experimentId,
      userId,
    ]);
  }

  async grantsOfUser(userId: number, limit: number): Promise<ExperimentGrant[]> {
    return (
      await this.rows(`${GRANT_SELECT} WHERE p.user_id = $1 ORDER BY p.experiment_id LIMIT $2`, [userId, limit])
    ).map(toGrant);
  }

  async grantsOfExperiment(experimentId: string, limit: number): Promise<ExperimentGrant[]> {
    return (
      await this.rows(`${GRANT_SELECT} WHERE p.experiment_id = $1 ORDER BY u.username LIMIT $2`, [experimentId, limit])
    ).map(toGrant);
  }

  async createToken(token: Omit<StoredToken, 'username' | 'lastUsedAtMs'>): Promise<void> {
    await this.pool.query(
      `INSERT INTO auth_tokens (id, user_id, name, level, experiment_ids, secret_hash, created_at_ms)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        token.id,
        token.userId,
        token.name,
        token.level,
        JSON.stringify(token.experimentIds),
        token.secretHash,
        token.createdAtMs,
      ],
    );
  }

  async getToken(id: string): Promise<StoredToken | undefined> {
    const [row] = await this.rows(`${TOKEN_SELECT} WHERE t.id = $1`, [id]);
    return row && toToken(row);
  }

  async listTokens(userId: number | undefined, limit: number): Promise<StoredToken[]> {
    const rows =
      userId === undefined
        ? await this.rows(`${TOKEN_SELECT} ORDER BY t.created_at_ms DESC, t.id LIMIT $1`, [limit])
        : await this.rows(`${TOKEN_SELECT} WHERE t.user_id = $1 ORDER BY t.created_at_ms DESC, t.id LIMIT $2`, [
            userId,
            limit,
          ]);
    return rows.map(toToken);
  }

  async deleteToken(id: string): Promise<boolean> {
    return this.changed('DELETE FROM auth_tokens WHERE id = $1', [id]);
  }

  async touchToken(id: string, timeMs: number): Promise<void> {
    await this.pool.query('UPDATE auth_tokens SET last_used_at_ms = $1 WHERE id = $2', [timeMs, id]);
  }

  async createSession(idDigest: string, userId: number, expiresAtMs: number): Promise<void> {
    await this.pool.query('INSERT INTO auth_sessions (id_digest, user_id, expires_at_ms) VALUES ($1, $2, $3)', [
      idDigest,
      userId,
      expiresAtMs,
    ]);
  }

  async getSession(idDigest: string): Promise<StoredSession | undefined> {
    const [row] = await this.rows('SELECT user_id, expires_at_ms FROM auth_sessions WHERE id_digest = $1', [idDigest]);
    return row && { userId: num(row.user_id), expiresAtMs: num(row.expires_at_ms) };
  }

  async deleteSession(idDigest: string): Promise<void> {
    await this.pool.query('DELETE FROM auth_sessions WHERE id_digest = $1', [idDigest]);
  }

  async deleteSessionsOfUser(userId: number): Promise<void> {
    await this.pool.query('DELETE FROM auth_sessions WHERE user_id = $1', [userId]);
  }

  async deleteExpiredSessions(nowMs: number): Promise<void> {
    await this.pool.query('DELETE FROM auth_sessions WHERE expires_at_ms <= $1', [nowMs]);
  }

  async recordAudit(event: AuditEvent): Promise<void> {
    await this.pool.query(
      `INSERT INTO auth_audit (time_ms, username, action, experiment_id, trace_id, detail) VALUES ($1, $2, $3, $4, $5, $6)`,
      [event.timeMs, event.username, event.action, event.experimentId, event.traceId, event.detail],
    );
  }

  async auditOfTrace(traceId: string, limit: number): Promise<AuditEvent[]> {
    return (
      await this.rows('SELECT * FROM auth_audit WHERE trace_id = $1 ORDER BY id DESC LIMIT $2', [traceId, limit])
    ).map((r) => ({
      timeMs: num(r.time_ms),
      username: String(r.username),
      action: String(r.action),
      experimentId: r.experiment_id === null ? null : String(r.experiment_id),
      traceId: r.trace_id === null ? null : String(r.trace_id),
      detail: r.detail === null ? null : String(r.detail),
    }));
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
