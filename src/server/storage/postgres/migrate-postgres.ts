// Applies POSTGRES_MIGRATIONS once per database, however many replicas start at the same moment.
// A session-level advisory lock serialises the runs: the first replica migrates while the others wait
// on the lock, then find every version recorded in schema_migrations and apply nothing. Each version
// runs in its own transaction with its row in schema_migrations, so a failed version leaves no trace
// and the next start retries it.
import type { Pool, PoolClient } from 'pg';
import { POSTGRES_MIGRATIONS, type PostgresMigration } from './postgres-migrations.ts';

/**
 * The advisory lock's key: any fixed bigint, unique to this application within one database (advisory
 * locks are per database). 0x7472616365 is "trace" in ASCII.
 */
export const MIGRATION_LOCK_KEY = 0x7472616365;
/** How long a replica waits for another one's migration before giving up with a clear error. */
const DEFAULT_LOCK_WAIT_MS = 10 * 60_000;

export interface MigrationResult {
  /** Versions this call applied (empty when another replica or an earlier start did the work). */
  applied: number[];
  /** The database's version afterwards. */
  version: number;
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

/** Hints for the failures an operator can fix, keyed by SQLSTATE. */
function hintFor(code: string | undefined): string {
  switch (code) {
    case '42501': // insufficient_privilege
      return ' The role needs to own the database (createdb --owner), or a superuser must run CREATE EXTENSION pg_trgm in it first.';
    case '58P01': // undefined_file: the extension's control file is missing
    case '0A000':
      return ' The server lacks the pg_trgm extension: install its contrib package (Debian: postgresql-contrib).';
    case '55P03': // lock_not_available
      return ' Another server has been migrating this database for too long; check it, or stop it and retry.';
    default:
      return '';
  }
}

async function applyOne(client: PoolClient, migration: PostgresMigration): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query(migration.sql);
    await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
      migration.version,
      migration.name,
    ]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    const code = (error as { code?: string }).code;
    throw new MigrationError(
      `PostgreSQL migration ${migration.version} (${migration.name}) failed: ${(error as Error).message}.${hintFor(code)}`,
      { cause: error },
    );
  }
}

export async function migratePostgres(
  pool: Pool,
  { migrations = POSTGRES_MIGRATIONS, lockWaitMs = DEFAULT_LOCK_WAIT_MS } = {},
): Promise<MigrationResult> {
  const client = await pool.connect();
  let broken = false;
  try {
    // A migration (CREATE INDEX on a large table) may outlast the pool's per-statement cap.
    await client.query('SET statement_timeout = 0');
    await client.query(`SET lock_timeout = ${Math.max(1, Math.floor(lockWaitMs))}`);
    try {
      await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    } catch (error) {
      throw new MigrationError(
        `Waiting for the schema migration lock failed: ${(error as Error).message}.${hintFor((error as { code?: string }).code)}`,
        { cause: error },
      );
    }
    try {
      await client.query('SET lock_timeout = 0');
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
      )`);
      const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
      const done = new Set(rows.map((r) => r.version));
      const applied: number[] = [];
      for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
        if (done.has(migration.version)) continue;
        await applyOne(client, migration);
        applied.push(migration.version);
        done.add(migration.version);
      }
      return { applied, version: Math.max(0, ...done) };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } catch (error) {
    // A connection in an unknown state (say, the unlock failed) must not go back to the pool holding the lock:
    // destroying it ends the session, which releases every session lock.
    broken = true;
    throw error;
  } finally {
    if (!broken) await client.query('RESET statement_timeout; RESET lock_timeout').catch(() => (broken = true));
    client.release(broken);
  }
}
