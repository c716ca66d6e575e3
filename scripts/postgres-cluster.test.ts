import { chmodSync, existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { findPostgresBinDir, startPostgresCluster } from './postgres-cluster.ts';

// The cluster script is what makes `npm test` self-sufficient on a fresh CI machine: these start real clusters.
describe('startPostgresCluster', () => {
  it('starts beside the run’s own cluster, reachable with its password only, and is removed on stop', async () => {
    const cluster = await startPostgresCluster();
    try {
      expect(cluster.url).not.toBe(inject('postgresUrl'));
      const client = new Client({ connectionString: cluster.url });
      await client.connect();
      const { rows } = await client.query('SELECT current_user AS u, current_database() AS d');
      expect(rows).toEqual([{ u: 'trace_explorer', d: 'trace_explorer' }]);
      await client.end();
      const wrong = new Client({ connectionString: cluster.url.replace(/:[^:@/]+@/, ':wrong@') });
      await expect(wrong.connect()).rejects.toThrow(/password authentication failed/);
    } finally {
      await cluster.stop();
    }
    expect(existsSync(cluster.dir)).toBe(false);
    const gone = new Client({ connectionString: cluster.url, connectionTimeoutMillis: 2_000 });
    await expect(gone.connect()).rejects.toThrow(/ECONNREFUSED|timeout/);
  });

  it('fails with the tool’s own message instead of hanging when initdb fails', async () => {
    const fake = mkdtempSync(join(tmpdir(), 'fake-pg-bin-'));
    chmodSync(fake, 0o755); // The cluster user (postgres, when root) runs it.
    try {
      writeFileSync(join(fake, 'initdb'), '#!/bin/sh\necho "initdb: error: out of disk space" >&2\nexit 1\n', {
        mode: 0o755,
      });
      for (const tool of ['pg_ctl', 'pg_isready']) symlinkSync('/bin/false', join(fake, tool));
      const started = Date.now();
      await expect(startPostgresCluster({ ...process.env, POSTGRES_BIN_DIR: fake })).rejects.toThrow(
        /^initdb failed: initdb: error: out of disk space$/,
      );
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      rmSync(fake, { recursive: true, force: true });
    }
  });

  it('refuses a POSTGRES_BIN_DIR without initdb rather than installing over it', async () => {
    await expect(startPostgresCluster({ ...process.env, POSTGRES_BIN_DIR: '/nonexistent' })).rejects.toThrow(
      'POSTGRES_BIN_DIR=/nonexistent holds no initdb.',
    );
  });

  it('finds Debian’s binaries off PATH', () => {
    const dir = findPostgresBinDir({ PATH: '' });
    // On this machine kind PostgreSQL lives in /usr/lib/postgresql/<major>/bin (installed by the run if missing).
    expect(dir).toMatch(/^\/usr\/lib\/postgresql\/\d+\/bin$/);
  });
});
