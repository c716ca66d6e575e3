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
