import type { TestProject } from 'vitest/node';
import { startPostgresCluster, type PostgresCluster } from './postgres-cluster.ts';

// Vitest globalSetup of the server project: one throwaway PostgreSQL per test run, shared by every test
// file (each file makes its own database: src/server/storage/postgres/test-database.ts). TEST_POSTGRES_URL
// points the tests at an existing database instead (its role needs CREATEDB).

declare module 'vitest' {
  export interface ProvidedContext {
    /** A `postgresql://` URL whose role may create databases. */
    postgresUrl: string;
  }
}

let cluster: PostgresCluster | undefined;

export async function setup(project: TestProject): Promise<void> {
  const external = process.env.TEST_POSTGRES_URL;
  if (external) {
    project.provide('postgresUrl', external);
    return;
  }
  const started = Date.now();
  cluster = await startPostgresCluster();
  if (process.env.TEST_POSTGRES_VERBOSE) console.log(`Test PostgreSQL ready in ${Date.now() - started} ms`);
  project.provide('postgresUrl', cluster.url);
}

export async function teardown(): Promise<void> {
  await cluster?.stop();
  cluster = undefined;
}
