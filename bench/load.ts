// `npm run bench -- load [--traces N] [--clients C] [--seconds S] [--adversarial-seconds A] [--db base.db]`:
// the issue-14 load test. Seeds a database of N synthetic traces (default 100,000; with --db, once into
// that file, which later runs copy instead of seeding again: the seed takes minutes on a busy machine), starts the server
// on it in its own process (`src/server/main.ts`, as `npm start` does), then drives it from this
// process with C keep-alive clients (default 200) for S seconds (default 60) with the team mix
// (search, StartTraceV3 and OTLP ingest, tag edits, feedback, groups, metrics, GetTrace), while a
// worker thread polls /health. An adversarial phase of A seconds (default 30) repeats the mix
// while an RLIKE attack and a 100,000-span trace write/read run alongside, and reports how much
// the other requests slowed down. Reports errors, timeouts (30 s), per-kind p50/p99, /health p99
// and the server's peak RSS.
import protobuf from 'protobufjs';
import { spawn, type ChildProcess } from 'node:child_process';
import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { openSqlite } from '../src/server/storage/open-sqlite.ts';
import { SqliteTraceStore, type BulkTrace } from '../src/server/storage/sqlite-trace-store.ts';
import { syntheticTrace } from './server.ts';

export interface LoadBenchOptions {
  traces?: number;
  clients?: number;
  seconds?: number;
  adversarialSeconds?: number;
  /** A base database seeded once and copied for each run (seeded first when missing). */
  db?: string;
  log?: (line: string) => void;
}

const TIMEOUT_MS = 30_000;
/** The big trace's own requests may take long; what matters is how the others fare meanwhile. */
const ATTACK_TIMEOUT_MS = 300_000;
const BIG_TRACE_SPANS = 100_000;

export interface Outcome {
  kind: string;
  ms: number;
  /** 'ok', 'error' (status ≥ 400 or a failed connection) or 'timeout'. */
  result: 'ok' | 'error' | 'timeout';
  status: number;
  /** For an error: the start of the body, or the connection error's code. */
  detail?: string;
}

export interface Target {
  port: number;
  agent: Agent;
}

/** One request on a keep-alive agent; the body is read and dropped. Never rejects. */
export function send(
  target: Target,
  kind: string,
  method: string,
  path: string,
  body?: string | Buffer,
  headers: Record<string, string> = {},
  timeoutMs = TIMEOUT_MS,
): Promise<Outcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    let done = false;
    const finish = (result: Outcome['result'], status: number, detail?: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve({ kind, ms: performance.now() - started, result, status, ...(detail ? { detail } : {}) });
    };
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: target.port,
        method,
        path,
        agent: target.agent,
        headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      },
      (res) => {
        const failed = (res.statusCode ?? 500) >= 400;
        let head = '';
        res.on('data', (d: Buffer) => {
          if (failed && head.length < 200) head += d.toString('utf8', 0, 200);
        });
        res.on('end', () => finish(failed ? 'error' : 'ok', res.statusCode ?? 0, head.slice(0, 200)));
        res.on('error', (e: NodeJS.ErrnoException) => finish('error', 0, e.code));
      },
    );
    const timer = setTimeout(() => {
      finish('timeout', 0);
      req.destroy();
    }, timeoutMs);
    req.on('error', (e: NodeJS.ErrnoException) => finish('error', 0, e.code));
    req.end(body);
  });
}

const hex = (bytes: number) => {
  let s = '';
  for (let i = 0; i < bytes; i++)
    s += Math.floor(Math.random() * 256)
      .toString(16)
      .padStart(2, '0');
  return s;
};
const pick = <T>(xs: T[]): T => xs[Math.floor(Math.random() * xs.length)];

const SEARCH_FILTERS = [
  undefined,
  "tags.team = 'search'",
  "metadata.environment = 'production' AND status = 'ERROR'",
  "span.name = 'rare_tool'",
  "metadata.`mlflow.trace.user` = 'user-rare'",
  "tags.priority IN ('p0') AND metadata.app_version = '2.4.0'",
  "feedback.thumbs = 'false'",
];

