import Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations.ts';
import { registerSqliteFunctions, type SqliteFunctionOptions } from './sqlite-functions.ts';

export interface OpenOptions {
  synchronous?: 'FULL' | 'NORMAL';
}

/**
 * Opens (creating if needed) a SQLite database with this project's pragmas and applies pending
 * migrations. WAL lets readers run beside the single writer; `synchronous` is set explicitly
 * because better-sqlite3's default (NORMAL) is not power-loss durable.
 */
export function openSqlite(path: string, options: OpenOptions = {}): Database.Database {
  const db = new Database(path);
  if (path !== ':memory:') db.pragma('journal_mode = WAL');
  prepareWriter(db, options.synchronous === 'NORMAL' ? 'NORMAL' : 'FULL');
  migrate(db);
  return db;
}

/**
 * The store's write connection in its writer thread (sqlite/write-worker.ts), to a database
 * openSqlite already created and migrated: the same pragmas (journal_mode is kept in the file).
 */
export function openSqliteWriter(path: string, synchronous: 'FULL' | 'NORMAL'): Database.Database {
  const db = new Database(path, { fileMustExist: true });
  prepareWriter(db, synchronous);
  return db;
}

function prepareWriter(db: Database.Database, synchronous: 'FULL' | 'NORMAL'): void {
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma('foreign_keys = ON');
  db.pragma('cache_size = -65536');
  prepareConnection(db);
}

/**
 * A read-only connection to a database openSqlite already created and migrated (the read workers,
 * sqlite/read-worker.ts). WAL gives it a consistent snapshot per transaction beside the writer.
 * Its page cache is smaller than the writer's: there is one per worker.
 */
export function openSqliteReader(path: string, functions: SqliteFunctionOptions = {}): Database.Database {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  db.pragma('cache_size = -16384');
  prepareConnection(db, functions);
  return db;
}

/** What every connection needs for the same answers: LIKE semantics, regexp(), and a busy wait. */
function prepareConnection(db: Database.Database, functions: SqliteFunctionOptions = {}): void {
  db.pragma('busy_timeout = 5000');
  // MLflow's LIKE is case-sensitive on every backend.
  db.pragma('case_sensitive_like = ON');
  registerSqliteFunctions(db, functions);
}

function migrate(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_version').get() as { v: number | null };
  const current = row.v ?? 0;
  let rebuilt = false;
  for (const migration of MIGRATIONS) {
    if (migration.version <= current) continue;
    // The pragma is a no-op inside a transaction, so it is set around it.
    if (migration.rebuildsParentTable) db.pragma('foreign_keys = OFF');
    try {
      db.transaction(() => {
        db.exec(migration.sql);
        if (migration.rebuildsParentTable && (db.pragma('foreign_key_check') as unknown[]).length > 0)
          throw new Error(`migration ${migration.version} left dangling references`);
        db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(migration.version);
      })();
    } finally {
      if (migration.rebuildsParentTable) db.pragma('foreign_keys = ON');
    }
    rebuilt ||= migration.rebuildsParentTable === true;
  }
  // Dropping the old tables dropped their planner statistics: a database that had them gets them back
  // (sampled, so seconds at a million traces), or its searches would plan without them until the next ANALYZE.
  const hadStatistics = db.prepare("SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_stat1'").get() !== undefined;
  if (rebuilt && hadStatistics) {
    db.pragma('analysis_limit = 1000');
    db.exec('ANALYZE');
  }
}
