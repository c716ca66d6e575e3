// Trace detail benchmark, in a real Chromium against the real server and built UI: how long a
// 30,000-span trace takes to open (navigation start → first span row on screen), split into the
// span download and the tree build the page marks (`trace-detail:build-tree`). Goal: ≤ 2 s.
// `npm run bench -- ui-trace-detail`: seeds the trace through the ingestion API (OTLP + StartTraceV3)
// into a fresh SQLite server; `url` measures an already-running server instead.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, request as playwrightRequest } from '@playwright/test';
import { createExperiment, logTrace, type SeedSpan } from '../e2e/fixtures/seed-api.ts';
import { CHROMIUM_ARGS, startExplorerServer } from './explorer-server.ts';

export interface UiTraceDetailBenchOptions {
  url?: string;
  spans?: number;
  repetitions?: number;
}

// Runs in the page before any script: notes when the first span row is committed.
const INSTRUMENT = `
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

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function runUiTraceDetailBench(options: UiTraceDetailBenchOptions = {}): Promise<string> {
  const spanCount = options.spans ?? 30_000;
  const repetitions = options.repetitions ?? 5;
  const dir = mkdtempSync(join(tmpdir(), 'ui-trace-detail-bench-'));
  let url = options.url;
  let close = async () => {};
  try {
    if (!url) {
      const server = await startExplorerServer(dir);
      url = server.url;
      close = server.close;
    }
    // The same shape as the e2e test: 50-span chains under one root.
    const spans: SeedSpan[] = [{ name: 'root', startOffsetMs: 0, durationMs: spanCount + 100, type: 'AGENT' }];
    for (let i = 1; i < spanCount; i++)
      spans.push({
        name: `step-${i}`,
        parent: i % 50 === 1 ? 0 : i - ((i - 1) % 50),
        startOffsetMs: i,
        durationMs: 1,
        type: i % 7 === 0 ? 'TOOL' : 'LLM',
      });
    const api = await playwrightRequest.newContext({ baseURL: url });
    const experimentId = await createExperiment(api, `trace-detail-bench-${Date.now()}`);
    const traceId = await logTrace(api, experimentId, {
      name: 'huge',
      startMs: Date.now() - 120_000,
      durationMs: spanCount + 100,
      spans,
    });
    await api.dispose();

    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: CHROMIUM_ARGS,
    });
    const samples: { open: number; download: number; build: number }[] = [];
    try {
      for (let rep = 0; rep < repetitions; rep++) {
        // A fresh context per repetition: no HTTP cache, no warm query cache.
        const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
        const page = await context.newPage();
        await page.addInitScript(INSTRUMENT);
        await page.goto(`${url}/traces/${traceId}?experiment=${experimentId}`);
        await page.getByRole('tree', { name: 'Span tree' }).getByRole('treeitem').first().waitFor({ timeout: 60_000 });
        samples.push((await page.evaluate(READ)) as { open: number; download: number; build: number });
        await context.close();
      }
    } finally {
      await browser.close();
    }
    const ms = (x: number) => `${Math.round(x)} ms`;
    const row = (label: string, pick: (s: (typeof samples)[number]) => number, goal = '') =>
      `| ${label} | ${ms(median(samples.map(pick)))} / ${ms(Math.max(...samples.map(pick)))} | ${goal} |`;
    return [
      `Trace detail in Chromium (${spanCount.toLocaleString('en-US')}-span trace; ${repetitions} cold loads; median / max).`,
      '',
      '| measure | value | target |',
      '|---|---|---|',
      row('navigation → first span row on screen', (s) => s.open, '≤ 2 s'),
      row('span download (get-trace-artifact)', (s) => s.download),
      row('tree build', (s) => s.build),
    ].join('\n');
  } finally {
    await close();
    rmSync(dir, { recursive: true, force: true });
  }
}