/** The team's mix: kind, weight, and the request it sends. */
function mix(experimentId: string, knownIds: string[]): [string, number, (t: Target) => Promise<Outcome>][] {
  const location = [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } }];
  return [
    [
      'search',
      30,
      (t) => {
        const filter = pick(SEARCH_FILTERS);
        return send(
          t,
          'search',
          'POST',
          '/api/3.0/mlflow/traces/search',
          JSON.stringify({ locations: location, max_results: 50, ...(filter ? { filter } : {}) }),
        );
      },
    ],
    [
      'start-trace',
      15,
      (t) => {
        const now = Date.now();
        return send(
          t,
          'start-trace',
          'POST',
          '/api/3.0/mlflow/traces',
          JSON.stringify({
            trace: {
              trace_info: {
                trace_id: `tr-${hex(16)}`,
                trace_location: location[0],
                request_time: new Date(now).toISOString(),
                execution_duration: '0.850s',
                state: Math.random() < 0.05 ? 'ERROR' : 'OK',
                request_preview: '{"question": "q"}',
                response_preview: '"answer"',
                trace_metadata: { app_version: '2.4.0', environment: 'production', 'mlflow.trace.user': 'user-load' },
                tags: { 'mlflow.traceName': 'workflow_load', team: 'search' },
              },
            },
          }),
        );
      },
    ],
    [
      'otlp',
      10,
      (t) => {
        // 10 traces of 5 spans, OTLP/JSON with hex ids.
        const spans = [];
        const startNs = BigInt(Date.now()) * 1_000_000n;
        for (let k = 0; k < 10; k++) {
          const traceId = hex(16);
          const rootId = hex(8);
          for (let s = 0; s < 5; s++) {
            spans.push({
              traceId,
              spanId: s === 0 ? rootId : hex(8),
              parentSpanId: s === 0 ? '' : rootId,
              name: s === 0 ? 'agent' : `step_${s}`,
              kind: 1,
              startTimeUnixNano: String(startNs + BigInt(s) * 1_000_000n),
              endTimeUnixNano: String(startNs + BigInt(s + 5) * 1_000_000n),
              attributes: [{ key: 'gen_ai.operation.name', value: { stringValue: s === 1 ? 'chat' : 'execute_tool' } }],
              status: { code: 1 },
            });
          }
        }
        return send(t, 'otlp', 'POST', '/v1/traces', JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans }] }] }), {
          'x-mlflow-experiment-id': experimentId,
        });
      },
    ],
    [
      'tag-edit',
      15,
      (t) =>
        send(
          t,
          'tag-edit',
          'PATCH',
          `/api/3.0/mlflow/traces/${pick(knownIds)}/tags`,
          JSON.stringify({ key: 'reviewed', value: Math.random() < 0.5 ? 'yes' : 'no' }),
        ),
    ],
    [
      'feedback',
      10,
      (t) => {
        const traceId = pick(knownIds);
        return send(
          t,
          'feedback',
          'POST',
          `/api/3.0/mlflow/traces/${traceId}/assessments`,
          JSON.stringify({
            assessment: {
              assessment_name: 'thumbs',
              trace_id: traceId,
              source: { source_type: 'HUMAN', source_id: 'load' },
              feedback: { value: Math.random() < 0.8 },
            },
          }),
        );
      },
    ],
    [
      'groups',
      7,
      (t) =>
        send(
          t,
          'groups',
          'POST',
          '/api/trace-explorer/v1/groups',
          JSON.stringify({
            experiment_ids: [experimentId],
            group_by: pick(['metadata.app_version', 'name', 'metadata.`mlflow.trace.session`']),
            order: pick(['count', 'recent']),
            max_results: 50,
          }),
        ),
    ],
    [
      'metrics',
      8,
      (t) =>
        send(
          t,
          'metrics',
          'POST',
          '/api/3.0/mlflow/traces/metrics',
          JSON.stringify(
            pick([
              {
                experiment_ids: [experimentId],
                view_type: 'TRACES',
                metric_name: 'latency',
                aggregations: [{ aggregation_type: 'PERCENTILE', percentile_value: 95 }],
                dimensions: ['metadata.app_version'],
              },
              {
                experiment_ids: [experimentId],
                view_type: 'TRACES',
                metric_name: 'trace_count',
                aggregations: [{ aggregation_type: 'COUNT' }],
                dimensions: ['trace_status'],
                time_interval_seconds: 86_400,
                start_time_ms: Date.UTC(2026, 9, 1),
                end_time_ms: Date.now() + 86_400_000,
                filter: "metadata.environment = 'production'",
              },
            ]),
          ),
        ),
    ],
    ['get-trace', 5, (t) => send(t, 'get-trace', 'GET', `/api/3.0/mlflow/traces/get?trace_id=${pick(knownIds)}`)],
  ];
}

