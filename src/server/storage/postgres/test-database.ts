// Test-only: a fresh database per test file on the run's throwaway PostgreSQL
// (scripts/postgres-global-setup.ts starts it and provides its URL), dropped afterwards.
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { inject } from 'vitest';
import { parsePostgresUri, type PostgresUri } from './postgres-uri.ts';

export interface TestDatabase {
  uri: PostgresUri;
  url: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const base = inject('postgresUrl');
  const name = `te_test_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: base });
  await admin.connect();
  try {
    // FILE_COPY (PostgreSQL 15+) copies the small template in ≈ 0.2 s where the default WAL_LOG takes ≈ 0.5 s.
    const { rows } = await admin.query<{ v: number }>('SELECT current_setting($1)::int AS v', ['server_version_num']);
    await admin.query(`CREATE DATABASE ${name}${rows[0].v >= 150000 ? ' STRATEGY = FILE_COPY' : ''}`);
  } finally {
    await admin.end();
  }
  const url = base.replace(/\/[^/?]+(\?|$)/, `/${name}$1`);
  return {
    uri: parsePostgresUri(url),
    url,
    drop: async () => {
      const client = new Client({ connectionString: base });
      await client.connect();
      try {
        // FORCE (PostgreSQL 13+) ends connections a failed test may have left open. It may not end an
        // autovacuum worker (a superuser's process; the test role is not one): that refusal (42501) is retried
        // while the worker finishes, and in the end left to the throwaway cluster's removal.
        for (let attempt = 0; ; attempt++) {
          try {
            await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
            break;
          } catch (error) {
            if ((error as { code?: string }).code !== '42501') throw error;
            if (attempt === 20) break;
            await new Promise((resolve) => setTimeout(resolve, 250));
          }
        }
      } finally {
        await client.end();
      }
    },
  };
}
