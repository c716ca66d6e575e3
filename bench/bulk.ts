// `npm run bench -- bulk [--traces N]`: issue 17's figure. Seeds N synthetic traces (default
// 1,000,000), starts the server in its own process, then bulk-labels every trace matching a filter
// (about 12% of them: `metadata.environment = 'dev'`) through `POST {EXT}/traces/batch`, page by
// page as the explorer does, while 8 clients keep searching. Reports the time to done, the traces
// labelled, and the p50/p99 of the other requests meanwhile (goal: ≤ 60 s for 100,000 traces,
// other requests' p99 ≤ 500 ms), then times the Undo of the whole action.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXTENSION_PREFIX } from '../src/core/model.ts';
import type { BatchItem, TraceBatchResponse } from '../src/core/trace-batch.ts';
import { openSqlite } from '../src/server/storage/open-sqlite.ts';
import { SqliteTraceStore, type BulkTrace } from '../src/server/storage/sqlite-trace-store.ts';
import { percentile, send, startServer, type Outcome, type Target } from './load.ts';
import { syntheticTrace } from './server.ts';

const FILTER = "metadata.environment = 'dev'";
const PAGE = 1000;
const SEARCH_CLIENTS = 8;

/** POST returning parsed JSON (the bench's own requests, not timed individually). */
async function postJson<T>(target: Target, path: string, body: unknown): Promise<T> {
  const response = await fetch(`http://127.0.0.1:${target.port}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Other people's requests while the bulk action runs: searches, first pages and counts. */
async function otherRequests(target: Target, experimentId: string, isDone: () => boolean, out: Outcome[]) {
  const location = [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } }];
  const bodies = [
    { locations: location, max_results: 50 },
    { locations: location, max_results: 50, filter: "metadata.environment = 'production' AND status = 'ERROR'" },
    { locations: location, max_results: 50, filter: "tags.team = 'search'" },
  ];
  await Promise.all(
    Array.from({ length: SEARCH_CLIENTS }, async (_, c) => {
      for (let i = c; !isDone(); i++) {
        out.push(await send(target, 'search', 'POST', '/api/3.0/mlflow/traces/search', JSON.stringify(bodies[i % 3])));
      }
    }),
  );
}

export async function runBulkBench(options: { traces?: number; log?: (line: string) => void } = {}): Promise<string> {
  const n = options.traces ?? 1_000_000;
  const log = options.log ?? ((line: string) => console.error(line));
  const dir = mkdtempSync(join(tmpdir(), 'trace-explorer-bulk-'));
  const dbPath = join(dir, 'bulk.db');
  let server: ChildProcess | undefined;
  try {
    const seedStarted = performance.now();
    const store = new SqliteTraceStore(openSqlite(dbPath, { synchronous: 'NORMAL' }));
    const experimentId = await store.createExperiment({ name: 'bulk' });
    for (let i = 0; i < n; i += 10_000) {
      const batch: BulkTrace[] = [];
      for (let j = i; j < Math.min(n, i + 10_000); j++) batch.push(syntheticTrace(j, n, experimentId));
      store.bulkLoad(batch);
    }
    store.optimize();
    await store.close();
    log(`seeded ${n} traces in ${((performance.now() - seedStarted) / 1000).toFixed(0)} s`);

    const started = await startServer(dbPath);
    server = started.child;
    const target: Target = {
      port: started.port,
      agent: new Agent({ keepAlive: true, maxSockets: SEARCH_CLIENTS + 2 }),
    };
    const ext = `/api${EXTENSION_PREFIX}`;
    const { count } = await postJson<{ count: number }>(target, `${ext}/count`, {
      experiment_ids: [experimentId],
      filter: FILTER,
      cap: 1_000_000,
    });
    log(`${count} traces match ${FILTER}`);
    const load = loadavg()[0];

    // ---- the bulk label, page by page as the explorer sends it, with searches alongside ----
    const others: Outcome[] = [];
    let done = false;
    const undo: BatchItem[] = [];
    let labelled = 0;
    let failures = 0;
    const bulkStarted = performance.now();
    const bulk = (async () => {
      let token: string | undefined;
      do {
        const page = await postJson<TraceBatchResponse>(target, `${ext}/traces/batch`, {
          experiment_ids: [experimentId],
          filter: FILTER,
          max_traces: PAGE,
          page_token: token,
          operations: [
            { op: 'set_assessment', name: 'correctness', type: 'feedback', value: 'incorrect', source_id: 'bench' },
          ],
        });
        labelled += page.processed - page.failures.length;
        failures += page.failures.length;
        undo.push(...page.undo);
        token = page.next_page_token;
      } while (token);
      done = true;
    })();
    await Promise.all([bulk, otherRequests(target, experimentId, () => done, others)]);
    const bulkSeconds = (performance.now() - bulkStarted) / 1000;

    // ---- Undo: the inverse items, in chunks of 1000 ----
    const undoStarted = performance.now();
    for (let i = 0; i < undo.length; i += PAGE)
      await postJson<TraceBatchResponse>(target, `${ext}/traces/batch`, { items: undo.slice(i, i + PAGE) });
    const undoSeconds = (performance.now() - undoStarted) / 1000;

    const ok = others
      .filter((o) => o.result === 'ok')
      .map((o) => o.ms)
      .sort((a, b) => a - b);
    const bad = others.length - ok.length;
    const fmt = (v: number) => (Number.isNaN(v) ? '–' : v.toFixed(0));
    return [
      `Bulk label at ${n.toLocaleString('en-US')} traces (SQLite, one server process; load average ${load.toFixed(1)} before the run):`,
      '',
      '| figure | value |',
      '|---|---|',
      `| traces selected by \`${FILTER}\` | ${count.toLocaleString('en-US')} |`,
      `| labelled (failures) | ${labelled.toLocaleString('en-US')} (${failures}) |`,
      `| time to done (${PAGE} per request) | ${bulkSeconds.toFixed(1)} s |`,
      `| other requests meanwhile (${SEARCH_CLIENTS} search clients) | ${others.length} (${bad} failed) |`,
      `| their p50 / p99 | ${fmt(percentile(ok, 0.5))} ms / ${fmt(percentile(ok, 0.99))} ms |`,
      `| Undo of the whole action | ${undoSeconds.toFixed(1)} s |`,
    ].join('\n');
  } finally {
    server?.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}
