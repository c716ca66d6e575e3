// Issue 13's version metrics on an already-loaded PostgreSQL bench database (bench/postgres-bench-db.ts), without
// the rest of the server benchmark: loading 1M traces takes long, tuning the metrics queries needs many runs.
//
//   npx tsx bench/postgres-metrics.ts --url postgresql://u:p@host/db [--runs 20] [--sql-runs 20] [--explain]
//   npx tsx bench/postgres-metrics.ts --traces 100000 [--runs 20]   (loads a throwaway cluster first)
//
// Times each case of bench/server.ts (versionMetricCases), a group page, and a metric right after another
// replica's write, at the PostgreSQL store: with the metrics accelerator (one cold call: the columns' load,
// then `--runs` warm ones, each a catch-up) and with SQL alone (`--sql-runs`, 0 to skip). `--explain` prints
// each SQL statement's `EXPLAIN (ANALYZE, BUFFERS)` plan instead.
import { pathToFileURL } from 'node:url';
import { queryMetricsSql } from '../src/server/storage/postgres/pg-metrics.ts';
import { Sql } from '../src/server/storage/postgres/pg-context.ts';
import { createPostgresPool } from '../src/server/storage/postgres/postgres-pool.ts';
import { parsePostgresUri } from '../src/server/storage/postgres/postgres-uri.ts';
import { openStore } from '../src/server/storage/open-store.ts';
import type { PostgresTraceStore } from '../src/server/storage/postgres/postgres-trace-store.ts';
import { buildPostgresBenchDatabase } from './postgres-bench-db.ts';
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

/** The timed calls: the version metrics, a group page, and a metric right after another replica's write. */
function cases(
  store: PostgresTraceStore,
  writer: PostgresTraceStore,
  ids: number[],
  traceIds: string[],
): [string, () => Promise<unknown>][] {
  const metrics = versionMetricCases(ids).map(([label, query]): [string, () => Promise<unknown>] => [
    label,
    () => store.queryMetrics(query),
  ]);
  const [, count] = versionMetricCases(ids)[0];
  let written = 0;
  return [
    ...metrics,
    [
      'group page by version (count order)',
      () =>
        store.listGroups({
          experimentIds: ids,
          groupBy: { kind: 'metadata', key: 'app_version' },
          order: 'count',
          offset: 0,
          maxResults: 20,
        }),
    ],
    [
      'count by version × status, after another replica set a tag',
      async () => {
        // The write is inside the clock: it is a few ms, timed apart (printed first).
        await writer.setTraceTag(traceIds[written++ % traceIds.length], 'bench.touched', String(written));
        return store.queryMetrics(count);
      },
    ],
  ];
}

async function timeAll(url: string, ids: number[], traceIds: string[], runs: number, sqlRuns: number): Promise<void> {
  const open = (accelerator: boolean) =>
    openStore(url, {
      postgres: { poolSize: 4, statementTimeoutMs: 60_000, metricsAccelerator: accelerator ? {} : false },
    }) as Promise<PostgresTraceStore>;
  const [fast, slow, writer] = await Promise.all([open(true), open(false), open(false)]);
  const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v.toPrecision(3));
  try {
    const w = await timeIt(10, () => writer.setTraceTag(traceIds[0], 'bench.touched', 'w'));
    console.log(`(one tag write through the other replica: ${ms(w.p50)} / ${ms(w.p95)} ms)`);
    // The base columns load in the background (a cold call answers from SQL): time that load apart.
    const l0 = performance.now();
    await fast.acceleratorReady();
    console.log(`(background load of the base columns: ${ms(performance.now() - l0)} ms)`);
    console.log('| case | accelerator p50 / p95 (first call) | SQL alone p50 / p95 | goal |');
    console.log('|---|---|---|---|');
    const slowCases = cases(slow, writer, ids, traceIds);
    for (const [i, [label, call]] of cases(fast, writer, ids, traceIds).entries()) {
      const c0 = performance.now();
      await call();
      const cold = performance.now() - c0;
      // A dimension the first call needed loads in the background (SQL answered that call): time it loaded.
      await fast.acceleratorReady();
      const t = await timeIt(runs, call);
      const s = sqlRuns > 0 ? await timeIt(sqlRuns, slowCases[i][1]) : undefined;
      console.log(
        `| ${label} | ${ms(t.p50)} / ${ms(t.p95)} ms (${ms(cold)} ms) | ${s ? `${ms(s.p50)} / ${ms(s.p95)} ms` : '—'} | ≤ 200 ms |`,
      );
    }
    const memory = fast.acceleratorMemory();
    if (memory)
      console.log(
        `accelerator memory: base ${(memory.baseBytes / 2 ** 20).toFixed(1)} MiB, ${memory.dimensions} dimensions ${(memory.dimensionBytes / 2 ** 20).toFixed(1)} MiB`,
      );
  } finally {
    await Promise.all([fast.close(), slow.close(), writer.close()]);
  }
}

if (process.argv[1] !== undefined && pathToFileURL(process.argv[1]).href === import.meta.url) {
  const args = process.argv.slice(2);
  const flag = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
  let url = flag('--url');
  const { startPostgresCluster } = await import('../scripts/postgres-cluster.ts');
  const cluster = url === undefined ? await startPostgresCluster() : undefined;
  try {
    if (cluster) {
      url = cluster.url;
      await buildPostgresBenchDatabase(url, Number(flag('--traces') ?? 100_000));
    }
    if (url === undefined) throw new Error('--url postgresql://… of a database loaded by bench/postgres-bench-db.ts');
    const pool = createPostgresPool(parsePostgresUri(url), { size: 1, statementTimeoutMs: 0 });
    const { rows } = await pool.query<{ id: string }>(
      `SELECT experiment_id AS id FROM experiments WHERE name = 'bench'`,
    );
    const traced = await pool.query<{ trace_id: string }>(
      'SELECT trace_id FROM traces ORDER BY trace_key DESC LIMIT 100',
    );
    await pool.end();
    if (rows.length === 0) throw new Error('No bench experiment: load the database with bench/postgres-bench-db.ts');
    const ids = [Number(rows[0].id)];
    if (args.includes('--explain')) await explainAll(url, ids);
    else
      await timeAll(
        url,
        ids,
        traced.rows.map((r) => r.trace_id),
        Number(flag('--runs') ?? 20),
        Number(flag('--sql-runs') ?? 20),
      );
  } finally {
    await cluster?.stop();
  }
}
