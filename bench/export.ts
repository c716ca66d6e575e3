// `npm run bench -- export [--traces N] [--export M]`: a database of N synthetic traces (default
// 1,000,000; 5 spans each, bench/server.ts's generator), then a JSONL export with spans of the
// first M of them (default 100,000; a time filter) over real HTTP, while a second client keeps
// searching. Reports the export's time and throughput, the server process's peak RSS and heap
// growth during it, and the other requests' latency (p50/p99) during it against a quiet baseline.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { buildApp } from '../src/server/app.ts';
import { openSqlite } from '../src/server/storage/open-sqlite.ts';
import { SqliteTraceStore, type BulkTrace } from '../src/server/storage/sqlite-trace-store.ts';
import { syntheticTrace } from './server.ts';

const DAY = 86_400_000;
const START = Date.UTC(2026, 9, 1);

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

async function searchLatencies(base: string, experimentId: string, until: () => boolean): Promise<number[]> {
  const out: number[] = [];
  while (!until()) {
    const t0 = performance.now();
    const r = await fetch(`${base}/api/3.0/mlflow/traces/search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } }],
        filter: "metadata.environment = 'staging'",
        max_results: 50,
      }),
    });
    await r.arrayBuffer();
    out.push(performance.now() - t0);
  }
  return out.sort((a, b) => a - b);
}

export async function runExportBench(options: { traces?: number; export?: number } = {}): Promise<string> {
  const n = options.traces ?? 1_000_000;
  const m = Math.min(n, options.export ?? 100_000);
  const dir = mkdtempSync(join(tmpdir(), 'trace-explorer-export-bench-'));
  const db = openSqlite(join(dir, 'bench.db'), { synchronous: 'NORMAL' });
  const store = new SqliteTraceStore(db, {});
  try {
    const experimentId = await store.createExperiment({ name: 'bench' });
    db.pragma('synchronous = OFF');
    const t0 = performance.now();
    for (let i = 0; i < n; i += 10_000) {
      const batch: BulkTrace[] = [];
      for (let j = i; j < Math.min(n, i + 10_000); j++) batch.push(syntheticTrace(j, n, experimentId));
      store.bulkLoad(batch);
    }
    store.optimize();
    db.pragma('synchronous = NORMAL');
    const loadSeconds = (performance.now() - t0) / 1000;
    console.error(`loaded ${n} traces in ${loadSeconds.toFixed(0)} s`);

    const app = await buildApp({ store });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    try {
      // Traces are spread evenly over 30 days in index order: the first m lie before this time.
      const cutoff = START + Math.floor((m / n) * 30 * DAY);
      const filter = `timestamp_ms < ${cutoff}`;
      const quietEnd = performance.now() + 5000;
      const quiet = await searchLatencies(base, experimentId, () => performance.now() > quietEnd);

      let done = false;
      let peakRss = process.memoryUsage().rss;
      const heapBefore = process.memoryUsage().heapUsed;
      let peakHeap = heapBefore;
      const sampler = setInterval(() => {
        const u = process.memoryUsage();
        peakRss = Math.max(peakRss, u.rss);
        peakHeap = Math.max(peakHeap, u.heapUsed);
      }, 50);
      const busy = searchLatencies(base, experimentId, () => done);
      const e0 = performance.now();
      const response = await fetch(`${base}/api/trace-explorer/v1/export`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ experiment_ids: [experimentId], filter, format: 'jsonl', spans: true }),
      });
      let bytes = 0;
      let lines = 0;
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        bytes += chunk.length;
        for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) lines++;
      }
      const seconds = (performance.now() - e0) / 1000;
      done = true;
      const during = await busy;
      clearInterval(sampler);
      const mib = (b: number) => (b / 1024 / 1024).toFixed(0);
      return [
        `Export bench: ${n.toLocaleString('en-US')} traces in the database (5 spans each), JSONL with spans of ${lines.toLocaleString('en-US')} (filter \`${filter.replace(String(cutoff), 'T')}\`).`,
        '',
        '| what | value |',
        '|---|---|',
        `| export time | ${seconds.toFixed(1)} s (${Math.round(lines / seconds).toLocaleString('en-US')} traces/s, ${(bytes / 1024 / 1024 / seconds).toFixed(1)} MiB/s, ${mib(bytes)} MiB) |`,
        `| server process peak RSS during the export | ${mib(peakRss)} MiB |`,
        `| JS heap growth during the export (peak − before) | ${mib(peakHeap - heapBefore)} MiB |`,
        `| other requests (search, 50 rows) quiet p50 / p99 | ${quantile(quiet, 0.5).toFixed(1)} / ${quantile(quiet, 0.99).toFixed(1)} ms (${quiet.length} requests) |`,
        `| other requests during the export p50 / p99 | ${quantile(during, 0.5).toFixed(1)} / ${quantile(during, 0.99).toFixed(1)} ms (${during.length} requests) |`,
      ].join('\n');
    } finally {
      await app.close();
    }
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
