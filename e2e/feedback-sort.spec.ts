import type { APIRequestContext, Page } from '@playwright/test';
import { expect, test } from './console-guard.ts';
import { createExperiment, logFeedback, logTrace, uniqueName } from './fixtures/seed-api.ts';

// Six traces; three carry the explorer's default feedback (user_satisfaction): 👍 on 0 and 4, 👎 on 2.
async function seed(request: APIRequestContext): Promise<string> {
  const experimentId = await createExperiment(request, uniqueName('feedback-sort'));
  const now = Date.now();
  for (let i = 0; i < 6; i++) {
    const id = await logTrace(request, experimentId, {
      name: `trace-${i}`,
      startMs: now - (6 - i) * 60_000,
      durationMs: 100,
      request: { question: `q${i}` },
      response: { answer: `a${i}` },
    });
    if (i % 2 === 0) await logFeedback(request, id, { name: 'user_satisfaction', value: i !== 2 });
  }
  return experimentId;
}

const grid = (page: Page) => page.getByRole('grid', { name: 'Traces' });
const dataRows = (page: Page) => grid(page).locator('[role="rowgroup"].grid-body [role="row"]');
const names = async (page: Page) =>
  (await dataRows(page).allInnerTexts()).map((text) => /trace-\d/.exec(text)?.[0] ?? '');

test('the Feedback header sorts on the server, most positive first, traces without feedback last', async ({
  page,
  request,
}) => {
  const experimentId = await seed(request);
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto(`/traces?experiment=${experimentId}`);
  await expect(dataRows(page)).toHaveCount(6);

  await grid(page)
    .getByRole('button', { name: /Feedback/ })
    .click();
  await expect(page).toHaveURL(/sort=feedback%3Adesc/);
  await expect(grid(page).getByRole('columnheader', { name: /Feedback/ })).toHaveAttribute('aria-sort', 'descending');
  // 👍 (newest first), then 👎, then the traces without feedback (newest first).
  await expect.poll(() => names(page)).toEqual(['trace-4', 'trace-0', 'trace-2', 'trace-5', 'trace-3', 'trace-1']);
  await page.screenshot({ path: '/tmp/feedback-sort-1280.png' });

  await grid(page)
    .getByRole('button', { name: /Feedback/ })
    .click();
  await expect(page).toHaveURL(/sort=feedback%3Aasc/);
  await expect.poll(() => names(page)).toEqual(['trace-2', 'trace-4', 'trace-0', 'trace-5', 'trace-3', 'trace-1']);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.screenshot({ path: '/tmp/feedback-sort-1440.png' });
});

test.describe('a shared link sorted by feedback, opened against a plain MLflow server', () => {
  // The stand-in answers every extension endpoint with MLflow's 404, which Chromium logs.
  test.use({ expectedConsoleErrors: [/Failed to load resource: the server responded with a status of 404/] });

  test('lists newest first and says the order is not supported, without sending it', async ({ page, request }) => {
    const experimentId = await seed(request);
    await page.route('**/trace-explorer/v1/**', (route) =>
      route.fulfill({
        status: 404,
        contentType: 'application/json',
        body: JSON.stringify({ error_code: 'ENDPOINT_NOT_FOUND', message: 'Not found' }),
      }),
    );
    const orders: unknown[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/traces/search')) orders.push((r.postDataJSON() as { order_by?: unknown }).order_by);
    });
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.goto(`/traces?experiment=${experimentId}&sort=feedback%3Adesc`);
    await expect(page.getByRole('status').filter({ hasText: 'Sorting by feedback' })).toHaveText(
      'Sorting by feedback is not supported by this server; showing newest first.',
    );
    await expect.poll(() => names(page)).toEqual(['trace-5', 'trace-4', 'trace-3', 'trace-2', 'trace-1', 'trace-0']);
    await expect(grid(page).getByRole('columnheader', { name: /Start time/ })).toHaveAttribute(
      'aria-sort',
      'descending',
    );
    await expect(page.getByRole('alert')).toHaveCount(0);
    expect(orders.length).toBeGreaterThan(0);
    // The list asks for newest first; no request (the list's, the live tail's) names the feedback order.
    expect(orders).toContainEqual(['timestamp_ms DESC', 'request_id ASC']);
    expect(orders.flat().filter((key) => String(key).startsWith('feedback'))).toEqual([]);
    await page.screenshot({ path: '/tmp/sort-fallback-1280.png' });
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.screenshot({ path: '/tmp/sort-fallback-1440.png' });
  });
});