/** Runs `clients` loops, each sending one request of the mix after another until `until`. */
async function runClients(
  target: Target,
  requests: ReturnType<typeof mix>,
  clients: number,
  until: number,
  out: Outcome[],
): Promise<void> {
  const total = requests.reduce((n, [, w]) => n + w, 0);
  const choose = () => {
    let r = Math.random() * total;
    for (const [, w, make] of requests) if ((r -= w) < 0) return make;
    return requests[0][2];
  };
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < until) out.push(await choose()(target));
    }),
  );
}

// /health from its own thread and agent, every 50 ms, so a busy client thread does not delay the probe.
export const HEALTH_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const samples = [];
let stop = false;
parentPort.on('message', () => { stop = true; });
(async () => {
  while (!stop) {
    const t0 = performance.now();
    const at = Date.now();
    const ok = await new Promise((resolve) => {
      const req = http.get({ host: '127.0.0.1', port: workerData.port, path: '/health', agent }, (res) => {
        res.resume(); res.on('end', () => resolve(res.statusCode === 200));
      });
      req.setTimeout(30000, () => { req.destroy(); resolve(false); });
      req.on('error', () => resolve(false));
    });
    samples.push([at, performance.now() - t0, ok ? 1 : 0]);
    await new Promise((r) => setTimeout(r, 50));
  }
  parentPort.postMessage(samples);
})();
`;

export function percentile(sorted: number[], q: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}
const fmt = (v: number) => (Number.isNaN(v) ? '–' : v >= 100 ? v.toFixed(0) : v.toFixed(1));

/** Peak resident set of a process over the sampling, from /proc (Linux). */
class RssSampler {
  peakMiB = 0;
  private timer: NodeJS.Timeout;
  constructor(pid: number) {
    this.timer = setInterval(() => {
      try {
        const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
        if (m) this.peakMiB = Math.max(this.peakMiB, Number(m[1]) / 1024);
      } catch {
        // the process ended
      }
    }, 200);
  }
  stop(): number {
    clearInterval(this.timer);
    return this.peakMiB;
  }
}

export function startServer(dbPath: string): Promise<{ child: ChildProcess; port: number }> {
  const main = join(import.meta.dirname, '..', 'src', 'server', 'main.ts');
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', main, '--backend-store-uri', `sqlite:///${dbPath}`, '--port', '0'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout?.on('data', (d: Buffer) => {
      text += d.toString();
      const m = /listening on http:\/\/[^:]+:(\d+)/.exec(text);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}

/** A 100,000-span trace as one OTLP protobuf request (≈ 7 MiB, the issue's case). */
export function bigTraceRequest(): { traceId: string; body: Buffer } {
  const root = protobuf.parse(
    readFileSync(new URL('../src/server/otlp/otlp-trace.proto', import.meta.url), 'utf8'),
  ).root;
  const Request = root.lookupType('opentelemetry.proto.ExportTraceServiceRequest');
  const traceHex = hex(16);
  const traceId = Buffer.from(traceHex, 'hex');
  const rootId = Buffer.from(hex(8), 'hex');
  const startNs = BigInt(Date.now()) * 1_000_000n;
  const spans = Array.from({ length: BIG_TRACE_SPANS }, (_, s) => ({
    traceId,
    spanId: s === 0 ? rootId : Buffer.from(hex(8), 'hex'),
    ...(s === 0 ? {} : { parentSpanId: rootId }),
    name: s === 0 ? 'agent' : `step_${s % 100}`,
    startTimeUnixNano: (startNs + BigInt(s) * 1000n).toString(),
    endTimeUnixNano: (startNs + BigInt(s + 10) * 1000n).toString(),
    attributes: [{ key: 'gen_ai.operation.name', value: { stringValue: 'execute_tool' } }],
    status: { code: 1 },
  }));
  const body = Buffer.from(
    Request.encode(Request.fromObject({ resourceSpans: [{ scopeSpans: [{ spans }] }] })).finish(),
  );
  return { traceId: `tr-${traceHex}`, body };
}

