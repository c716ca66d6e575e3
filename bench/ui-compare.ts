// Compare page benchmark: "filter change → charts updated", end to end in Chromium and its
// server part alone. For each filter
// the page fires its metrics requests in parallel (per-version counts, percentiles with bounds,
// feedback, and the two bucketed series); the time to the last answer is what the person waits
// for before the charts can redraw. Run with `npm run bench -- ui-compare [--traces N]`, or pass
// `url` + `experimentId` (or set UI_COMPARE_URL and UI_COMPARE_EXPERIMENT) to measure an
// already-seeded server, e.g. the 1M-trace database, which is too slow to seed per run.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MetricsRequest } from '../src/core/stats/trace-metrics-wire.ts';
import {
  countsRequest,
  feedbackRequest,
  latencyRequest,
  PERCENTILES,
  type TimeWindow,
} from '../src/ui/compare/compare-requests.ts';
import { chooseBucketSeconds } from '../src/ui/compare/bucket-size.ts';

export interface UiCompareBenchOptions {
  /** Traces to seed into a fresh server (ignored with `url`). */
  traces?: number;
  url?: string;
  experimentId?: string;
  repetitions?: number;
  /** Also measure in Chromium (default true; a fresh server gets a fresh build, a `url` must serve the explorer). */
  browser?: boolean;
}

// Filter edits a person makes on this page: none, narrowing to an environment, to errors, to one
// version, and a range-restricted OR.
const FILTERS = [
  '',
  "metadata.environment = 'production'",
  "status = 'ERROR'",
  "metadata.app_version = '1.1.0'",
  "(metadata.environment = 'production' OR metadata.environment = 'staging') AND execution_time_ms > 1000",
];

