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
