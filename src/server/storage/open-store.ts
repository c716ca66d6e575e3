// Chooses the storage engine from --backend-store-uri's scheme, as MLflow does: `sqlite:///path`
// (or a plain file path) opens SQLite; PostgreSQL URIs are recognised but not available yet.
// Adding an engine: docs/architecture.md, "How to add an engine".
import { UsageError } from '../config.ts';
import { openSqlite } from './open-sqlite.ts';
import { SqliteTraceStore, type SqliteStoreOptions } from './sqlite-trace-store.ts';
import type { TraceStore } from './trace-store.ts';

export type BackendUri = { engine: 'sqlite'; path: string } | { engine: 'postgresql'; url: string };

const POSTGRES_SCHEMES = ['postgresql:', 'postgres:', 'postgresql+psycopg2:', 'postgresql+psycopg:'];

/** Parses a backend store URI; UsageError names what is wrong. */
export function parseBackendUri(uri: string): BackendUri {
  const sqlite = /^sqlite:\/\/\/(.*)$/.exec(uri);
  if (sqlite) {
    if (sqlite[1] === '') throw new UsageError(`--backend-store-uri '${uri}' names no file`);
    return { engine: 'sqlite', path: sqlite[1] };
  }
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(uri)?.[1].toLowerCase();
  if (scheme && POSTGRES_SCHEMES.includes(`${scheme}:`)) return { engine: 'postgresql', url: uri };
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
}

/** Opens the store a backend URI names. */
export async function openStore(backendStoreUri: string, options: OpenStoreOptions = {}): Promise<TraceStore> {
  const backend = parseBackendUri(backendStoreUri);
  if (backend.engine === 'postgresql') {
    throw new UsageError(
      'PostgreSQL backend store URIs are recognised but the PostgreSQL engine is not available yet; use sqlite:///<path>.',
    );
  }
  return new SqliteTraceStore(openSqlite(backend.path, { synchronous: options.synchronous }), options.sqlite);
}
