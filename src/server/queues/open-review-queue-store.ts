import { openSqlite } from '../storage/open-sqlite.ts';
import { parseBackendUri } from '../storage/open-store.ts';
import { migratePostgres } from '../storage/postgres/migrate-postgres.ts';
import { createPostgresPool } from '../storage/postgres/postgres-pool.ts';
import { parsePostgresUri } from '../storage/postgres/postgres-uri.ts';
import { PostgresReviewQueueStore } from './postgres-review-queue-store.ts';
import type { ReviewQueueStore } from './review-queue-store.ts';
import { SqliteReviewQueueStore } from './sqlite-review-queue-store.ts';

/**
 * The review queue tables live in the same database as the traces (--backend-store-uri): on SQLite
 * a second connection to the file, on PostgreSQL a small pool of its own (claims are short statements).
 */
export async function openReviewQueueStore(backendStoreUri: string): Promise<ReviewQueueStore> {
  const backend = parseBackendUri(backendStoreUri);
  if (backend.engine === 'postgresql') {
    const pool = createPostgresPool(parsePostgresUri(backend.url), { size: 4, statementTimeoutMs: 30_000 });
    try {
      await migratePostgres(pool);
    } catch (error) {
      await pool.end();
      throw error;
    }
    return new PostgresReviewQueueStore(pool, { ownsPool: true });
  }
  return new SqliteReviewQueueStore(openSqlite(backend.path));
}
