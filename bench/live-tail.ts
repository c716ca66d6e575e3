// `npm run bench -- live-tail [--traces N] [--seconds S]`: the live tail's cost and latency (issue 18).
// Seeds a SQLite database of N synthetic traces (default 100,000), starts the server on it in its own
// process, then:
// 1. idle: the server alone for S seconds (default 20): its CPU time (from /proc) is the baseline;
// 2. ten explorer tabs, each polling `…/traces/since` once a second as the explorer does (its own
//    cursor; half with a filter), nothing ingested, for S seconds: CPU above the baseline ÷ 10 is the
//    server's cost of one idle tab;
// 3. the same ten tabs while one trace a second is ingested over OTLP (half of them matching the
//    filtered tabs' filter): for each trace and each tab that should see it, the time from the ingest
//    request's answer to the poll answer that carries it (what the explorer then renders at once).
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqlite } from '../src/server/storage/open-sqlite.ts';
import { SqliteTraceStore, type BulkTrace } from '../src/server/storage/sqlite-trace-store.ts';
import { startServer } from './load.ts';
import { syntheticTrace } from './server.ts';

export interface LiveTailBenchOptions {
  traces?: number;
  seconds?: number;
  log?: (line: string) => void;
}

const TABS = 10;
const POLL_MS = 1000;
const FILTER = "span.name = 'live-match'";

/** The process's user + system CPU time in ms (Linux /proc; clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const hex = (bytes: number) => randomBytes(bytes).toString('hex');

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

interface Tab {
  filter: string | undefined;
  cursor?: string;
  /** Trace id → when this tab's poll answered it. */
  seen: Map<string, number>;
  polls: number;
  errors: number;
}

/** Ten tabs polling until `stop()`; each poll as the explorer sends it. */
function startTabs(base: string, experimentId: string): { tabs: Tab[]; stop: () => Promise<void> } {
  const tabs: Tab[] = Array.from({ length: TABS }, (_, i) => ({
    filter: i % 2 === 0 ? undefined : FILTER,
    seen: new Map(),
    polls: 0,
    errors: 0,
  }));
  const state = { running: true };
  const loops = tabs.map(async (tab, i) => {
    await sleep((POLL_MS * i) / TABS); // tabs opened at different moments
    while (state.running) {
      try {
        const response = await fetch(`${base}/ajax-api/trace-explorer/v1/traces/since`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            experiment_ids: [experimentId],
            filter: tab.filter,
            cursor: tab.cursor,
            max_results: 200,
          }),
        });
        const answer = (await response.json()) as {
          traces?: { trace_id: string }[];
          cursor: string;
          has_more: boolean;
        };
        const now = performance.now();
        tab.polls++;
        if (!response.ok) tab.errors++;
        else {
          tab.cursor = answer.cursor;
          for (const t of answer.traces ?? []) if (!tab.seen.has(t.trace_id)) tab.seen.set(t.trace_id, now);
          if (answer.has_more) continue;
        }
      } catch {
        tab.errors++;
      }
      await sleep(POLL_MS);
    }
  });
  return {
    tabs,
    stop: async () => {
      state.running = false;
      await Promise.all(loops);
    },
  };
}

