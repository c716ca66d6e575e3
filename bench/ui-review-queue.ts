// Review queue benchmark, in a real Chromium against the real server and built UI: the time from
// "done" (the `n` key) to the next item on screen (its conversation and its span tree rendered, then
// one animation frame for the paint). Goal: ≤ 150 ms. For the first half of the items the reviewer pauses
// between items as a person would (the screen claims and prefetches the next item meanwhile); the second
// half is pressed back to back, the worst case, where the prefetch may still be in flight.
// `npm run bench -- ui-review-queue`: seeds traces through the ingestion API into a fresh SQLite server.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, request as playwrightRequest } from '@playwright/test';
import { createExperiment, logTrace, type SeedSpan } from '../e2e/fixtures/seed-api.ts';
import { CHROMIUM_ARGS, startExplorerServer } from './explorer-server.ts';

export interface UiReviewQueueBenchOptions {
  items?: number;
  spansPerTrace?: number;
  pauseMs?: number;
}

/** In the page: press `n`, then wait until item `i`'s question and span tree are in the DOM and painted. */
const DONE_TO_NEXT = `async (i) => {
  const ready = () =>
    document.body.textContent.includes('Question ' + i + '?') &&
    [...document.querySelectorAll('[role=treeitem]')].some((e) => e.textContent.includes('root-' + i));
  const t0 = performance.now();
  await new Promise((resolve, reject) => {
    const observer = new MutationObserver(() => {
      if (!ready()) return;
      observer.disconnect();
      resolve();
    });
    observer.observe(document.body, { childList: true, subtree: true, characterData: true });
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'n' }));
    setTimeout(() => {
      observer.disconnect();
      reject(new Error('item ' + i + ' not on screen after 10 s: ' + document.body.innerText.slice(0, 600)));
    }, 10000);
  });
  await new Promise((resolve) => requestAnimationFrame(() => resolve()));
  return performance.now() - t0;
}`;

const quantile = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

export async function runUiReviewQueueBench(options: UiReviewQueueBenchOptions = {}): Promise<string> {
  const items = options.items ?? 30;
  const spansPerTrace = options.spansPerTrace ?? 40;
  const pauseMs = options.pauseMs ?? 500;
  const dir = mkdtempSync(join(tmpdir(), 'ui-review-queue-bench-'));
  let close = async () => {};
  try {
    const server = await startExplorerServer(dir);
    const url = server.url;
    close = server.close;

    const api = await playwrightRequest.newContext({ baseURL: url });
    const experimentId = await createExperiment(api, `review-queue-bench-${Date.now()}`);
    const traceIds: string[] = [];
    for (let i = 0; i < items; i++) {
      const spans: SeedSpan[] = [
        {
          name: `root-${i}`,
          startOffsetMs: 0,
          durationMs: spansPerTrace + 10,
          type: 'CHAT_MODEL',
          inputs: { messages: [{ role: 'user', content: `Question ${i}?` }] },
          outputs: { choices: [{ message: { role: 'assistant', content: `Answer ${i}.`.repeat(20) } }] },
        },
      ];
      for (let s = 1; s < spansPerTrace; s++)
        spans.push({ name: `step-${s}`, parent: 0, startOffsetMs: s, durationMs: 1, type: 'TOOL' });
      traceIds.push(
        await logTrace(api, experimentId, { name: `t${i}`, startMs: Date.now() - 60_000, durationMs: 100, spans }),
      );
    }
    const ext = '/api/trace-explorer/v1/review-queues';
    const created = await api.post(`${ext}/create`, { data: { experiment_id: experimentId, name: 'bench' } });
    const queueId = ((await created.json()) as { queue: { queue_id: string } }).queue.queue_id;
    await api.post(`${ext}/add-items`, {
      data: { experiment_id: experimentId, queue_id: queueId, trace_ids: traceIds },
    });
    await api.dispose();

    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: CHROMIUM_ARGS,
    });
    const paused: number[] = [];
    const rushed: number[] = [];
    try {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      const page = await context.newPage();
      await page.addInitScript(() => localStorage.setItem('trace-explorer:feedback.reviewer-id', '"bench"'));
      await page.goto(`${url}/queues/${queueId}?experiment=${experimentId}`);
      await page.getByText('Question 0?', { exact: true }).first().waitFor({ timeout: 30_000 });
      for (let i = 1; i < items; i++) {
        const rush = i > items / 2;
        if (!rush) await page.waitForTimeout(pauseMs);
        (rush ? rushed : paused).push((await page.evaluate(`(${DONE_TO_NEXT})(${i})`)) as number);
      }
      await context.close();
    } finally {
      await browser.close();
    }
    const ms = (x: number) => `${x.toFixed(1)} ms`;
    const row = (label: string, xs: number[]) =>
      `| ${label} (${xs.length}) | ${ms(quantile(xs, 0.5))} | ${ms(quantile(xs, 0.95))} | ${ms(Math.max(...xs))} | ≤ 150 ms |`;
    return [
      `Review queue in Chromium (${items} items of ${spansPerTrace} spans, a chat conversation each; 1440×900). "done" (\`n\`) → the next item's conversation and span tree painted:`,
      '',
      '| reviewer | p50 | p95 | max | target |',
      '|---|---|---|---|---|',
      row(`${pauseMs} ms between items`, paused),
      row('back to back', rushed),
    ].join('\n');
  } finally {
    await close();
    rmSync(dir, { recursive: true, force: true });
  }
}
