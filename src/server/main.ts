import { buildApp } from './app.ts';
import { closeOnSignals, drainRequests } from './graceful-shutdown.ts';
import { parseServerArgs, UsageError } from './config.ts';
import { openStore } from './storage/open-store.ts';
import { openAuth } from './auth/open-auth.ts';
import { openAuthStore } from './auth/open-auth-store.ts';
import { openReviewQueueStore } from './queues/open-review-queue-store.ts';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Starts a trace server from command-line flags; resolves once listening. `close` drains: no new
 * connections, requests in flight finish (at most --shutdown-timeout), then the stores close.
 */
export async function startServer(
  argv: string[],
  log: (line: string) => void = () => {},
): Promise<{ url: string; close: () => Promise<void> }> {
  const config = parseServerArgs(argv);
  const authStore = config.auth.enabled ? await openAuthStore(config.backendStoreUri) : undefined;
  const auth =
    authStore &&
    (await openAuth(authStore, config.auth, process.env).catch(async (error: unknown) => {
      await authStore.close();
      throw error;
    }));
  if (config.auth.insecureNoAuth)
    console.warn(
      `WARNING: serving ${config.host} without authentication (--insecure-no-auth): anyone who reaches it can read and delete every trace.`,
    );
  const store = await openStore(config.backendStoreUri, {
    synchronous: config.synchronous,
    sqlite: { readWorkers: config.readWorkers, readBudgetMs: config.readBudgetMs, warmReadWorkers: true },
    postgres: { poolSize: config.poolSize, statementTimeoutMs: config.statementTimeoutMs },
  });
  // After the trace store: on SQLite its open applies the migrations that create the queue tables.
  const reviewQueues = await openReviewQueueStore(config.backendStoreUri);
  const defaultUi = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist');
  const staticDir = config.staticDir ?? (existsSync(join(defaultUi, 'index.html')) ? defaultUi : undefined);
  const app = await buildApp({
    store,
    staticDir,
    allowedHosts: config.allowedHosts,
    limits: config.limits,
    serveSourceMaps: config.serveSourceMaps,
    maxSpansPerTrace: config.maxSpansPerTrace,
    auth,
    reviewQueues,
  });
  const address = await app.listen({ host: config.host, port: config.port });
  return {
    url: address,
    close: async () => {
      await drainRequests(app, config.shutdownTimeoutMs, log);
      await store.close();
      await reviewQueues.close();
      await authStore?.close();
    },
  };
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  startServer(process.argv.slice(2), console.log).then(
    ({ url, close }) => {
      console.log(`trace-explorer listening on ${url}`);
      closeOnSignals(close);
    },
    (error: unknown) => {
      console.error(error instanceof UsageError ? error.message : error);
      process.exit(error instanceof UsageError ? 2 : 1);
    },
  );
}
