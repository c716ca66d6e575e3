import { buildApp } from './app.ts';
import { parseServerArgs, UsageError } from './config.ts';
import { openStore } from './storage/open-store.ts';
import { openAuth } from './auth/open-auth.ts';
import { openAuthStore } from './auth/open-auth-store.ts';
import { openSavedViewStore } from './saved-views/open-saved-view-store.ts';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Starts a trace server from command-line flags; resolves once listening. */
export async function startServer(argv: string[]): Promise<{ url: string; close: () => Promise<void> }> {
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
  const store = await openStore(config.backendStoreUri, { synchronous: config.synchronous });
  const savedViews = await openSavedViewStore(config.backendStoreUri);
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
    savedViews,
  });
  const address = await app.listen({ host: config.host, port: config.port });
  return {
    url: address,
    close: async () => {
      await app.close();
      await store.close();
      await savedViews.close();
      await authStore?.close();
    },
  };
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  startServer(process.argv.slice(2)).then(
    ({ url, close }) => {
      console.log(`trace-explorer listening on ${url}`);
      const stop = () => void close().then(() => process.exit(0));
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    },
    (error: unknown) => {
      console.error(error instanceof UsageError ? error.message : error);
      process.exit(error instanceof UsageError ? 2 : 1);
    },
  );
}