async function post(url: string, body: MetricsRequest): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${url}/ajax-api/3.0/mlflow/traces/metrics`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`metrics ${response.status}: ${text.slice(0, 300)}`);
  return performance.now() - started;
}

const percentile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

/**
 * The newest trace's start time. The measured window is the 30 days before it, so a database built
 * weeks ago (the 1M-trace one) still fills it; for freshly seeded data it is about now.
 */
async function newestTraceMs(url: string, experimentId: string): Promise<number> {
  const response = await fetch(`${url}/api/3.0/mlflow/traces/search`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } }],
      max_results: 1,
    }),
  });
  const body = (await response.json()) as { traces?: { request_time?: string }[] };
  const newest = body.traces?.[0]?.request_time;
  return newest ? Date.parse(newest) : Date.now();
}

/** The requests the page sends for one filter over the 30 days before `nowMs`. */
function pageRequests(experimentId: string, filter: string, nowMs: number): { name: string; body: MetricsRequest }[] {
  const startMs = nowMs - 30 * 86_400_000;
  const effective = [filter && (/\bor\b/i.test(filter) ? `(${filter})` : filter), `timestamp_ms >= ${startMs}`]
    .filter(Boolean)
    .join(' AND ');
  const scope = { experimentId, dimension: 'metadata.app_version', filter: effective };
  const window: TimeWindow = { startMs, endMs: nowMs, bucketSeconds: chooseBucketSeconds(nowMs - startMs) };
  return [
    { name: 'counts', body: countsRequest(scope) },
    { name: 'percentiles+CI', body: latencyRequest(scope, PERCENTILES) },
    { name: 'feedback', body: feedbackRequest(scope) },
    { name: 'error series', body: countsRequest(scope, window) },
    { name: 'p95 series', body: latencyRequest(scope, [95], window) },
  ];
}

export async function runUiCompareBench(options: UiCompareBenchOptions = {}): Promise<string> {
  const repetitions = options.repetitions ?? 5;
  let url = options.url ?? process.env.UI_COMPARE_URL;
  let experimentId = options.experimentId ?? process.env.UI_COMPARE_EXPERIMENT;
  let cleanup = async () => {};
  let seeded = 'existing server';
  if (!url) {
    const traces = options.traces ?? 3000;
    const dir = mkdtempSync(join(tmpdir(), 'ui-compare-bench-'));
    const { startServer } = await import('../src/server/main.ts');
    const { seedDemo } = await import('../scripts/demo/seed-demo.ts');
    const { shutdown } = await import('../src/sdk/index.ts');
    const dist = join(dir, 'dist');
    if (options.browser !== false)
      execFileSync('npx', ['vite', 'build', '--logLevel', 'error', '--outDir', dist, '--emptyOutDir'], {
        stdio: 'inherit',
      });
    const staticArgs = existsSync(join(dist, 'index.html')) ? ['--static-dir', dist] : [];
    const server = await startServer([
      '--port',
      '0',
      '--backend-store-uri',
      `sqlite:///${join(dir, 'bench.db')}`,
      '--synchronous',
      'NORMAL',
      ...staticArgs,
    ]);
    url = server.url;
    const result = await seedDemo({ trackingUri: url, traces });
    await shutdown();
    experimentId = result.experimentId;
    seeded = `${result.summary.traces.toLocaleString('en-US')} demo traces, fresh SQLite`;
    cleanup = async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    };
  }
  if (!experimentId) throw new Error('experimentId is required with url');

  try {
    const nowMs = await newestTraceMs(url, experimentId);
    const wall: number[] = [];
    const perRequest = new Map<string, number[]>();
    // One warm-up round so that the first measured filter does not pay for cold caches alone.
    await Promise.all(pageRequests(experimentId, '', nowMs).map((r) => post(url, r.body)));
    for (let rep = 0; rep < repetitions; rep++) {
      for (const filter of FILTERS) {
        const started = performance.now();
        const requests = pageRequests(experimentId, filter, nowMs);
        const times = await Promise.all(requests.map((r) => post(url, r.body)));
        wall.push(performance.now() - started);
        requests.forEach((r, i) => perRequest.set(r.name, [...(perRequest.get(r.name) ?? []), times[i]]));
      }
    }
    // The same requests one at a time: in parallel they queue behind each other on the server,
    // so only the sequential times say which aggregation is the expensive one.
    const alone = new Map<string, number[]>();
    for (let rep = 0; rep < repetitions; rep++) {
      for (const filter of FILTERS) {
        for (const r of pageRequests(experimentId, filter, nowMs))
          alone.set(r.name, [...(alone.get(r.name) ?? []), await post(url, r.body)]);
      }
    }
    const ms = (x: number) => `${x.toFixed(1)} ms`;
    const lines = [
      `Server part of "filter change → charts updated" (${seeded}; ${FILTERS.length} filters × ${repetitions}; the page's ${pageRequests(experimentId, '', nowMs).length} metrics requests in parallel). Target: ≤ 200 ms at 1M traces.`,
      '',
      '| measure | p50 | p95 | max |',
      '|---|---|---|---|',
      `| **all requests of one filter change (wall)** | ${ms(percentile(wall, 50))} | ${ms(percentile(wall, 95))} | ${ms(Math.max(...wall))} |`,
      ...[...perRequest].map(
        ([name, xs]) =>
          `| ${name}, in parallel | ${ms(percentile(xs, 50))} | ${ms(percentile(xs, 95))} | ${ms(Math.max(...xs))} |`,
      ),
      ...[...alone].map(
        ([name, xs]) =>
          `| ${name}, alone | ${ms(percentile(xs, 50))} | ${ms(percentile(xs, 95))} | ${ms(Math.max(...xs))} |`,
      ),
    ];
    if (options.browser ?? true) lines.push('', await browserBench(url, experimentId, repetitions, nowMs));
    return lines.join('\n');
  } finally {
    await cleanup();
  }
}

/** How long one filter change may take in Chromium before it counts as a timeout. */
const BROWSER_TIMEOUT_MS = 30_000;

type ChangeOutcome = 'done' | 'timeout' | 'never-busy';

/**
 * In Chromium: commit a new filter the way the search bar does (a history push plus the app's
 * navigate event), then wait until the page is no longer busy and two frames have painted.
 * Each repetition uses filters not seen before, so no answer comes from the query cache. Each
 * change starts from an idle page (a change still running would hide the next one's busy
 * flip), and a change that does not finish within BROWSER_TIMEOUT_MS is counted as a timeout,
 * not as a time.
 */