interface PhaseReport {
  name: string;
  seconds: number;
  outcomes: Outcome[];
  health: number[];
  healthFailures: number;
  peakRssMiB: number;
}

function summarize(outcomes: Outcome[], kind: string) {
  const of = outcomes.filter((o) => o.kind === kind);
  const ok = of.filter((o) => o.result === 'ok').map((o) => o.ms);
  ok.sort((a, b) => a - b);
  return {
    count: of.length,
    errors: of.filter((o) => o.result === 'error').length,
    timeouts: of.filter((o) => o.result === 'timeout').length,
    statuses: [...new Set(of.filter((o) => o.result === 'error').map((o) => o.status))].sort().join(', '),
    p50: percentile(ok, 0.5),
    p99: percentile(ok, 0.99),
    max: ok.length === 0 ? NaN : ok[ok.length - 1],
  };
}

/** A fresh SQLite file with `n` synthetic traces in one experiment (seeded before any server opens it). */
export async function seedSynthetic(
  dbPath: string,
  name: string,
  n: number,
  log: (line: string) => void,
  onTrace: (traceId: string) => void = () => undefined,
): Promise<string> {
  const seedStarted = performance.now();
  const store = new SqliteTraceStore(openSqlite(dbPath, { synchronous: 'NORMAL' }));
  const experimentId = await store.createExperiment({ name });
  for (let i = 0; i < n; i += 10_000) {
    const batch: BulkTrace[] = [];
    for (let j = i; j < Math.min(n, i + 10_000); j++) batch.push(syntheticTrace(j, n, experimentId));
    store.bulkLoad(batch);
    for (const t of batch) onTrace(t.traceId);
  }
  store.optimize();
  await store.close();
  log(`seeded ${n} traces in ${((performance.now() - seedStarted) / 1000).toFixed(0)} s`);
  return experimentId;
}

