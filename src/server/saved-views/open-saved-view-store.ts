import { parseBackendUri } from '../storage/open-store.ts';
import { PostgresSavedViewStore } from './postgres-saved-view-store.ts';
import type { SavedViewStore } from './saved-view-store.ts';
import { SqliteSavedViewStore } from './sqlite-saved-view-store.ts';

/** Saved views live in the same database as the traces (--backend-store-uri). */
export async function openSavedViewStore(backendStoreUri: string): Promise<SavedViewStore> {
  const backend = parseBackendUri(backendStoreUri);
  if (backend.engine === 'postgresql') return PostgresSavedViewStore.open(backend.url);
  return new SqliteSavedViewStore(backend.path);
}
