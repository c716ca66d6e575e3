// `npx tsx bench/ingest.ts --db base.db [--traces N] [--root checkout] [--start-traces 4000] [--otlp-batches 40]`
// (or `npm run bench -- ingest --db …`): HTTP ingest alone, on a copy of a base database so every run writes
// new traces into the same store. The base is built once (N synthetic traces, default 100,000, as in
// bench/server.ts). Reports StartTraceV3 (concurrency 32) and OTLP protobuf (512-span batches, 4 in flight)
// with the event loop's busy time and the CPU time of the server's main thread (from /proc, Linux) besides the
// whole process's (read workers, checkpointer, the load generator's thread). `--root` measures another checkout
// (e.g. a worktree of an older commit) with this same harness: its store, app and bench data are imported from there.
// Storage writes: the process's `write_bytes` (/proc/self/io) in 4 KiB pages, WAL frames and checkpoints included.
import { copyFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance as nodePerformance } from 'node:perf_hooks';
import type { AddressInfo } from 'node:net';

export interface IngestBenchOptions {
  /** The base database (built when absent); each run copies it next to itself. */
  db?: string;
  traces?: number;
  root?: string;
  startTraces?: number;
  otlpBatches?: number;
}

/** CPU time of this process's main thread in ms (Linux; 10 ms ticks), or NaN elsewhere. */
function mainThreadCpuMs(): number {
  try {
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

/** Bytes this process sent towards storage (Linux /proc/self/io `write_bytes`: the WAL, checkpoints), or NaN. */
function writtenBytes(): number {
  try {
    return Number(/^write_bytes: (\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'))?.[1] ?? Number.NaN);
  } catch {
    return Number.NaN;
  }
}

/** Storage writes per item in 4 KiB pages (the store's page size). */
const pagesPer = (bytes: number, items: number) => (bytes / 4096 / items).toFixed(1);

const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');

export async function runIngestBench(options: IngestBenchOptions = {}): Promise<string> {
  const root = pathToFileURL(resolve(options.root ?? resolve(import.meta.dirname, '..'))).href;
  const base = options.db ?? '/tmp/trace-explorer-ingest-base.db';
  const work = `${base}.run.db`;
  const startN = options.startTraces ?? 4000;
  const batches = options.otlpBatches ?? 40;
  const bench = (await import(`${root}/bench/server.ts`)) as typeof import('./server.ts');
  const { buildApp } = (await import(`${root}/src/server/app.ts`)) as typeof import('../src/server/app.ts');
  const { openSqlite } = (await import(
    `${root}/src/server/storage/open-sqlite.ts`
  )) as typeof import('../src/server/storage/open-sqlite.ts');
  const { SqliteTraceStore } = (await import(
    `${root}/src/server/storage/sqlite-trace-store.ts`
  )) as typeof import('../src/server/storage/sqlite-trace-store.ts');

  if (!existsSync(base)) {
    const n = options.traces ?? 100_000;
    const db = openSqlite(base, { synchronous: 'NORMAL' });
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -1000000');
    const store = new SqliteTraceStore(db, { readWorkers: 0 });
    const experimentId = await store.createExperiment({ name: 'bench' });
    for (let i = 0; i < n; i += 10_000) {
      const batch = [];
      for (let j = i; j < Math.min(n, i + 10_000); j++) batch.push(bench.syntheticTrace(j, n, experimentId));
      store.bulkLoad(batch);
    }
    store.optimize();
    db.pragma('wal_checkpoint(TRUNCATE)');
    await store.close();
  }
  for (const suffix of ['', '-wal', '-shm']) rmSync(work + suffix, { force: true });
  copyFileSync(base, work);
  // Migrations a newer checkout applies run here, before anything is measured.
  const db = openSqlite(work, { synchronous: 'FULL' });
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.pragma('cache_size = -262144');
  const store = new SqliteTraceStore(db);
  const experimentId = (await store.getExperimentByName('bench'))?.experiment_id ?? '';
  const n = db.prepare('SELECT COUNT(*) FROM traces').pluck().get() as number;
  const app = await buildApp({ store });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const rows = [`| Measure | Result |`, `|---|---|`, `| Store | ${n.toLocaleString('en-US')} traces; load ${load()} |`];
  const json = { 'content-type': 'application/json' };
  const protobuf = { 'content-type': 'application/x-protobuf', 'x-mlflow-experiment-id': experimentId };
  try {
    // Warm-up (statements prepared, workers started) with trace ids the measured runs do not use.
    await bench.runLoad(`${url}/api/3.0/mlflow/traces`, json, bench.startTraceBodies(n, experimentId, 200, 900_000), 8);
    await bench.runLoad(`${url}/v1/traces`, protobuf, bench.otlpPayloads(2, 9000), 2);

    const bodies = bench.startTraceBodies(n, experimentId, startN);
    let elu = nodePerformance.eventLoopUtilization();
    let cpu = process.cpuUsage();
    let main = mainThreadCpuMs();
    let written = writtenBytes();
    const startSeconds = await bench.runLoad(`${url}/api/3.0/mlflow/traces`, json, bodies, 32);
    let busy = nodePerformance.eventLoopUtilization(elu).active / startN;
    let used = process.cpuUsage(cpu);
    rows.push(
      `| StartTraceV3, concurrency 32 | ${Math.round(startN / startSeconds)} traces/s wall (${startN} traces); event loop busy ${busy.toFixed(2)} ms per trace; main thread CPU ${((mainThreadCpuMs() - main) / startN).toFixed(2)} ms per trace; process CPU ${((used.user + used.system) / startN / 1000).toFixed(2)} ms per trace; storage writes ${pagesPer(writtenBytes() - written, startN)} pages per trace |`,
    );

    const payloads = bench.otlpPayloads(batches);
    const spans = batches * 512;
    elu = nodePerformance.eventLoopUtilization();
    cpu = process.cpuUsage();
    main = mainThreadCpuMs();
    written = writtenBytes();
    const otlpSeconds = await bench.runLoad(`${url}/v1/traces`, protobuf, payloads, 4);
    busy = nodePerformance.eventLoopUtilization(elu).active / spans;
    used = process.cpuUsage(cpu);
    rows.push(
      `| OTLP protobuf, batches of 512 spans (128 traces), 4 in flight | ${Math.round(spans / otlpSeconds)} spans/s wall (${spans} spans); event loop busy ${Math.round(busy * 1000)} µs per span; main thread CPU ${Math.round((1000 * (mainThreadCpuMs() - main)) / spans)} µs per span; process CPU ${((used.user + used.system) / (spans / 4) / 1000).toFixed(2)} ms per trace; storage writes ${pagesPer(writtenBytes() - written, spans / 4)} pages per trace |`,
    );
  } finally {
    await app.close();
    await store.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(work + suffix, { force: true });
  }
  rows.push(`| Load average after | ${load()} |`);
  return rows.join('\n');
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  const args = process.argv.slice(2);
  const flag = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
  const number = (name: string) => (flag(name) === undefined ? undefined : Number(flag(name)));
  void runIngestBench({
    db: flag('--db'),
    traces: number('--traces'),
    root: flag('--root'),
    startTraces: number('--start-traces'),
    otlpBatches: number('--otlp-batches'),
  }).then((table) => {
    console.log(table);
    process.exit(0);
  });
}
