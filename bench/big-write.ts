// `npm run bench -- big-write`: /health and memory while one 100,000-span OTLP request (≈ 7 MiB of
// protobuf, issue 14's case) is stored into an empty SQLite store (writes in the writer thread). Each measurement runs in a
// fresh process of its own (this file, `--one`), so its peak RSS (VmHWM) is that request's: the server is
// built in that process (buildApp, as main.ts does) beside the bench's client (the body, a /health prober
// thread), and /health is probed every 50 ms from that thread (bench/load.ts), so a blocked event loop shows
// as a slow probe; the request is sent from another thread.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

const vmHwmMiB = () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) / 1024;

/** One measurement, in this process: a table row. */
/** POSTs the body file to /v1/traces and posts back the status. */
const SEND_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const body = require('node:fs').readFileSync(workerData.bodyFile);
const req = require('node:http').request(
  { host: '127.0.0.1', port: workerData.port, path: '/v1/traces', method: 'POST',
    headers: { 'content-type': 'application/x-protobuf', 'x-mlflow-experiment-id': '0', 'content-length': body.length } },
  (res) => { res.resume(); res.on('end', () => parentPort.postMessage(res.statusCode)); },
);
req.on('error', () => parentPort.postMessage(0));
req.end(body);
`;

async function measureOne(bodyFile: string, traceId: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'big-write-'));
  const store = new SqliteTraceStore(openSqlite(join(dir, 'b.db')), { warmReadWorkers: true });
  // The bench measures the write, not the budget: a loaded machine may take longer than the default 25 s.
  const app = await buildApp({ store, limits: { handlerTimeoutMs: 300_000 } });
  try {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as AddressInfo).port;
    const health = new Worker(HEALTH_WORKER, { eval: true, workerData: { port } });
    await sleep(1000);
    const load = loadavg()[0];
    const rssBefore = vmHwmMiB();
    const from = Date.now();
    const started = performance.now();
    const elu = performance.eventLoopUtilization();
    // Sent from a thread of its own: the client's copy of the body must not stall the server's event loop.
    const sender = new Worker(SEND_WORKER, { eval: true, workerData: { port, bodyFile } });
    const status = await new Promise<number>((resolve, reject) => {
      sender.once('message', resolve);
      sender.once('error', reject);
    });
    await sender.terminate();
    const wallMs = performance.now() - started;
    const busyMs = performance.eventLoopUtilization(elu).active;
    const to = Date.now();
    const rssPeak = vmHwmMiB();
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
      `| ${status}, ${spans?.toLocaleString('en-US')} spans stored | ` +
      `${f(wallMs)} ms | ${f(busyMs)} ms | ${during.length} | ${f(percentile(during, 0.5))} / ${f(percentile(during, 0.99))} / ${f(during[during.length - 1] ?? NaN)} ms | ` +
      `${rssBefore.toFixed(0)} → ${rssPeak.toFixed(0)} MiB | ${load.toFixed(1)} |`
    );
  } finally {
    await app.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runBigWriteBench(): Promise<string> {
  const rows: string[] = [];
  // The body is built here, so the measuring process's peak is the server's and the request's, not protobufjs's.
  const dir = mkdtempSync(join(tmpdir(), 'big-write-body-'));
  try {
    for (let i = 0; i < 2; i++) {
      const { traceId, body } = bigTraceRequest();
      writeFileSync(join(dir, 'body'), body);
      const args = ['--import', 'tsx', import.meta.filename, '--one', join(dir, 'body'), traceId];
      const row = execFileSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
      rows.push(row.trim());
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return [
    `Node ${process.version}, 2 shared cores; one OTLP request of 100,000 spans into an empty store (SQLite: synchronous=FULL, writer thread).`,
    '',
    '| answer | request wall | event loop busy meanwhile | /health probes during it | /health p50 / p99 / max | process peak RSS (VmHWM) before → after | load avg |',
    '|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

if (process.argv[2] === '--one') {
  console.log(await measureOne(process.argv[3], process.argv[4]));
  process.exit(0);
}
