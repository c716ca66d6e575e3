import type { Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { expectNoSeriousAxeFindings } from './axe.ts';
import { expect, test } from './console-guard.ts';
import { createExperiment, logTrace, searchTraceIds, uniqueName } from './fixtures/seed-api.ts';

// The review queue journey of issue 17: a queue built from the Traces tab's filter, three items
// worked with the keyboard only, then the progress and the labels seen in the queue, the traces
// table, Compare and through the API.

const SCREENS = process.env.E2E_SCREENSHOTS;
async function screenshots(page: Page, name: string): Promise<void> {
  if (!SCREENS) return;
  mkdirSync(SCREENS, { recursive: true });
  for (const [width, height] of [
    [1280, 720],
    [1440, 900],
  ]) {
    await page.setViewportSize({ width, height });
    await page.screenshot({ path: `${SCREENS}/${name}-${width}x${height}.png` });
  }
  await page.setViewportSize({ width: 1280, height: 720 });
}

test('build a queue from a filter, work three items with the keyboard, see progress and labels', async ({
  page,
  request,
}) => {
  // Two axe scans and a dozen round trips on a shared two-core machine.
  test.setTimeout(150_000);
  const experimentId = await createExperiment(request, uniqueName('queue'));
  const now = Date.now();
  const errors: string[] = [];
  for (let i = 0; i < 4; i++)
    errors.push(
      await logTrace(request, experimentId, {
        name: `failing ${i}`,
        startMs: now - (10 - i) * 60_000,
        durationMs: 300,
        state: 'ERROR',
        metadata: { app_version: '1.1.0' },
        request: { messages: [{ role: 'user', content: `Question number ${i}?` }] },
        response: { choices: [{ message: { role: 'assistant', content: `Answer number ${i}.` } }] },
      }),
    );
  const ok = await logTrace(request, experimentId, {
    name: 'fine',
    startMs: now - 60_000,
    durationMs: 100,
    metadata: { app_version: '1.0.0' },
  });

  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto(`/traces?experiment=${experimentId}&q=${encodeURIComponent("status = 'ERROR'")}`);
  await page.getByRole('link', { name: 'Review queues' }).click();
  await expect(page.getByRole('heading', { name: 'Review queues', level: 1 })).toBeVisible();
  // The form starts from the Traces tab's filter.
  await expect(page.getByRole('textbox', { name: /^Filter/ })).toHaveValue("status = 'ERROR'");
  await page.getByRole('textbox', { name: 'Name' }).fill('Failing answers');
  await page.getByRole('textbox', { name: 'Instructions for reviewers' }).fill('Was the answer right anyway?');
  await page.getByRole('button', { name: 'Create queue' }).click();
  await expect(page.getByRole('status')).toContainText('with 4 traces');
  const row = page.getByRole('row', { name: /Failing answers/ });
  await expect(row).toContainText('0 done · 4 remaining');
  await expectNoSeriousAxeFindings(page, 'the queue list');
  await screenshots(page, 'queue-list');

  await row.getByRole('link', { name: 'Failing answers' }).click();
  await expect(page).toHaveURL(/\/queues\/\d+\?experiment=/);
  await page.getByRole('textbox', { name: 'Reviewer id' }).fill('rev@example.com');
  await page.getByRole('button', { name: 'Start reviewing' }).click();

  // From here on, the keyboard only. The newest failing trace comes first (snapshot order).
  const conversation = page.getByRole('list', { name: 'Conversation', exact: true });
  const thumbsUp = page.getByRole('button', { name: 'Thumbs up' });
  const thumbsDown = page.getByRole('button', { name: 'Thumbs down' });
  await expect(conversation).toContainText('Question number 3?');
  await expect(conversation).toContainText('Answer number 3.');
  await expect(page.getByRole('region', { name: 'Instructions' })).toContainText('Was the answer right anyway?');
  await expect(page.getByRole('tree', { name: 'Span tree' })).toBeVisible();
  await expectNoSeriousAxeFindings(page, 'the queue work screen');
  await screenshots(page, 'queue-work');

  await page.keyboard.press('+');
  await expect(thumbsUp).toHaveAttribute('aria-pressed', 'true');
  await page.keyboard.press('n');

  await expect(conversation).toContainText('Question number 2?');
  await page.keyboard.press('c');
  await expect(page.getByRole('textbox', { name: /Comment/ })).toBeFocused();
  await page.keyboard.type('Wrong document cited.');
  await page.keyboard.press('Escape');
  await page.keyboard.press('-');
  await expect(thumbsDown).toHaveAttribute('aria-pressed', 'true');
  await page.keyboard.press('n');

  await expect(conversation).toContainText('Question number 1?');
  await page.keyboard.press('+');
  await expect(thumbsUp).toHaveAttribute('aria-pressed', 'true');
  await page.keyboard.press('n');

  await expect(conversation).toContainText('Question number 0?');
  const progress = page.getByLabel('Queue progress');
  await expect(progress).toContainText('3 done · 1 remaining');
  await expect(page.getByRole('list', { name: 'Done per reviewer' })).toContainText('rev@example.com: 3');

  // The labels are ordinary feedback: the API finds them, and the traces table counts them.
  await expect
    .poll(() => searchTraceIds(request, experimentId, "feedback.user_satisfaction = 'true'"))
    .toEqual([errors[3], errors[1]]);
  expect(await searchTraceIds(request, experimentId, "feedback.user_satisfaction = 'false'")).toEqual([errors[2]]);
  expect(await searchTraceIds(request, experimentId, 'feedback.user_satisfaction IS NULL')).toEqual(
    expect.arrayContaining([errors[0], ok]),
  );

  await page.getByRole('link', { name: 'Traces' }).click();
  await expect(page.getByLabel('1 thumbs up, 0 thumbs down')).toHaveCount(2);
  await expect(page.getByLabel('0 thumbs up, 1 thumbs down')).toHaveCount(1);

  // Compare's thumbs-up share of 1.1.0 counts the queue's labels: 2 of 3.
  await page.getByRole('link', { name: 'Compare versions' }).click();
  await expect(page.locator('tr[data-version="1.1.0"] td').nth(6)).toHaveText('67%');

  // The list shows the progress too.
  await page.getByRole('link', { name: 'Review queues' }).click();
  await expect(page.getByRole('row', { name: /Failing answers/ })).toContainText('3 done · 1 remaining');
});
