// Traces tab benchmark, in a real Chromium against the real server and built UI:
//   • first rows on screen after navigation (ms from navigation start to the first grid row),
//   • DOM size while scrolling through 10,000 loaded rows (max element count),
//   • long tasks (> 50 ms) during that scroll,
//   • initial JavaScript, gzip (what the page loads before any interaction),
//   • first rows after opening a saved view's link (a filter, a sort by a tag column, a tag column).
// `npm run bench -- ui-traces [--traces N]` seeds N demo traces (default 10,000) into a fresh
// SQLite server; pass `url` + `experimentId` to measure an already-seeded server (e.g. the
// 1M-trace database) that serves a built UI.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Page } from '@playwright/test';

export interface UiTracesBenchOptions {
  traces?: number;
  url?: string;
  experimentId?: string;
  /** Rows to load while scrolling. */
  scrollRows?: number;
  repetitions?: number;
}

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

// Runs in the page before any script: records long tasks and when the first grid row appears.
const INSTRUMENT = `
  window.traceBench = { longTasks: [], firstRowMs: null };
  new PerformanceObserver((list) => { for (const e of list.getEntries()) window.traceBench.longTasks.push(e.duration); })
    .observe({ type: 'longtask', buffered: true });
  new MutationObserver((_, observer) => {
    if (document.querySelector('.grid-body [role="row"]')) { window.traceBench.firstRowMs = performance.now(); observer.disconnect(); }
  }).observe(document, { childList: true, subtree: true });
`;

interface BenchState {
  longTasks: number[];
  firstRowMs: number | null;
}

const readState = (page: Page): Promise<BenchState> => page.evaluate('window.traceBench');

const percentile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};

// Strings, not functions: the bench runs under tsx, whose helpers (`__name`) do not exist in the
// page. LOAD scrolls like a person dragging the scrollbar thumb, a viewport and a half per frame
// (every row on screen is new in every frame), waiting for pages to arrive until `target` rows are
// loaded. WHEEL then scrolls back up through everything loaded at 300 px a frame (18,000 px/s at
// 60 fps, a fast trackpad fling), with no network, so it measures rendering alone.
const LOAD = (target: number) => `(async () => {
  const grid = document.querySelector('[role="grid"][aria-label="Traces"]');
  if (!grid) throw new Error('no grid');
  const started = performance.now();
  let maxNodes = 0;
  const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
  const loadedRows = () => Math.round(grid.scrollHeight / 34);
  let idle = 0;
  while (loadedRows() < ${target} && idle < 600) {
    const before = grid.scrollTop;
    grid.scrollTop += grid.clientHeight * 1.5;
    await frame();
    maxNodes = Math.max(maxNodes, document.getElementsByTagName('*').length);
    idle = grid.scrollTop === before ? idle + 1 : 0;
  }
  return { rows: loadedRows(), maxNodes, seconds: (performance.now() - started) / 1000 };
})()`;

const WHEEL = `(async () => {
  const grid = document.querySelector('[role="grid"][aria-label="Traces"]');
  const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
  const started = performance.now();
  let maxNodes = 0;
  let frames = 0;
  while (grid.scrollTop > 0) {
    grid.scrollTop -= 300;
    await frame();
    frames++;
    maxNodes = Math.max(maxNodes, document.getElementsByTagName('*').length);
  }
  return { frames, maxNodes, seconds: (performance.now() - started) / 1000 };
})()`;

