import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'core', environment: 'node', include: ['src/core/**/*.test.ts'] } },
      {
        test: {
          name: 'server',
          environment: 'node',
          include: ['src/server/**/*.test.ts', 'scripts/**/*.test.ts'],
          testTimeout: 30_000,
          // A throwaway PostgreSQL for the tests that need one (scripts/postgres-cluster.ts).
          globalSetup: ['scripts/postgres-global-setup.ts'],
        },
      },
      {
        // The backend-neutral route and store suite again, on PostgreSQL: createTestServer defaults to it here.
        // Tests of SQLite internals (accelerator, durability, pragmas) pass backend 'sqlite' and run on it in both.
        test: {
          name: 'server-postgres',
          environment: 'node',
          include: ['src/server/routes/*.test.ts', 'src/server/app.test.ts', 'src/server/otel-roundtrip.test.ts'],
          env: { TEST_BACKEND: 'postgresql' },
          testTimeout: 30_000,
          globalSetup: ['scripts/postgres-global-setup.ts'],
        },
      },
      {
        test: {
          name: 'sdk',
          environment: 'node',
          include: ['src/sdk/**/*.test.ts', 'examples/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        plugins: [react()],
        test: {
          name: 'ui',
          environment: 'jsdom',
          include: ['src/ui/**/*.test.{ts,tsx}'],
          setupFiles: ['src/ui/test-setup.ts'],
        },
      },
    ],
  },
});
