// `npm run bench -- big-write`: /health while one 100,000-span OTLP request (≈ 7 MiB of protobuf,
// issue 14's case) is stored, with SQLite writes in the writer thread and, as the baseline, on the
// event loop (`writerThread: false`); either way the body is decoded in a decode thread
// (otlp/decode-pool.ts). The server runs in this process; /health is probed every 50 ms from a
// worker thread (bench/load.ts), so a blocked event loop shows as a slow probe.
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { buildApp } from '../src/server/app.ts';
import { openSqlite } from '../src/server/storage/open-sqlite.ts';
import { SqliteTraceStore } from '../src/server/storage/sqlite-trace-store.ts';
import { bigTraceRequest, HEALTH_WORKER, percentile } from './load.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function measure(writerThread: boolean): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'big-write-'));
  const store = new SqliteTraceStore(openSqlite(join(dir, 'b.db')), { writerThread, warmReadWorkers: true });
  const app = await buildApp({ store });
  try {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as AddressInfo).port;
    const { traceId, body } = bigTraceRequest();
    const health = new Worker(HEALTH_WORKER, { eval: true, workerData: { port } });
    await sleep(1000);
    const load = loadavg()[0];
    const from = Date.now();
    const started = performance.now();
    const elu = performance.eventLoopUtilization();
    const res = await fetch(`http://127.0.0.1:${port}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf', 'x-mlflow-experiment-id': '0' },
      body: new Uint8Array(body),
    });
    await res.arrayBuffer();
    const wallMs = performance.now() - started;
    const busyMs = performance.eventLoopUtilization(elu).active;
    const to = Date.now();
    health.postMessage('stop');
    const samples = await new Promise<[number, number, number][]>((resolve) => health.once('message', resolve));
    await health.terminate();
    const spans = (await store.spanCounts([traceId])).get(traceId);
    const during = samples
      .filter(([at]) => at >= from && at <= to)
      .map(([, latency]) => latency)
      .sort((a, b) => a - b);
    const f = (v: number) => v.toFixed(v >= 100 ? 0 : 1);
    return (
      `| ${writerThread ? 'writer thread' : 'event loop'} | ${res.status}, ${spans?.toLocaleString('en-US')} spans stored | ` +
      `${f(wallMs)} ms | ${f(busyMs)} ms | ${during.length} | ${f(percentile(during, 0.5))} / ${f(percentile(during, 0.99))} / ${f(during[during.length - 1] ?? NaN)} ms | ${load.toFixed(1)} |`
    );
  } finally {
    await app.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runBigWriteBench(): Promise<string> {
  const rows = [await measure(false), await measure(true), await measure(false), await measure(true)];
  return [
    `Node ${process.version}, 2 shared cores; one OTLP request of 100,000 spans into an empty store (synchronous=FULL).`,
    '',
    '| writes run on | answer | request wall | event loop busy meanwhile | /health probes during it | /health p50 / p99 / max | load avg |',
    '|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}
