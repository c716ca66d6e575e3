import type { APIRequestContext, Page } from '@playwright/test';
import { expectNoSeriousAxeFindings } from './axe.ts';
import { expect, test } from './console-guard.ts';
import { createExperiment, logFeedback, logTrace, uniqueName } from './fixtures/seed-api.ts';

// The explorer at the two screen sizes issue 16 names: every default column on screen at 1280 px,
// rating a trace without scrolling, a deep link that shows its row, truncated text on focus, and
// no serious axe findings on the way.

const TRACES = 40;

async function seed(request: APIRequestContext): Promise<{ experimentId: string; traceIds: string[] }> {
  const experimentId = await createExperiment(request, uniqueName('layout'));
  const now = Date.now();
  const traceIds: string[] = [];
  const jobs = Array.from({ length: TRACES }, (_, i) => async () => {
    traceIds[i] = await logTrace(request, experimentId, {
      name: 'chat_assistant',
      startMs: now - (TRACES - i) * 60_000,
      durationMs: 300 + i * 20,
      request: { question: `How do I add a teammate to my workspace and give them admin rights? (${i})` },
      response: { answer: 'Open Settings, then Members.' },
      metadata: {
        app_version: i < 20 ? '1.1.0' : '1.2.0',
        environment: i % 2 ? 'production' : 'development',
        'mlflow.trace.user': `user_${i % 5}`,
        'mlflow.trace.session': `sess_${i % 7}`,
      },
      tags: { customer_tier: i % 3 ? 'free' : 'pro', query_category: 'product_info', region: 'eu' },
    });
  });
  for (let i = 0; i < jobs.length; i += 10) await Promise.all(jobs.slice(i, i + 10).map((job) => job()));
  await logFeedback(request, traceIds[TRACES - 1], { name: 'user_satisfaction', value: true });
  return { experimentId, traceIds };
}

// Seeding 40 traces through the API and several axe scans take a while on a shared machine.
test.describe.configure({ timeout: 120_000 });

const grid = (page: Page) => page.getByRole('grid', { name: 'Traces' });
const DEFAULT_HEADERS = [
  // The selection column (a checkbox, no text).
  '',
  'Trace ID',
  'Name',
  'Request',
  'Status',
  'Latency',
  'Start time',
  'User',
  'Version',
  'Environment',
  'Tags',
  'Feedback',
];

