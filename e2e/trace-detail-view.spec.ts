import { expectNoSeriousAxeFindings } from './axe.ts';
import { expect, test } from './console-guard.ts';
import { chainSpans, createExperiment, logTrace, uniqueName } from './fixtures/seed-api.ts';

test('a trace opens with its spans, timeline and span details', async ({ page, request }) => {
  const experimentId = await createExperiment(request, uniqueName('td-view'));
  const start = Date.now() - 60_000;
  const traceId = await logTrace(request, experimentId, {
    name: 'answer_question',
    startMs: start,
    durationMs: 1200,
    state: 'ERROR',
    clientRequestId: 'req-view-1',
    metadata: {
      'mlflow.trace.user': 'user-7',
      'mlflow.trace.session': 'sess-view',
      app_version: '1.4.0',
      environment: 'staging',
    },
    spans: [
      {
        name: 'answer_question',
        startOffsetMs: 0,
        durationMs: 1200,
        type: 'CHAIN',
        inputs: { messages: [{ role: 'user', content: 'What is MLflow?' }] },
        outputs: { choices: [{ message: { role: 'assistant', content: 'An ML platform.' } }] },
      },
      {
        name: 'retrieve_docs',
        parent: 0,
        startOffsetMs: 20,
        durationMs: 300,
        type: 'RETRIEVER',
        inputs: { query: 'mlflow' },
        outputs: [{ doc: 'a' }],
      },
      {
        name: 'call_llm',
        parent: 0,
        startOffsetMs: 330,
        durationMs: 800,
        type: 'LLM',
        attributes: { 'mlflow.llm.model': 'gpt-4o-mini' },
      },
      { name: 'format_answer', parent: 0, startOffsetMs: 1140, durationMs: 50, type: 'PARSER', error: 'format failed' },
    ],
  });

  await page.goto(`/traces/${traceId}?experiment=${experimentId}`);
  const detail = page.getByRole('region', { name: 'Trace detail' });
  await expect(detail.getByRole('heading', { name: 'answer_question' }).first()).toBeVisible();
  await expect(detail.getByText('req-view-1')).toBeVisible();
  await expect(detail.getByText('1.4.0').first()).toBeVisible();
  const tree = detail.getByRole('tree', { name: 'Span tree' });
  await expect(tree.getByRole('treeitem')).toHaveCount(4);
  await expectNoSeriousAxeFindings(page, 'trace page');
  // Timeline bars are laid out by start and duration: the LLM call starts after retrieval.
  const bars = tree.locator('.span-bar');
  await expect(bars).toHaveCount(4);
  const retrieve = await bars.nth(1).boundingBox();
  const llm = await bars.nth(2).boundingBox();
  expect(llm!.x).toBeGreaterThan(retrieve!.x + retrieve!.width - 2);
  expect(llm!.width).toBeGreaterThan(retrieve!.width);

  // The root's chat input shows as a conversation; the failing span shows its exception.
  await expect(detail.getByRole('list', { name: 'Inputs conversation' })).toContainText('What is MLflow?');
  await tree.getByRole('treeitem').filter({ hasText: 'format_answer' }).click();
  await expect(detail.getByRole('region', { name: 'Events' })).toContainText('format failed');
  await tree.getByRole('treeitem').filter({ hasText: 'call_llm' }).click();
  await expect(detail.getByText('gpt-4o-mini')).toBeVisible();

  // Search within the trace narrows the tree to matches and their ancestors.
  await detail.getByRole('searchbox', { name: 'Search spans' }).fill('retrieve');
  await expect(tree.getByRole('treeitem')).toHaveCount(2);
  await page.screenshot({ path: '/tmp/trace-detail-view.png', fullPage: true });
  await detail.getByRole('searchbox', { name: 'Search spans' }).fill('');
  await detail.getByRole('tab', { name: /Tags/ }).click();
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: '/tmp/trace-detail-dark.png', fullPage: true });
});

test('a 100,000-span trace opens with a bounded DOM, scrolls, and reaches its last span', async ({ page, request }) => {
  // Issue 14's size. Seeding it over OTLP takes tens of seconds on a loaded machine.
  test.setTimeout(300_000);
  const experimentId = await createExperiment(request, uniqueName('td-big'));
  const SPANS = 100_000;
  const traceId = await logTrace(request, experimentId, {
    name: 'huge',
    startMs: Date.now() - 120_000,
    durationMs: SPANS + 100,
    spans: chainSpans(SPANS),
  });

  // Whether the tab stays responsive is measured in bench/ui-trace-detail.ts (long tasks); here: it opens,
  // the DOM stays bounded, the tree scrolls, and the last span is reachable.
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`/traces/${traceId}?experiment=${experimentId}`);
  const tree = page.getByRole('tree', { name: 'Span tree' });
  await tree.getByRole('treeitem').first().waitFor({ timeout: 120_000 });
  await expect(page.getByText('100,000 spans')).toBeVisible();
  // The DOM stays small: only the rows in view (plus overscan) exist.
  expect(await tree.getByRole('treeitem').count()).toBeLessThan(120);
  await page.screenshot({ path: '/tmp/big-trace-1440.png' });
  // Scrolling far down replaces the rows on screen: step-1 leaves, later spans come in.
  await expect(tree.getByText('step-1', { exact: true })).toHaveCount(1);
  await tree.evaluate((element) => (element.scrollTop = element.scrollHeight / 2));
  await expect(tree.getByText('step-1', { exact: true })).toHaveCount(0);
  await expect(tree.getByText(/^step-\d{5}$/).first()).toBeVisible();
  expect(await tree.getByRole('treeitem').count()).toBeLessThan(120);
  await tree.focus();
  await page.keyboard.press('End');
  await expect(tree.getByText(`step-${SPANS - 1}`, { exact: true })).toBeVisible();
  const last = tree.getByRole('treeitem').filter({ hasText: `step-${SPANS - 1}` });
  await expect(last).toBeInViewport({ ratio: 1 });
  // A smaller window shrinks the tree from below: the selected last span stays in its visible part.
  await page.setViewportSize({ width: 1280, height: 720 });
  await expect(last).toBeInViewport({ ratio: 1 });
  await page.screenshot({ path: '/tmp/big-trace-end-1280.png' });
});