export async function runLoadBench(options: LoadBenchOptions = {}): Promise<string> {
  const n = options.traces ?? 100_000;
  const clients = options.clients ?? 200;
  const seconds = options.seconds ?? 60;
  const adversarialSeconds = options.adversarialSeconds ?? 30;
  const log = options.log ?? ((line: string) => console.error(line));
  const dir = mkdtempSync(join(tmpdir(), 'trace-explorer-load-'));
  const dbPath = join(dir, 'load.db');
  let server: ChildProcess | undefined;
  try {
    // ---- seed (in this process, before the server starts) ----
    const knownIds: string[] = [];
    const keep = (traceId: string) => {
      if (knownIds.length < 5000 && Math.random() < 0.05) knownIds.push(traceId);
    };
    let experimentId: string;
    let traceCount = n;
    if (options.db === undefined) experimentId = await seedSynthetic(dbPath, 'load', n, log, keep);
    else {
      if (!existsSync(options.db)) await seedSynthetic(options.db, 'load', n, log);
      copyFileSync(options.db, dbPath);
      const base = new Database(dbPath, { readonly: true });
      experimentId = String(base.prepare("SELECT experiment_id FROM experiments WHERE name = 'load'").pluck().get());
      const ids = base.prepare('SELECT trace_id FROM traces WHERE experiment_id = ?').pluck().all(experimentId);
      for (const id of ids as string[]) keep(id);
      traceCount = ids.length;
      base.close();
      log(`copied ${options.db} (${ids.length} traces)`);
    }

    const startLoad = loadavg()[0];
    const started = await startServer(dbPath);
    server = started.child;
    const target: Target = { port: started.port, agent: new Agent({ keepAlive: true, maxSockets: clients + 8 }) };
    const health = new Worker(HEALTH_WORKER, { eval: true, workerData: { port: started.port } });
    const requests = mix(experimentId, knownIds);

    // Tag values for the RLIKE attack (the issue's 30-character case).
    for (let i = 0; i < 8; i++) {
      await send(
        target,
        'setup',
        'PATCH',
        `/api/3.0/mlflow/traces/${knownIds[i]}/tags`,
        JSON.stringify({ key: 'k', value: `${'a'.repeat(30)}!` }),
      );
    }
    const bigTraces = [bigTraceRequest(), bigTraceRequest()];

    const phases: PhaseReport[] = [];
    const attackOutcomes: Outcome[] = [];
    const runPhase = async (name: string, length: number, extra: (until: number) => Promise<void>) => {
      const rss = new RssSampler(server?.pid ?? 0);
      const outcomes: Outcome[] = [];
      const from = Date.now();
      const until = performance.now() + length * 1000;
      log(`${name}: ${clients} clients for ${length} s`);
      await Promise.all([runClients(target, requests, clients, until, outcomes), extra(until)]);
      phases.push({ name, seconds: length, outcomes, health: [], healthFailures: 0, peakRssMiB: rss.stop() });
      return { from, to: Date.now() };
    };

    const windows: { from: number; to: number }[] = [];
    windows.push(await runPhase('steady', seconds, async () => {}));
    windows.push(
      await runPhase('adversarial', adversarialSeconds, async (until) => {
        const attack = async () => {
          while (performance.now() < until) {
            const out = await send(
              target,
              'attack: RLIKE',
              'POST',
              '/api/3.0/mlflow/traces/search',
              JSON.stringify({
                locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } }],
                filter: pick(["tags.k RLIKE '^(a|a)*$'", "request_id RLIKE '^tr-(?:[0-9a-f]|[0-9a-f]){0,26}Z'"]),
              }),
            );
            attackOutcomes.push(out);
          }
        };
        const big = async () => {
          for (let k = 0; performance.now() < until; k++) {
            const { traceId, body } = bigTraces[k % bigTraces.length];
            attackOutcomes.push(
              await send(
                target,
                'attack: OTLP 100k spans',
                'POST',
                '/v1/traces',
                body,
                { 'content-type': 'application/x-protobuf', 'x-mlflow-experiment-id': experimentId },
                ATTACK_TIMEOUT_MS,
              ),
            );
            attackOutcomes.push(
              await send(
                target,
                'attack: GetTrace 100k',
                'GET',
                `/api/3.0/mlflow/traces/get?trace_id=${traceId}`,
                undefined,
                {},
                ATTACK_TIMEOUT_MS,
              ),
            );
            attackOutcomes.push(
              await send(
                target,
                'attack: artifact 100k',
                'GET',
                `/ajax-api/3.0/mlflow/get-trace-artifact?request_id=${traceId}`,
                undefined,
                {},
                ATTACK_TIMEOUT_MS,
              ),
            );
          }
        };
        await Promise.all([attack(), big()]);
      }),
    );

    health.postMessage('stop');
    const samples = await new Promise<[number, number, number][]>((resolve) => health.once('message', resolve));
    await health.terminate();
    phases.forEach((p, i) => {
      const inWindow = samples.filter(([at]) => at >= windows[i].from && at <= windows[i].to);
      p.health = inWindow
        .filter(([, , ok]) => ok === 1)
        .map(([, latency]) => latency)
        .sort((a, b) => a - b);
      p.healthFailures = inWindow.filter(([, , ok]) => ok === 0).length;
    });
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'));
    target.agent.destroy();
    return report(traceCount, clients, phases, attackOutcomes, hwm ? Number(hwm[1]) / 1024 : NaN, startLoad);
  } finally {
    server?.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    rmSync(dir, { recursive: true, force: true });
  }
}

