import { defineConfig } from '@playwright/test';

// scripts/e2e.ts picks a free port and a fresh database file, builds the app and then runs
// Playwright; the server below is the real one serving the built explorer.
const port = Number(process.env.E2E_PORT ?? 5055);
const db = process.env.E2E_DB ?? '.tmp/e2e.db';
const dist = process.env.E2E_DIST ?? 'dist';
// A second server with --auth for the auth-*.spec.ts tests (its own port and database).
const authPort = Number(process.env.E2E_AUTH_PORT ?? 5056);
const authDb = process.env.E2E_AUTH_DB ?? '.tmp/e2e-auth.db';
export const E2E_ADMIN = { username: 'e2e-admin', password: 'e2e-admin-password' };
// Two replicas on one PostgreSQL database for the replica-*.spec.ts tests, when scripts/e2e.ts started a
// throwaway cluster (E2E_PG_URL); without one the `replicas` project and its servers are left out.
const pgUrl = process.env.E2E_PG_URL;
const replicaPorts = [Number(process.env.E2E_REPLICA_A_PORT ?? 5057), Number(process.env.E2E_REPLICA_B_PORT ?? 5058)];
/** Replica A and replica B, in that order: the journey writes through one and reads through the other. */
export const E2E_REPLICA_URLS = replicaPorts.map((p) => `http://127.0.0.1:${p}`);

export default defineConfig({
  testDir: 'e2e',
  timeout: 30_000,
  expect: { timeout: 7_000 },
  fullyParallel: true,
  workers: 2,
  retries: 0,
  reporter: process.env.CI ? 'list' : [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    browserName: 'chromium',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
  projects: [
    { name: 'open', testIgnore: /(auth|replica)-.*\.spec\.ts/ },
    { name: 'auth', testMatch: /auth-.*\.spec\.ts/, use: { baseURL: `http://127.0.0.1:${authPort}` } },
    ...(pgUrl ? [{ name: 'replicas', testMatch: /replica-.*\.spec\.ts/, use: { baseURL: E2E_REPLICA_URLS[0] } }] : []),
  ],
  webServer: [
    {
      command: `node --import tsx src/server/main.ts --port ${port} --backend-store-uri sqlite:///${db} --static-dir ${dist} --synchronous NORMAL`,
      url: `http://127.0.0.1:${port}/health`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      command: `node --import tsx src/server/main.ts --auth --port ${authPort} --backend-store-uri sqlite:///${authDb} --static-dir ${dist} --synchronous NORMAL`,
      url: `http://127.0.0.1:${authPort}/health`,
      env: { TRACE_EXPLORER_ADMIN_USERNAME: E2E_ADMIN.username, TRACE_EXPLORER_ADMIN_PASSWORD: E2E_ADMIN.password },
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    // Started together, so the two also race the migrations (the advisory lock lets one migrate).
    ...(pgUrl
      ? replicaPorts.map((p) => ({
          command: `node --import tsx src/server/main.ts --port ${p} --backend-store-uri '${pgUrl}' --static-dir ${dist} --pool-size 4`,
          url: `http://127.0.0.1:${p}/health`,
          reuseExistingServer: false,
          timeout: 60_000,
          stdout: 'ignore' as const,
          stderr: 'pipe' as const,
        }))
      : []),
  ],
});
