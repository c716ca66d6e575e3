// Chooses the storage engine from --backend-store-uri's scheme, as MLflow does: `sqlite:///path`
// (or a plain file path) opens SQLite; `postgresql://`, `postgres://` and `postgresql+<driver>://` open
// PostgreSQL (migrating it under an advisory lock, so replicas may start together).
// Adding an engine: docs/architecture.md, "How to add an engine".
import { UsageError } from '../config.ts';
import { openSqlite } from './open-sqlite.ts';
import { createPostgresPool } from './postgres/postgres-pool.ts';
import { PostgresTraceStore, type PostgresStoreOptions } from './postgres/postgres-trace-store.ts';
import { isPostgresUri, parsePostgresUri } from './postgres/postgres-uri.ts';
import { SqliteTraceStore, type SqliteStoreOptions } from './sqlite-trace-store.ts';
import type { TraceStore } from './trace-store.ts';

export type BackendUri = { engine: 'sqlite'; path: string } | { engine: 'postgresql'; url: string };

/** Parses a backend store URI; UsageError names what is wrong. */
export function parseBackendUri(uri: string): BackendUri {
  const sqlite = /^sqlite:\/\/\/(.*)$/.exec(uri);
  if (sqlite) {
    if (sqlite[1] === '') throw new UsageError(`--backend-store-uri '${uri}' names no file`);
    return { engine: 'sqlite', path: sqlite[1] };
  }
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(uri)?.[1].toLowerCase();
  // postgresql://, postgres:// and SQLAlchemy's postgresql+<driver>:// (postgres/postgres-uri.ts).
  if (isPostgresUri(uri)) return { engine: 'postgresql', url: uri };
  // A Windows drive letter is not a scheme; anything else with one is unknown.
  if (scheme && !/^[A-Za-z]:[\\/]/.test(uri))
    throw new UsageError(
      `Unsupported --backend-store-uri '${uri}': expected sqlite:///<path>, a file path, or postgresql://…`,
    );
  if (uri === '') throw new UsageError('--backend-store-uri is empty');
  return { engine: 'sqlite', path: uri };
}

export interface OpenStoreOptions {
  /** SQLite `synchronous`: FULL survives power loss, NORMAL only process crashes. */
  synchronous?: 'FULL' | 'NORMAL';
  sqlite?: SqliteStoreOptions;
  postgres?: {
    /** Connections this process may hold (`--pool-size`, default 10). */
    poolSize?: number;
    /** Every statement of a request stops after this long and answers 503 (default 30 s). */
    statementTimeoutMs?: number;
    /** The metrics accelerator (default on); false answers metrics and groups from SQL alone. */
    metricsAccelerator?: PostgresStoreOptions['metricsAccelerator'];
  };
}

const DEFAULT_POOL_SIZE = 10;
const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;

/** Opens the store a backend URI names. */
export async function openStore(backendStoreUri: string, options: OpenStoreOptions = {}): Promise<TraceStore> {
  const backend = parseBackendUri(backendStoreUri);
  if (backend.engine === 'postgresql') {
    const statementTimeoutMs = options.postgres?.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
    const pool = createPostgresPool(parsePostgresUri(backend.url), {
      size: options.postgres?.poolSize ?? DEFAULT_POOL_SIZE,
      // The pool's cap backs the per-request one for anything run outside a request's transaction.
      statementTimeoutMs,
    });
    return PostgresTraceStore.open(pool, {
      statementTimeoutMs,
      metricsAccelerator: options.postgres?.metricsAccelerator,
    });
  }
  return new SqliteTraceStore(openSqlite(backend.path, { synchronous: options.synchronous }), options.sqlite);
}
