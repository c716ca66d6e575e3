import type { Page } from '@playwright/test';
import { E2E_REPLICA_URLS } from '../playwright.config.ts';
import { expect, test } from './console-guard.ts';
import { createExperiment, logTrace, searchTraceIds, uniqueName } from './fixtures/seed-api.ts';

// Two server processes on one PostgreSQL database (the `replicas` project; scripts/e2e.ts starts both):
// what one acknowledges, the other answers at once. No polling in the cross-replica checks below:
// read-your-writes across replicas is the property under test.
const [A, B] = E2E_REPLICA_URLS;

const rows = (page: Page) =>
  page.getByRole('grid', { name: 'Traces' }).locator('[role="rowgroup"].grid-body [role="row"]');

test('ingest through replica A, browse, tag and rate on replica B, and see every change from both', async ({
  page,
  request,
  playwright,
}) => {
  // A long journey over two servers and both explorers: more than the default 30 s on a busy machine.
  test.setTimeout(120_000);
  // `request` talks to replica A (the project's baseURL); `onB` to replica B.
  const onB = await playwright.request.newContext({ baseURL: B });
  try {
    const experimentId = await createExperiment(request, uniqueName('replicas'));
    const now = Date.now();
    const ids: string[] = [];
    for (const [i, question] of ['Where is my parcel?', 'Cancel my order', 'Change my address'].entries()) {
      ids.push(
        await logTrace(request, experimentId, {
          name: 'support_turn',
          startMs: now - (3 - i) * 60_000,
          durationMs: 200 + i * 100,
          request: { question },
          response: { answer: `answer ${i}` },
          metadata: { app_version: '2.1', environment: 'prod' },
          spans: [
            { name: 'support_turn', startOffsetMs: 0, durationMs: 200 + i * 100, type: 'CHAIN', inputs: { question } },
            { name: 'lookup_order', parent: 0, startOffsetMs: 10, durationMs: 50, type: 'TOOL' },
          ],
        }),
      );
    }

    // Replica B's API has what A acknowledged: the traces, newest first, and their spans.
    expect(await searchTraceIds(onB, experimentId)).toEqual([...ids].reverse());
    const trace = await onB.get(`/api/3.0/mlflow/traces/get?trace_id=${ids[1]}`);
    expect(trace.ok(), await trace.text()).toBe(true);
    const spans = ((await trace.json()) as { trace: { spans?: { name: string }[] } }).trace.spans ?? [];
    expect(spans.map((s) => s.name).sort()).toEqual(['lookup_order', 'support_turn']);

    // Browse on B.
    await page.goto(`${B}/traces?experiment=${experimentId}`);
    await expect(rows(page)).toHaveCount(3);
    await expect(page.getByText('Cancel my order').first()).toBeVisible();
    await page.screenshot({ path: '/tmp/replica-journey-b-traces.png', fullPage: true });

    // Tag and rate one trace on B.
    await page.goto(`${B}/traces/${ids[1]}?experiment=${experimentId}`);
    await expect(page.getByRole('tree', { name: 'Span tree' })).toBeVisible();
    await page.keyboard.press('t');
    await page.getByRole('textbox', { name: 'New tag key' }).fill('triage');
    await page.getByRole('textbox', { name: 'New tag value' }).fill('refund-flow');
    await page.getByRole('button', { name: 'Add tag' }).click();
    await expect(page.getByRole('link', { name: 'refund-flow' })).toBeVisible();
    await page.getByRole('tab', { name: /Feedback/ }).click();
    await page.getByRole('textbox', { name: 'Reviewer id' }).fill('reviewer@example.com');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.keyboard.press('c');
    await page.keyboard.type('Cancelled the wrong order.');
    await page.getByRole('button', { name: 'Thumbs down' }).click();
    const assessmentsOnB = page.getByRole('list', { name: 'Assessments' });
    await expect(assessmentsOnB).toContainText('thumbs down');
    await expect(assessmentsOnB).toContainText('Cancelled the wrong order.');
    await page.screenshot({ path: '/tmp/replica-journey-b-detail.png', fullPage: true });

    // Replica A answers both changes: through its API (search by the tag and by the feedback)…
    expect(await searchTraceIds(request, experimentId, "tag.triage = 'refund-flow'")).toEqual([ids[1]]);
    expect(await searchTraceIds(request, experimentId, "feedback.user_satisfaction = 'false'")).toEqual([ids[1]]);
    // …and in its explorer: the trace's tag and feedback, and the tag as a filter over the list.
    await page.goto(`${A}/traces/${ids[1]}?experiment=${experimentId}`);
    const assessmentsOnA = page.getByRole('list', { name: 'Assessments' });
    await expect(assessmentsOnA).toContainText('thumbs down');
    await expect(assessmentsOnA).toContainText('Cancelled the wrong order.');
    await expect(assessmentsOnA).toContainText('reviewer@example.com');
    await page.getByRole('tab', { name: /Tags/ }).click();
    await expect(page.getByRole('link', { name: 'refund-flow' })).toBeVisible();
    await page.screenshot({ path: '/tmp/replica-journey-a-detail.png', fullPage: true });
    await page.goto(`${A}/traces?experiment=${experimentId}&q=${encodeURIComponent("tag.triage = 'refund-flow'")}`);
    await expect(rows(page)).toHaveCount(1);
    await expect(rows(page).first()).toContainText('Cancel my order');

    // A trace ingested through A after all that appears in B's explorer on the next load.
    const late = await logTrace(request, experimentId, {
      name: 'support_turn',
      startMs: Date.now(),
      durationMs: 150,
      request: { question: 'Is my refund on its way?' },
    });
    await page.goto(`${B}/traces?experiment=${experimentId}`);
    await expect(rows(page)).toHaveCount(4);
    await expect(rows(page).first()).toContainText('Is my refund on its way?');
    expect((await searchTraceIds(onB, experimentId))[0]).toBe(late);
  } finally {
    await onB.dispose();
  }
});