async function browserBench(url: string, experimentId: string, repetitions: number, endMs: number): Promise<string> {
  const customRange = { from: String(Math.floor(endMs - 30 * 86_400_000)), to: String(Math.ceil(endMs + 1)) };
  const { chromium } = await import('@playwright/test');
  const { ensureChromium } = await import('../scripts/ensure-chromium.ts');
  const browser = await chromium.launch({
    executablePath: ensureChromium(),
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const idle = () => document.querySelector('section.compare-page')?.getAttribute('aria-busy') === 'false';
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1200 } });
    await page.goto(`${url}/compare?${new URLSearchParams({ experiment: experimentId, ...customRange }).toString()}`);
    await page.locator('.recharts-line').first().waitFor({ timeout: 60_000 });
    const samples: number[] = [];
    const failures: { filter: string; outcome: ChangeOutcome; busyAtStart: boolean }[] = [];
    for (let rep = 0; rep < repetitions; rep++) {
      for (const filter of FILTERS) {
        await page.waitForFunction(idle, undefined, { timeout: 120_000 });
        const unique = [filter, `execution_time_ms >= ${rep}`].filter(Boolean).join(' AND ');
        const search = new URLSearchParams({ experiment: experimentId, ...customRange, q: unique });
        const result = await page.evaluate(
          async ({ href, timeoutMs }) => {
            // No named function values in here: the bundler would wrap them in a helper the page lacks.
            const section = document.querySelector('section.compare-page')!;
            const busyAtStart = section.getAttribute('aria-busy') === 'true';
            const started = performance.now();
            const outcome = await new Promise<'done' | 'timeout' | 'never-busy'>((resolve) => {
              let sawBusy = false;
              let settled = false;
              let timer: ReturnType<typeof setTimeout> | undefined;
              const observer = new MutationObserver(() => {
                if (settled) return;
                if (section.getAttribute('aria-busy') === 'true') sawBusy = true;
                else if (sawBusy) {
                  settled = true;
                  observer.disconnect();
                  clearTimeout(timer);
                  resolve('done');
                }
              });
              observer.observe(section, { attributes: true, attributeFilter: ['aria-busy'] });
              timer = setTimeout(() => {
                settled = true;
                observer.disconnect();
                resolve(sawBusy ? 'timeout' : 'never-busy');
              }, timeoutMs);
              history.pushState(null, '', href);
              window.dispatchEvent(new Event('trace-explorer:navigate'));
              // React may have committed the busy state already, before any mutation callback.
              if (section.getAttribute('aria-busy') === 'true') sawBusy = true;
            });
            await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
            return { ms: performance.now() - started, outcome, busyAtStart };
          },
          { href: `/compare?${search.toString()}`, timeoutMs: BROWSER_TIMEOUT_MS },
        );
        if (result.outcome === 'done') samples.push(result.ms);
        else failures.push({ filter: unique, outcome: result.outcome, busyAtStart: result.busyAtStart });
      }
    }
    const ms = (x: number) => `${x.toFixed(0)} ms`;
    const total = samples.length + failures.length;
    const row =
      samples.length > 0
        ? `| ${ms(percentile(samples, 50))} | ${ms(percentile(samples, 95))} | ${ms(Math.max(...samples))} |`
        : '| – | – | – |';
    return [
      `In Chromium, from a filter commit to the charts redrawn (${samples.length} of ${total} filter changes completed within ${BROWSER_TIMEOUT_MS / 1000} s; target ≤ 1 s):`,
      '',
      '| measure | p50 | p95 | max | timeouts |',
      '|---|---|---|---|---|',
      `| filter change → charts updated ${row} ${failures.length} |`,
      ...failures.map((f) => `\n- ${f.outcome}${f.busyAtStart ? ' (page busy at start)' : ''}: \`${f.filter}\``),
    ].join('\n');
  } finally {
    await browser.close();
  }
}