async function ingest(base: string, experimentId: string, spanName: string): Promise<{ traceId: string; at: number }> {
  const traceId = hex(16);
  const nowNs = BigInt(Date.now()) * 1_000_000n;
  const response = await fetch(`${base}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-mlflow-experiment-id': experimentId },
    body: JSON.stringify({
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                {
                  traceId,
                  spanId: hex(8),
                  name: spanName,
                  kind: 1,
                  startTimeUnixNano: (nowNs - 50_000_000n).toString(),
                  endTimeUnixNano: nowNs.toString(),
                  status: { code: 1 },
                },
              ],
            },
          ],
        },
      ],
    }),
  });
  if (!response.ok) throw new Error(`OTLP ${response.status}: ${await response.text()}`);
  return { traceId: `tr-${traceId}`, at: performance.now() };
}

export async function runLiveTailBench(options: LiveTailBenchOptions = {}): Promise<string> {
  const n = options.traces ?? 100_000;
  const seconds = options.seconds ?? 20;
  const log = options.log ?? ((line: string) => console.error(line));
  const dir = mkdtempSync(join(tmpdir(), 'trace-explorer-live-tail-'));
  const dbPath = join(dir, 'bench.db');
  const db = openSqlite(dbPath, { synchronous: 'NORMAL' });
  db.pragma('synchronous = OFF'); // seeding only
  const store = new SqliteTraceStore(db, { backgroundCheckpoints: false });
  const experimentId = await store.createExperiment({ name: 'bench' });
  const t0 = performance.now();
  for (let i = 0; i < n; i += 10_000) {
    const batch: BulkTrace[] = [];
    for (let j = i; j < Math.min(n, i + 10_000); j++) batch.push(syntheticTrace(j, n, experimentId));
    store.bulkLoad(batch);
  }
  store.optimize();
  await store.close();
  log(`seeded ${n} traces in ${((performance.now() - t0) / 1000).toFixed(0)} s`);

  const { child, port } = await startServer(dbPath);
  const base = `http://127.0.0.1:${port}`;
  const pid = child.pid ?? 0;
  const rows: string[] = [];
  try {
    await sleep(2000); // let startup work settle
    const idle0 = cpuMs(pid);
    await sleep(seconds * 1000);
    const idleCpu = (cpuMs(pid) - idle0) / seconds; // ms of CPU per second
    log(`baseline: ${idleCpu.toFixed(1)} ms CPU/s`);

    const polling = startTabs(base, experimentId);
    await sleep(2000); // every tab has its first cursor
    const poll0 = cpuMs(pid);
    const polls0 = polling.tabs.reduce((s, t) => s + t.polls, 0);
    await sleep(seconds * 1000);
    const pollCpu = (cpuMs(pid) - poll0) / seconds;
    const idlePolls = polling.tabs.reduce((s, t) => s + t.polls, 0) - polls0;
    log(`10 idle tabs: ${pollCpu.toFixed(1)} ms CPU/s, ${idlePolls} polls`);

    const sent: { traceId: string; at: number; matches: boolean }[] = [];
    for (let i = 0; i < seconds; i++) {
      const matches = i % 2 === 0;
      sent.push({ ...(await ingest(base, experimentId, matches ? 'live-match' : 'live-other')), matches });
      await sleep(1000);
    }
    await sleep(3000); // the last trace's polls
    await polling.stop();
    const latencies: number[] = [];
    let missed = 0;
    let leaked = 0;
    for (const s of sent) {
      for (const tab of polling.tabs) {
        const should = tab.filter === undefined || s.matches;
        const at = tab.seen.get(s.traceId);
        if (!should) {
          if (at !== undefined) leaked++;
        } else if (at === undefined) missed++;
        else latencies.push(Math.max(0, at - s.at));
      }
    }
    latencies.sort((a, b) => a - b);
    const errors = polling.tabs.reduce((s, t) => s + t.errors, 0);
    const perTab = (pollCpu - idleCpu) / TABS;
    rows.push(`| Store | ${n.toLocaleString('en-US')} synthetic traces (SQLite, bench/server.ts's generator) |`);
    rows.push(`| Server CPU, no tabs (baseline) | ${idleCpu.toFixed(1)} ms/s |`);
    rows.push(
      `| Server CPU, 10 idle tabs polling every ${POLL_MS} ms | ${pollCpu.toFixed(1)} ms/s (${idlePolls} polls in ${seconds} s) |`,
    );
    rows.push(
      `| **Server CPU per idle tab** | **${perTab.toFixed(2)} ms/s** (${((perTab / 1000) * 100).toFixed(2)} % of one core; ${((pollCpu - idleCpu) / Math.max(1, idlePolls / seconds)).toFixed(2)} ms per poll) |`,
    );
    rows.push(
      `| **Ingest → poll answer** (${latencies.length} trace×tab pairs, ${sent.length} traces) | **p50 ${percentile(latencies, 0.5).toFixed(0)} ms, p95 ${percentile(latencies, 0.95).toFixed(0)} ms, max ${(latencies[latencies.length - 1] ?? NaN).toFixed(0)} ms** |`,
    );
    rows.push(`| Missed / leaked past the filter / poll errors | ${missed} / ${leaked} / ${errors} |`);
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
  }
  return `Machine: ${process.platform}, Node ${process.version}, 2 cores shared with other work (load average ${loadavg()[0].toFixed(1)} at the end). Server in its own process (\`src/server/main.ts\`, SQLite); tabs are HTTP clients in the bench process polling as \`useLiveTail\` does (a hidden tab sends nothing, so it costs 0 by construction). CPU from /proc (10 ms ticks) over ${seconds} s per phase.\n\n| Measure | Result |\n|---|---|\n${rows.join('\n')}`;
}
