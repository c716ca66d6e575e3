import { UsageError } from '../config.ts';
import { parseBackendUri } from '../storage/open-store.ts';
import type { AuthStore } from './auth-store.ts';
import { SqliteAuthStore } from './sqlite-auth-store.ts';

/** The auth tables live in the same database as the traces (--backend-store-uri). */
export function openAuthStore(backendStoreUri: string): AuthStore {
  const backend = parseBackendUri(backendStoreUri);
  if (backend.engine === 'postgresql') {
    throw new UsageError('--auth on PostgreSQL is not available yet: the auth tables have a SQLite store only.');
  }
  return new SqliteAuthStore(backend.path);
}
