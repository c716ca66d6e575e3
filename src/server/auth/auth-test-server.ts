// Test support: the real app with --auth on a real SQLite file (traces and auth in one file,
// as `npm start -- --auth` runs it). Not imported by the product.
import type { FastifyInstance, InjectOptions } from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../app.ts';
import { openStore } from '../storage/open-store.ts';
import type { TraceStore } from '../storage/trace-store.ts';
import type { AuthService } from './auth-service.ts';
import { openAuth } from './open-auth.ts';
import type { PermissionName } from './permissions.ts';
import { SqliteAuthStore } from './sqlite-auth-store.ts';
import { openSqlite } from '../storage/open-sqlite.ts';
import { SqliteReviewQueueStore } from '../queues/sqlite-review-queue-store.ts';
import { SqliteSavedViewStore } from '../saved-views/sqlite-saved-view-store.ts';

export const ADMIN = { username: 'admin', password: 'admin-password-1' };

export interface AuthTestServer {
  app: FastifyInstance;
  store: TraceStore;
  auth: AuthService;
  dir: string;
  close: () => Promise<void>;
}

export async function createAuthTestServer(
  options: {
    defaultPermission?: PermissionName;
    staticDir?: string;
    /** How long the auxiliary stores' writes keep trying for a taken write lock (LockRetry). */
    lockBudgetMs?: number;
  } = {},
): Promise<AuthTestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'trace-explorer-auth-'));
  const path = join(dir, 'test.db');
  const store = await openStore(`sqlite:///${path}`, { synchronous: 'NORMAL' });
  const authStore = new SqliteAuthStore(path, options.lockBudgetMs);
  const auth = await openAuth(
    authStore,
    { enabled: true, insecureNoAuth: false, defaultPermission: options.defaultPermission ?? 'READ' },
    { TRACE_EXPLORER_ADMIN_USERNAME: ADMIN.username, TRACE_EXPLORER_ADMIN_PASSWORD: ADMIN.password },
  );
  const reviewQueues = new SqliteReviewQueueStore(openSqlite(path), options.lockBudgetMs);
  const savedViews = new SqliteSavedViewStore(path, options.lockBudgetMs);
  const app = await buildApp({ store, auth, staticDir: options.staticDir, reviewQueues, savedViews });
  return {
    app,
    store,
    auth,
    dir,
    close: async () => {
      await app.close();
      await store.close();
      await savedViews.close();
      await authStore.close();
      await reviewQueues.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const basic = (username: string, password: string): string =>
  `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;

/** `inject` with an Authorization header. */
export function call(app: FastifyInstance, authorization: string | undefined, options: InjectOptions) {
  return app.inject({
    ...options,
    headers: { ...(authorization ? { authorization } : {}), ...(options.headers ?? {}) },
  });
}
