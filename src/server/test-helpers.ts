import type { FastifyInstance } from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from './app.ts';
import { openSqlite } from './storage/open-sqlite.ts';
import { SqliteTraceStore } from './storage/sqlite-trace-store.ts';

export interface TestServer {
  app: FastifyInstance;
  store: SqliteTraceStore;
  close: () => Promise<void>;
}

/** A real app on a real SQLite file in a temporary folder, for tests that go through `inject`. */
export async function createTestServer(): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'trace-explorer-test-'));
  const store = new SqliteTraceStore(openSqlite(join(dir, 'test.db'), { synchronous: 'NORMAL' }));
  const app = await buildApp({ store });
  return {
    app,
    store,
    close: async () => {
      await app.close();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
