// Trace detail benchmark, in a real Chromium against the real server and built UI: how long a big trace
// takes to open (navigation start → first span row on screen), split into the span download and the tree
// build the page marks (`trace-detail:build-tree`), and whether the tab freezes: the long tasks
// (PerformanceObserver 'longtask', > 50 ms on the main thread) while it opens and while the person then
// scrolls the tree, jumps to its end, collapses and expands everything and searches it. Goals: first span
// row ≤ 2 s at 30,000 spans; at 100,000 spans (issue 14) no task that freezes the tab for seconds.
// `npm run bench -- ui-trace-detail [--spans N]`: seeds the trace through the ingestion API (OTLP in
// batches + StartTraceV3) into a fresh SQLite server; `url` measures an already-running server instead.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, request as playwrightRequest, type Page } from '@playwright/test';
import { chainSpans, createExperiment, logTrace } from '../e2e/fixtures/seed-api.ts';
import { CHROMIUM_ARGS, startExplorerServer } from './explorer-server.ts';

export interface UiTraceDetailBenchOptions {
  url?: string;
  /** With `url`: measure this already-stored trace (of `spans` spans) instead of seeding one. */
  experimentId?: string;
  traceId?: string;
  spans?: number;
  repetitions?: number;
}

// Runs in the page before any script: notes when the first span row is committed, and every long task.
const INSTRUMENT = `
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  new MutationObserver((_records, observer) => {
    if (!document.querySelector('[role=treeitem]')) return;
    document.documentElement.dataset.firstSpanRowMs = String(Math.round(performance.now()));
    observer.disconnect();
  }).observe(document, { childList: true, subtree: true });
`;

const READ = `(() => {
  const artifact = performance.getEntriesByType('resource').find((e) => e.name.includes('get-trace-artifact'));
  const build = performance.getEntriesByName('trace-detail:build-tree')[0];
  return { open: Number(document.documentElement.dataset.firstSpanRowMs), download: artifact ? artifact.responseEnd - artifact.startTime : NaN, build: build ? build.duration : NaN };
})()`;

interface Phase {
  /** The longest main-thread task in the phase (0 when none passed 50 ms). */
  longest: number;
  /** Total blocking time: the sum over long tasks of their time beyond 50 ms. */
  blocking: number;
}

interface Sample {
  open: number;
  download: number;
  build: number;
  phases: Record<string, Phase>;
}

const PHASES = ['open', 'scroll', 'end', 'collapse/expand all', 'search'] as const;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The long tasks that started from `since` (page time) on, as one phase's figures. */
async function phaseSince(page: Page, since: number): Promise<Phase> {
  const tasks = (await page.evaluate(
    `window.__longTasks.filter((t) => t.start >= ${since}).map((t) => t.duration)`,
  )) as number[];
  return {
    longest: tasks.length > 0 ? Math.max(...tasks) : 0,
    blocking: tasks.reduce((sum, d) => sum + Math.max(0, d - 50), 0),
  };
}

const pageNow = (page: Page) => page.evaluate('performance.now()') as Promise<number>;

/** Lets the page go quiet (two animation frames and a pause) so a phase's tasks are its own. */
async function settle(page: Page): Promise<void> {
  await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
  await page.waitForTimeout(500);
}

