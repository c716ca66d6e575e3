// The PostgreSQL half of `npm run bench -- server --backend postgresql://…` (bench/server.ts): the same data set
// loaded into PostgreSQL (postgres-bench-db.ts), the same search and version-metrics cases timed at the
// PostgreSQL store, bytes per trace with indexes (pg_total_relation_size), and HTTP ingest through one server
// process and through two (replicas on the one database), each a real `src/server/main.ts` process.
// `--backend postgresql` without a URL uses a throwaway cluster (scripts/postgres-cluster.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { startPostgresCluster, type PostgresCluster } from '../scripts/postgres-cluster.ts';
import { openStore } from '../src/server/storage/open-store.ts';
import { buildPostgresBenchDatabase } from './postgres-bench-db.ts';
import { measureQueries, otlpPayloads, runLoad, startTraceBodies, type AddRow } from './server.ts';

const MAIN = join(import.meta.dirname, '..', 'src', 'server', 'main.ts');

interface Replica {
  url: string;
  process: ChildProcess;
}

/** Starts `src/server/main.ts` on the database; resolves with its URL once it listens. */
function startReplica(databaseUrl: string, poolSize: number): Promise<Replica> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', MAIN, '--port', '0', '--backend-store-uri', databaseUrl, '--pool-size', String(poolSize)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      if (url) resolve({ url, process: child });
    });
    child.once('exit', (code) => reject(new Error(`replica exited (${code}) before listening: ${out}`)));
  });
}

/** SIGTERM (the graceful drain), then waits for the exit. */
function stopReplica(replica: Replica): Promise<void> {
  if (replica.process.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    replica.process.once('exit', () => resolve());
    replica.process.kill('SIGTERM');
  });
}

const perSecond = (count: number, seconds: number) => Math.round(count / seconds).toLocaleString('en-US');

/** POSTs each replica its own bodies at once; resolves to the wall time until the last one is done. */
async function loadReplicas(
  replicas: Replica[],
  path: string,
  headers: Record<string, string>,
  bodies: (string | Uint8Array)[][],
  concurrency: number,
): Promise<number> {
  const t0 = performance.now();
  await Promise.all(replicas.map((r, i) => runLoad(`${r.url}${path}`, headers, bodies[i], concurrency)));
  return (performance.now() - t0) / 1000;
}

/**
 * Measures PostgreSQL at `n` traces under the labels bench/server.ts uses for SQLite, so the two print side by
 * side. `backend` is a `postgresql://` URL of an empty database, or `postgresql` for a throwaway cluster.
 */
export async function measurePostgres(
  backend: string,
  n: number,
  add: AddRow,
  log: (line: string) => void,
  ingestTraces?: number,
): Promise<void> {
  let cluster: PostgresCluster | undefined;
  const replicas: Replica[] = [];
  try {
    if (!backend.includes('://')) cluster = await startPostgresCluster();
    const url = cluster?.url ?? backend;
    const built = await buildPostgresBenchDatabase(url, n, log);
    add(
      'Database',
      `${n.toLocaleString('en-US')} traces, 10 tags/metadata and 5 spans each; bulk load ${built.loadSeconds.toFixed(0)} s, index build ${built.indexSeconds.toFixed(0)} s, VACUUM ANALYZE ${built.analyzeSeconds.toFixed(1)} s`,
    );
    const spans = built.sizes.find((s) => s.table === 'spans');
    const largest = built.indexSizes
      .slice(0, 3)
      .map((i) => `${i.index} ${Math.round(i.bytes / n)} B`)
      .join(', ');
    add(
      'Bytes per trace, all',
      `${built.bytesPerTrace} B incl. indexes and TOAST (pg_total_relation_size; spans table ${Math.round((spans?.totalBytes ?? 0) / n)} B of it, its indexes ${Math.round((spans?.indexBytes ?? 0) / n)} B; largest indexes: ${largest})`,
    );

    const store = await openStore(url, { postgres: { poolSize: 4, statementTimeoutMs: 60_000 } });
    try {
      await measureQueries(store, built.experimentId, n, add);
    } finally {
      await store.close();
    }

    // ---- HTTP ingest through one and through two server processes on this database ----
    const sample = ingestTraces ?? Math.min(20_000, Math.max(2_000, Math.floor(n / 50)));
    replicas.push(await startReplica(url, 10), await startReplica(url, 10));
    const [a] = replicas;
    const json = { 'content-type': 'application/json' };
    const tracesPath = '/api/3.0/mlflow/traces';
    // Warm-up (connections, JIT) outside the timed runs, on trace ids no timed run uses.
    await loadReplicas(
      replicas,
      tracesPath,
      json,
      [0, 1].map((k) => startTraceBodies(n, built.experimentId, 200, (5 + k) * sample)),
      8,
    );
    const one = await loadReplicas([a], tracesPath, json, [startTraceBodies(n, built.experimentId, sample)], 32);
    const two = await loadReplicas(
      replicas,
      tracesPath,
      json,
      [1, 2].map((k) => startTraceBodies(n, built.experimentId, sample, k * sample)),
      32,
    );
    add(
      'Ingest: StartTraceV3 over HTTP, concurrency 32',
      `${perSecond(sample, one)} traces/s wall through one server process (${sample.toLocaleString('en-US')} traces)`,
      '≥ 2,000/s',
    );
    add(
      'Ingest: StartTraceV3 through two replicas (32 in flight each)',
      `${perSecond(2 * sample, two)} traces/s wall (${(2 * sample).toLocaleString('en-US')} traces) = ${((one / two) * 2).toFixed(2)}× one process`,
      '≥ 1.6× one',
    );
    const otlp = { 'content-type': 'application/x-protobuf', 'x-mlflow-experiment-id': built.experimentId };
    const batches = 40;
    const spansOne = await loadReplicas([a], '/v1/traces', otlp, [otlpPayloads(batches)], 4);
    const spansTwo = await loadReplicas(
      replicas,
      '/v1/traces',
      otlp,
      [1, 2].map((k) => otlpPayloads(batches, k * batches)),
      4,
    );
    add(
      'Ingest: OTLP protobuf, batches of 512 spans, 4 in flight',
      `${perSecond(batches * 512, spansOne)} spans/s wall through one server process (${(batches * 512).toLocaleString('en-US')} spans)`,
      '≥ 20,000/s',
    );
    add(
      'Ingest: OTLP through two replicas (4 in flight each)',
      `${perSecond(2 * batches * 512, spansTwo)} spans/s wall = ${((spansOne / spansTwo) * 2).toFixed(2)}× one process`,
      '≥ 1.6× one',
    );
  } finally {
    await Promise.all(replicas.map(stopReplica));
    await cluster?.stop();
  }
}