function report(
  n: number,
  clients: number,
  phases: PhaseReport[],
  attacks: Outcome[],
  hwmMiB: number,
  startLoad: number,
): string {
  const kinds = [...new Set(phases.flatMap((p) => p.outcomes.map((o) => o.kind)))];
  const lines: string[] = [];
  lines.push(
    `Machine: ${process.platform}, Node ${process.version}, 2 cores shared with other work (load average at the start ${startLoad.toFixed(1)}, at the end ${loadavg()[0].toFixed(1)}); ${n.toLocaleString('en-US')} traces; ${clients} keep-alive clients (node:http) in the bench process, the server in its own process; /health polled every 50 ms from a worker thread.`,
    '',
  );
  for (const p of phases) {
    const total = p.outcomes.length;
    const errors = p.outcomes.filter((o) => o.result === 'error').length;
    const timeouts = p.outcomes.filter((o) => o.result === 'timeout').length;
    lines.push(
      `**${p.name}** (${p.seconds} s): ${total.toLocaleString('en-US')} requests (${Math.round(total / p.seconds)}/s), ${errors} errors, ${timeouts} timeouts; /health p50 ${fmt(percentile(p.health, 0.5))} ms, p99 ${fmt(percentile(p.health, 0.99))} ms, max ${fmt(p.health[p.health.length - 1] ?? NaN)} ms (${p.health.length} probes, ${p.healthFailures} failed); server peak RSS ${p.peakRssMiB.toFixed(0)} MiB.`,
      '',
    );
  }
  const [steady, adversarial] = phases;
  lines.push(
    '| kind | requests | errors | timeouts | p50 ms | p99 ms | max ms | adversarial p50 / p99 ms | rise p50 / p99 ms |',
  );
  lines.push('|---|---|---|---|---|---|---|---|---|');
  for (const kind of kinds) {
    const s = summarize(steady.outcomes, kind);
    const a = summarize(adversarial?.outcomes ?? [], kind);
    lines.push(
      `| ${kind} | ${s.count} | ${s.errors}${s.statuses ? ` (${s.statuses})` : ''} | ${s.timeouts} | ${fmt(s.p50)} | ${fmt(s.p99)} | ${fmt(s.max)} | ${fmt(a.p50)} / ${fmt(a.p99)} | ${fmt(a.p50 - s.p50)} / ${fmt(a.p99 - s.p99)} |`,
    );
  }
  const hs = steady.health;
  const ha = adversarial?.health ?? [];
  lines.push(
    `| /health | ${hs.length} | ${steady.healthFailures} | – | ${fmt(percentile(hs, 0.5))} | ${fmt(percentile(hs, 0.99))} | ${fmt(hs[hs.length - 1] ?? NaN)} | ${fmt(percentile(ha, 0.5))} / ${fmt(percentile(ha, 0.99))} | ${fmt(percentile(ha, 0.5) - percentile(hs, 0.5))} / ${fmt(percentile(ha, 0.99) - percentile(hs, 0.99))} |`,
  );
  lines.push('', 'Adversarial requests (run alongside the mix in the adversarial phase):', '');
  lines.push('| attack | requests | errors | timeouts | p50 ms | p99 ms | max ms |', '|---|---|---|---|---|---|---|');
  for (const kind of [...new Set(attacks.map((o) => o.kind))]) {
    const s = summarize(attacks, kind);
    lines.push(
      `| ${kind} | ${s.count} | ${s.errors}${s.statuses ? ` (${s.statuses})` : ''} | ${s.timeouts} | ${fmt(s.p50)} | ${fmt(s.p99)} | ${fmt(s.max)} |`,
    );
  }
  const firstErrors = new Map<string, string>();
  for (const o of [...phases.flatMap((p) => p.outcomes), ...attacks])
    if (o.result === 'error' && !firstErrors.has(o.kind)) firstErrors.set(o.kind, `${o.status} ${o.detail ?? ''}`);
  if (firstErrors.size > 0) {
    lines.push('', 'First error of each kind:', '');
    for (const [kind, text] of firstErrors) lines.push(`- ${kind}: \`${text.replace(/`/g, "'")}\``);
  }
  lines.push('', `Server peak RSS over the whole run (VmHWM): ${hwmMiB.toFixed(0)} MiB.`);
  return lines.join('\n');
}