/** Opens the trace and works the tree as a person would, collecting each phase's long tasks. */
async function measure(page: Page, href: string, lastSpan: string): Promise<Sample> {
  await page.addInitScript(INSTRUMENT);
  await page.goto(href);
  const tree = page.getByRole('tree', { name: 'Span tree' });
  await tree.getByRole('treeitem').first().waitFor({ timeout: 120_000 });
  await settle(page);
  const phases: Record<string, Phase> = { open: await phaseSince(page, 0) };

  let since = await pageNow(page);
  const box = await tree.boundingBox();
  if (box) await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  for (let i = 0; i < 30; i++) {
    await page.mouse.wheel(0, 3_000);
    await page.waitForTimeout(30);
  }
  await settle(page);
  phases.scroll = await phaseSince(page, since);

  since = await pageNow(page);
  await tree.focus();
  await page.keyboard.press('End');
  await tree.getByRole('treeitem').filter({ hasText: lastSpan }).waitFor();
  await settle(page);
  phases.end = await phaseSince(page, since);

  since = await pageNow(page);
  await page.getByRole('button', { name: 'Collapse all' }).click();
  await settle(page);
  await page.getByRole('button', { name: 'Expand all' }).click();
  await settle(page);
  phases['collapse/expand all'] = await phaseSince(page, since);

  since = await pageNow(page);
  await page.getByRole('searchbox', { name: 'Search spans' }).pressSequentially('step-9999', { delay: 50 });
  await page.getByRole('status').filter({ hasText: /match/ }).first().waitFor();
  await settle(page);
  phases.search = await phaseSince(page, since);

  return { ...((await page.evaluate(READ)) as Omit<Sample, 'phases'>), phases };
}

/** One trace of `spanCount` spans, the e2e test's shape (chainSpans). */
async function seedTrace(url: string, spanCount: number): Promise<{ experimentId: string; traceId: string }> {
  const api = await playwrightRequest.newContext({ baseURL: url, timeout: 600_000 });
  const experimentId = await createExperiment(api, `trace-detail-bench-${Date.now()}`);
  const traceId = await logTrace(api, experimentId, {
    name: 'huge',
    startMs: Date.now() - 120_000,
    durationMs: spanCount + 100,
    spans: chainSpans(spanCount),
  });
  await api.dispose();
  return { experimentId, traceId };
}

export async function runUiTraceDetailBench(options: UiTraceDetailBenchOptions = {}): Promise<string> {
  const spanCount = options.spans ?? 30_000;
  const repetitions = options.repetitions ?? (spanCount > 50_000 ? 3 : 5);
  const dir = mkdtempSync(join(tmpdir(), 'ui-trace-detail-bench-'));
  let url = options.url;
  let close = async () => {};
  try {
    if (!url) {
      const server = await startExplorerServer(dir);
      url = server.url;
      close = server.close;
    }
    const seedStart = Date.now();
    const { experimentId, traceId } =
      options.url && options.traceId && options.experimentId
        ? { experimentId: options.experimentId, traceId: options.traceId }
        : await seedTrace(url, spanCount);
    const seeded = options.traceId
      ? 'already stored'
      : `seeded over OTLP in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`;

    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: CHROMIUM_ARGS,
    });
    const samples: Sample[] = [];
    try {
      for (let rep = 0; rep < repetitions; rep++) {
        // A fresh context per repetition: no HTTP cache, no warm query cache.
        const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
        const page = await context.newPage();
        page.setDefaultTimeout(120_000);
        samples.push(
          await measure(page, `${url}/traces/${traceId}?experiment=${experimentId}`, `step-${spanCount - 1}`),
        );
        await context.close();
      }
    } finally {
      await browser.close();
    }
    const ms = (x: number) => `${Math.round(x).toLocaleString('en-US')} ms`;
    const row = (label: string, pick: (s: Sample) => number, goal = '') =>
      `| ${label} | ${ms(median(samples.map(pick)))} / ${ms(Math.max(...samples.map(pick)))} | ${goal} |`;
    return [
      `Trace detail in Chromium (${spanCount.toLocaleString('en-US')}-span trace, ${seeded}; ` +
        `${repetitions} cold loads at 1440×900; median / max).`,
      '',
      '| measure | value | target |',
      '|---|---|---|',
      row('navigation → first span row on screen', (s) => s.open, '≤ 2 s'),
      row('span download (get-trace-artifact)', (s) => s.download),
      row('tree build', (s) => s.build),
      ...PHASES.flatMap((phase) => [
        row(`${phase}: longest task`, (s) => s.phases[phase].longest, 'no freeze (≪ 1 s)'),
        row(`${phase}: total blocking time`, (s) => s.phases[phase].blocking),
      ]),
    ].join('\n');
  } finally {
    await close();
    rmSync(dir, { recursive: true, force: true });
  }
}
