import { parseBackendUri } from '../storage/open-store.ts';
import type { AuthStore } from './auth-store.ts';
import { PostgresAuthStore } from './postgres-auth-store.ts';
import { SqliteAuthStore } from './sqlite-auth-store.ts';

/** The auth tables live in the same database as the traces (--backend-store-uri). */
export async function openAuthStore(backendStoreUri: string): Promise<AuthStore> {
  const backend = parseBackendUri(backendStoreUri);
  if (backend.engine === 'postgresql') return PostgresAuthStore.open(backend.url);
  return new SqliteAuthStore(backend.path);
}