for (const size of [
  { width: 1280, height: 720 },
  { width: 1440, height: 900 },
]) {
  test(`at ${size.width}×${size.height} every default column is on screen and a trace is rated without scrolling`, async ({
    page,
    request,
  }) => {
    await page.setViewportSize(size);
    const { experimentId } = await seed(request);
    await page.goto(`/traces?experiment=${experimentId}`);
    await expect(grid(page).locator('.grid-body [role="row"]').first()).toBeVisible();
    const headers = grid(page).getByRole('columnheader');
    await expect(headers).toHaveCount(DEFAULT_HEADERS.length);
    // The sorted column carries a ▼/▲ mark after its label.
    expect((await headers.allInnerTexts()).map((text) => text.replace(/[▲▼]/g, '').trim())).toEqual(DEFAULT_HEADERS);
    for (const header of await headers.all()) {
      const box = (await header.boundingBox())!;
      expect(box.x + box.width, `${await header.innerText()} ends on screen`).toBeLessThanOrEqual(size.width);
    }
    // The quick filters, time range, grouping, columns, live and export controls share one row (selects sized to
    // their value: sized to their longest option they pushed Export onto a row of its own at 1280 px).
    const controls = page.locator('.traces-controls');
    const firstControl = (await controls.getByRole('combobox').first().boundingBox())!;
    const exportButton = (await controls.getByRole('button', { name: 'Export' }).boundingBox())!;
    expect(
      Math.abs(exportButton.y + exportButton.height / 2 - (firstControl.y + firstControl.height / 2)),
    ).toBeLessThan(firstControl.height / 2);
    // A tag chip shows its key and value whole.
    const chip = grid(page).locator('.grid-body [role="row"]').first().locator('.filter-value[data-key]');
    expect(await chip.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    await page.screenshot({ path: `/tmp/layout-traces-${size.width}.png` });
    await expectNoSeriousAxeFindings(page, `Traces at ${size.width}`);

    // Open a trace beside the table and rate it: every control needed is in the viewport.
    await grid(page).locator('.grid-body [role="row"]').nth(2).click();
    const reviewer = page.getByRole('textbox', { name: 'Reviewer id' });
    await expect(reviewer).toBeInViewport({ ratio: 1 });
    // The span tree shows below the feedback without scrolling (the feedback area is bounded).
    await expect(page.getByRole('tree', { name: 'Span tree' }).getByRole('treeitem').first()).toBeInViewport({
      ratio: 1,
    });
    await reviewer.fill('reviewer@example.com');
    await page.getByRole('button', { name: 'Save' }).click();
    const thumbsUp = page.getByRole('button', { name: 'Thumbs up', exact: true });
    await expect(thumbsUp).toBeInViewport({ ratio: 1 });
    const scrollTops = () =>
      page.evaluate(() => [...document.querySelectorAll('*')].reduce((sum, el) => sum + el.scrollTop, 0));
    const before = await scrollTops();
    await thumbsUp.click();
    await expect(page.getByRole('list', { name: 'Assessments' })).toContainText('thumbs up');
    expect(await scrollTops(), 'nothing scrolled to rate').toBe(before);
    await page.screenshot({ path: `/tmp/layout-panel-${size.width}.png` });
    await expectNoSeriousAxeFindings(page, `detail panel at ${size.width}`);
  });
}

test('a deep link to a trace far down the list scrolls its row into view', async ({ page, request }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  const { experimentId, traceIds } = await seed(request);
  // Newest first: the oldest traces are at the bottom of the list.
  const target = traceIds[3];
  await page.goto(`/traces?experiment=${experimentId}&trace=${target}`);
  const row = page.locator(`#trace-row-${target}`);
  // The row is wider than the table beside the open panel; its first cell must be wholly on screen.
  await expect(row.getByRole('gridcell').first()).toBeInViewport({ ratio: 1 });
  await expect(row).toHaveAttribute('aria-selected', 'true');
  await expectNoSeriousAxeFindings(page, 'Traces with a deep-linked trace open');
});

test('truncated cell text shows in full on keyboard focus', async ({ page, request }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  const { experimentId, traceIds } = await seed(request);
  await page.goto(`/traces?experiment=${experimentId}`);
  await grid(page).focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowUp');
  // The row under the keyboard cursor takes focus on its cells; the trace id is cut by its column.
  const first = grid(page).locator('.grid-body [role="row"]').first();
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Tab');
  const idCell = first.locator(`[data-tooltip="${traceIds[TRACES - 1]}"]`);
  await expect(idCell).toHaveAttribute('tabindex', '0');
  await idCell.focus();
  await expect(page.getByRole('tooltip')).toHaveText(traceIds[TRACES - 1]);
  // Tab moves on: the copy button is not cut, so no tooltip; the request preview is, so it shows.
  await page.keyboard.press('Tab');
  await expect(page.getByRole('tooltip')).toHaveCount(0);
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await expect(page.getByRole('tooltip')).toContainText('How do I add a teammate to my workspace');
});

test('the trace page has a heading and no serious axe findings', async ({ page, request }) => {
  const { experimentId, traceIds } = await seed(request);
  await page.goto(`/traces/${traceIds[0]}?experiment=${experimentId}`);
  await expect(page.getByRole('heading', { level: 1, name: 'chat_assistant' })).toBeVisible();
  await expectNoSeriousAxeFindings(page, 'trace page');
  await page.getByRole('button', { name: /^sess_/ }).click();
  await expect(page.getByRole('button', { name: '← Back to spans' })).toBeVisible();
  await expectNoSeriousAxeFindings(page, 'trace page, session view');
});