export async function runUiTracesBench(options: UiTracesBenchOptions = {}): Promise<string> {
  const repetitions = options.repetitions ?? 3;
  const scrollRows = options.scrollRows ?? 10_000;
  let url = options.url;
  let experimentId = options.experimentId;
  const dir = mkdtempSync(join(tmpdir(), 'ui-traces-bench-'));
  let cleanup = async () => rmSync(dir, { recursive: true, force: true });
  let seeded = 'existing server';
  if (!url) {
    const traces = options.traces ?? scrollRows;
    const dist = join(dir, 'dist');
    execFileSync('npx', ['vite', 'build', '--logLevel', 'warn', '--outDir', dist, '--emptyOutDir'], {
      stdio: 'inherit',
    });
    const { startServer } = await import('../src/server/main.ts');
    const { seedDemo } = await import('../scripts/demo/seed-demo.ts');
    const { shutdown } = await import('../src/sdk/index.ts');
    const server = await startServer([
      '--port',
      '0',
      '--backend-store-uri',
      `sqlite:///${join(dir, 'bench.db')}`,
      '--synchronous',
      'NORMAL',
      '--static-dir',
      dist,
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

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
  try {
    const pageUrl = `${url}/traces?experiment=${encodeURIComponent(experimentId)}`;
    const firstRows: number[] = [];
    let initialJsGzip = 0;
    let initialJsFiles = 0;
    for (let rep = 0; rep < repetitions; rep++) {
      // A fresh context per repetition: no HTTP cache, no warm query cache.
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      const page = await context.newPage();
      await page.addInitScript(INSTRUMENT);
      const scripts: Promise<number>[] = [];
      page.on('response', (response) => {
        if (response.url().endsWith('.js')) scripts.push(response.body().then((body) => gzipSync(body).length));
      });
      await page.goto(pageUrl);
      await page.waitForSelector('.grid-body [role="row"]', { timeout: 30_000 });
      await page.waitForLoadState('networkidle');
      const state = await readState(page);
      if (state.firstRowMs !== null) firstRows.push(state.firstRowMs);
      if (rep === 0) {
        const sizes = await Promise.all(scripts);
        initialJsGzip = sizes.reduce((a, b) => a + b, 0);
        initialJsFiles = sizes.length;
      }
      await context.close();
    }

    // A saved view as a team would keep one: production traces, sorted by a tag column it shows.
    const viewHref = await saveBenchView(url, experimentId);
    const viewFirstRows: number[] = [];
    for (let rep = 0; rep < repetitions; rep++) {
      const viewContext = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      const viewPage = await viewContext.newPage();
      await viewPage.addInitScript(INSTRUMENT);
      await viewPage.goto(`${url}${viewHref}`);
      await viewPage.waitForSelector('.grid-body [role="row"]', { timeout: 30_000 });
      const state = await readState(viewPage);
      if (state.firstRowMs !== null) viewFirstRows.push(state.firstRowMs);
      await viewContext.close();
    }

    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    await page.addInitScript(INSTRUMENT);
    await page.goto(pageUrl);
    await page.waitForSelector('.grid-body [role="row"]', { timeout: 30_000 });
    const before = (await readState(page)).longTasks.length;
    const scroll = (await page.evaluate(LOAD(scrollRows))) as { rows: number; maxNodes: number; seconds: number };
    const loaded = (await readState(page)).longTasks.length;
    const wheel = (await page.evaluate(WHEEL)) as { frames: number; maxNodes: number; seconds: number };
    const all = (await readState(page)).longTasks;
    const dragTasks = all.slice(before, loaded);
    const wheelTasks = all.slice(loaded);
    await context.close();

    const ms = (x: number) => `${Math.round(x)} ms`;
    const longTasks = (xs: number[]) => `${xs.length} / ${xs.length ? ms(Math.max(...xs)) : '—'}`;
    return [
      `Traces tab in Chromium (${seeded}; viewport 1440×900; ${repetitions} cold loads).`,
      '',
      '| measure | value | target |',
      '|---|---|---|',
      `| first rows on screen after navigation (p50 / max) | ${ms(percentile(firstRows, 50))} / ${ms(Math.max(...firstRows))} | ≤ 1 s |`,
      `| first rows after opening a saved view's link (filter, sort by a tag column; p50 / max) | ${ms(percentile(viewFirstRows, 50))} / ${ms(Math.max(...viewFirstRows))} | ≤ 1 s |`,
      `| initial JavaScript, gzip (${initialJsFiles} files) | ${(initialJsGzip / 1024).toFixed(1)} KiB | ≤ 300 KiB |`,
      `| rows loaded by dragging the scrollbar (1.5 viewports a frame) | ${scroll.rows.toLocaleString('en-US')} in ${scroll.seconds.toFixed(1)} s | 10,000 |`,
      `| max DOM elements while scrolling | ${Math.max(scroll.maxNodes, wheel.maxNodes).toLocaleString('en-US')} | ≤ 1,500 |`,
      `| long tasks while dragging down, pages arriving (count / max) | ${longTasks(dragTasks)} | none over 50 ms |`,
      `| long tasks while wheel-scrolling back up through all loaded rows, 300 px a frame (${wheel.frames.toLocaleString('en-US')} frames) | ${longTasks(wheelTasks)} | none over 50 ms |`,
    ].join('\n');
  } finally {
    await browser.close();
    await cleanup();
  }
}

/** Saves a view through the extension and returns its link (every parameter, plus `saved`). */
async function saveBenchView(url: string, experimentId: string): Promise<string> {
  const params = {
    q: "metadata.environment = 'production'",
    sort: 'tag:customer_tier:asc',
    cols: 'id,name,request,status,latency,start,version,tag%3Acustomer_tier',
  };
  const response = await fetch(`${url}/ajax-api/trace-explorer/v1/saved-views/create`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      experiment_id: experimentId,
      name: 'Production by customer tier',
      body: { version: 1, tab: 'traces', params },
    }),
  });
  if (!response.ok) throw new Error(`saved-views/create: ${response.status} ${await response.text()}`);
  const { view } = (await response.json()) as { view: { view_id: string } };
  const search = new URLSearchParams({ experiment: experimentId, ...params, saved: view.view_id });
  return `/traces?${search.toString()}`;
}
