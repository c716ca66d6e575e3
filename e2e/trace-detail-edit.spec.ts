import { expect, test } from './console-guard.ts';
import { createExperiment, logTrace, searchTraceIds, uniqueName } from './fixtures/seed-api.ts';

test('a tag added and edited inline survives a reload and finds the trace', async ({ page, request }) => {
  const experimentId = await createExperiment(request, uniqueName('td-tags'));
  const traceId = await logTrace(request, experimentId, {
    name: 'tagged',
    startMs: Date.now() - 5_000,
    durationMs: 100,
    tags: { team: 'search' },
  });
  await logTrace(request, experimentId, { name: 'other', startMs: Date.now() - 4_000, durationMs: 100 });

  await page.goto(`/traces/${traceId}?experiment=${experimentId}`);
  await expect(page.getByRole('tree', { name: 'Span tree' })).toBeVisible();
  // `t` jumps to the new tag key field.
  await page.keyboard.press('t');
  const key = page.getByRole('textbox', { name: 'New tag key' });
  await expect(key).toBeFocused();
  await key.fill('review status');
  await page.getByRole('textbox', { name: 'New tag value' }).fill('todo');
  await page.getByRole('button', { name: 'Add tag' }).click();
  await page.getByRole('button', { name: 'Edit tag review status' }).click();
  await page.getByRole('textbox', { name: 'Value of tag review status' }).fill('needs follow-up');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('link', { name: 'needs follow-up' })).toBeVisible();
  // System tags are read-only; a bad key is refused before sending.
  await expect(page.getByRole('button', { name: 'Edit tag mlflow.traceName' })).toHaveCount(0);
  await key.fill('bad:key');
  await page.getByRole('button', { name: 'Add tag' }).click();
  await expect(page.getByRole('alert')).toContainText('may only contain');

  await page.reload();
  await page.getByRole('tab', { name: /Tags/ }).click();
  await expect(page.getByRole('link', { name: 'needs follow-up' })).toBeVisible();
  expect(await searchTraceIds(request, experimentId, "tag.`review status` = 'needs follow-up'")).toEqual([traceId]);

  await page.getByRole('button', { name: 'Delete tag team' }).click();
  await expect(page.getByRole('button', { name: 'Delete tag team' })).toHaveCount(0);
  await expect.poll(() => searchTraceIds(request, experimentId, "tag.team = 'search'")).toEqual([]);
});

test('👎 with a comment is saved as feedback and found by feedback.user_satisfaction', async ({ page, request }) => {
  const experimentId = await createExperiment(request, uniqueName('td-feedback'));
  const traceId = await logTrace(request, experimentId, {
    name: 'rated',
    startMs: Date.now() - 5_000,
    durationMs: 100,
  });
  await logTrace(request, experimentId, { name: 'unrated', startMs: Date.now() - 4_000, durationMs: 100 });

  await page.goto(`/traces/${traceId}?experiment=${experimentId}`);
  await page.getByRole('textbox', { name: 'Reviewer id' }).fill('reviewer@example.com');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.keyboard.press('c');
  await expect(page.getByRole('textbox', { name: 'Comment (optional)' })).toBeFocused();
  await page.keyboard.type('The answer cites the wrong doc.');
  await page.getByRole('button', { name: 'Thumbs down' }).click();
  const list = page.getByRole('list', { name: 'Assessments' });
  await expect(list).toContainText('thumbs down');
  await expect(list).toContainText('The answer cites the wrong doc.');
  await expect(list).toContainText('reviewer@example.com');
  expect(await searchTraceIds(request, experimentId, "feedback.user_satisfaction = 'false'")).toEqual([traceId]);

  // Changing my mind overrides the old feedback, which stays listed as overridden.
  await page.keyboard.press('+');
  await expect(list).toContainText('overridden');
  await expect
    .poll(() => searchTraceIds(request, experimentId, "feedback.user_satisfaction = 'true'"))
    .toEqual([traceId]);
  expect(await searchTraceIds(request, experimentId, "feedback.user_satisfaction = 'false'")).toEqual([]);
  await page.screenshot({ path: '/tmp/trace-detail-feedback.png', fullPage: true });

  // The reviewer id is remembered across reloads.
  await page.reload();
  await expect(page.getByText('reviewer@example.com').first()).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Reviewer id' })).toHaveCount(0);
});

test('the session view lists every turn of the session in time order', async ({ page, request }) => {
  const experimentId = await createExperiment(request, uniqueName('td-session'));
  const base = Date.now() - 60_000;
  const ids: string[] = [];
  for (const [i, question] of ['Hi there', 'What is my balance?', 'Thanks!'].entries()) {
    ids.push(
      await logTrace(request, experimentId, {
        name: 'chat_turn',
        startMs: base + i * 10_000,
        durationMs: 300 + i * 100,
        request: { messages: [{ role: 'user', content: question }] },
        response: `answer ${i + 1}`,
        metadata: { 'mlflow.trace.session': 'session-abc', 'mlflow.trace.user': 'u-1' },
      }),
    );
  }
  await logTrace(request, experimentId, {
    name: 'elsewhere',
    startMs: base,
    durationMs: 10,
    metadata: { 'mlflow.trace.session': 'other' },
  });

  await page.goto(`/traces/${ids[1]}?experiment=${experimentId}`);
  await page.getByRole('button', { name: 'session-abc' }).click();
  const session = page.getByRole('region', { name: 'Session' });
  const turns = session.getByRole('listitem');
  await expect(turns).toHaveCount(3);
  await expect(turns.nth(0)).toContainText('Hi there');
  await expect(turns.nth(1)).toContainText('What is my balance?');
  await expect(turns.nth(1)).toHaveAttribute('aria-current', 'true');
  await expect(turns.nth(2)).toContainText('answer 3');
  await page.screenshot({ path: '/tmp/trace-detail-session.png', fullPage: true });
  await turns.nth(2).getByRole('link', { name: 'Open trace' }).click();
  await expect(page).toHaveURL(new RegExp(`/traces/${ids[2]}`));
  await expect(page.getByRole('tree', { name: 'Span tree' })).toBeVisible();
});
