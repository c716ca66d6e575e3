// Issue 13's version metrics on an already-loaded PostgreSQL bench database (bench/postgres-bench-db.ts), without
// the rest of the server benchmark: loading 1M traces takes long, tuning the metrics queries needs many runs.
//
//   npx tsx bench/postgres-metrics.ts --url postgresql://u:p@host/db [--runs 20] [--explain]
//
// Times each case of bench/server.ts (versionMetricCases) at the PostgreSQL store: one cold call, then `--runs`
// warm ones. `--explain` prints each statement's `EXPLAIN (ANALYZE, BUFFERS)` plan instead.
import { pathToFileURL } from 'node:url';
import { queryMetricsSql } from '../src/server/storage/postgres/pg-metrics.ts';
import { Sql } from '../src/server/storage/postgres/pg-context.ts';
import { createPostgresPool } from '../src/server/storage/postgres/postgres-pool.ts';
import { parsePostgresUri } from '../src/server/storage/postgres/postgres-uri.ts';
import { openStore } from '../src/server/storage/open-store.ts';
import { timeIt, versionMetricCases } from './server.ts';

async function explainAll(url: string, ids: number[]): Promise<void> {
  const pool = createPostgresPool(parsePostgresUri(url), { size: 1, statementTimeoutMs: 0 });
  const client = await pool.connect();
  try {
    for (const [label, query] of versionMetricCases(ids)) {
      const sql = new Sql(client);
      // Each statement the query issues is explained (ANALYZE runs it), then run for its rows.
      sql.rows = async (text, params = []) => {
        const plan = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, params);
        console.log(`---- ${label}\n${text}\n${plan.rows.map((r) => r['QUERY PLAN']).join('\n')}\n`);
        return (await client.query(text, params)).rows;
      };
      await queryMetricsSql(sql, query);
    }
  } finally {
    client.release();
    await pool.end();
  }
}

async function timeAll(url: string, ids: number[], runs: number): Promise<void> {
  const store = await openStore(url, { postgres: { poolSize: 4, statementTimeoutMs: 60_000 } });
  const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v.toPrecision(3));
  try {
    for (const [label, query] of versionMetricCases(ids)) {
      const c0 = performance.now();
      await store.queryMetrics(query);
      const cold = performance.now() - c0;
      const t = await timeIt(runs, () => store.queryMetrics(query));
      console.log(`| ${label} | ${ms(t.p50)} / ${ms(t.p95)} ms (first call ${ms(cold)} ms) | ≤ 200 ms |`);
    }
  } finally {
    await store.close();
  }
}

if (process.argv[1] !== undefined && pathToFileURL(process.argv[1]).href === import.meta.url) {
  const args = process.argv.slice(2);
  const flag = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
  const url = flag('--url');
  if (url === undefined) throw new Error('--url postgresql://… of a database loaded by bench/postgres-bench-db.ts');
  const pool = createPostgresPool(parsePostgresUri(url), { size: 1, statementTimeoutMs: 0 });
  const { rows } = await pool.query<{ id: string }>(`SELECT experiment_id AS id FROM experiments WHERE name = 'bench'`);
  await pool.end();
  if (rows.length === 0) throw new Error('No bench experiment: load the database with bench/postgres-bench-db.ts');
  const ids = [Number(rows[0].id)];
  if (args.includes('--explain')) await explainAll(url, ids);
  else await timeAll(url, ids, Number(flag('--runs') ?? 20));
}
