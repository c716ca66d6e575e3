import type { Page } from '@playwright/test';
import { expect, test } from './console-guard.ts';
import { createExperiment, logFeedback, logTrace, uniqueName } from './fixtures/seed-api.ts';
import { XSS_PAYLOADS } from './fixtures/xss-payloads.ts';

// Untrusted trace content (span names, attribute keys and values, tags, metadata, previews,
// rationales) goes through the real API and must render as text on every trace detail view.

declare global {
  interface Window {
    xssFired?: unknown;
  }
}

async function seedHostileTrace(request: Parameters<typeof createExperiment>[0]) {
  const experimentId = await createExperiment(request, uniqueName('xss'));
  const session = 'xss-session';
  const attributes: Record<string, string> = {};
  XSS_PAYLOADS.forEach((p, i) => {
    attributes[p] = `value ${i}`; // payloads as attribute keys
    attributes[`attr.${i}`] = p; // and as values
  });
  const metadata: Record<string, string> = {
    'mlflow.trace.session': session,
    'mlflow.trace.user': XSS_PAYLOADS[0],
    'mlflow.source.git.repoURL': 'javascript:alert(1)',
  };
  const tags: Record<string, string> = {};
  XSS_PAYLOADS.forEach((p, i) => {
    metadata[`m.${i}`] = p;
    tags[`t.${i}`] = p;
  });
  // Keys that break MLflow's key rules are refused for tags, so payload keys go in metadata.
  XSS_PAYLOADS.slice(0, 10).forEach((p) => (metadata[p] = 'payload key'));
  const spans = [
    {
      name: XSS_PAYLOADS[0],
      startOffsetMs: 0,
      durationMs: 1000,
      type: 'CHAIN',
      inputs: { messages: XSS_PAYLOADS.slice(0, 8).map((content) => ({ role: 'user', content })) },
      outputs: XSS_PAYLOADS[1],
      attributes,
    },
    ...XSS_PAYLOADS.slice(1).map((p, i) => ({
      name: p,
      parent: 0,
      startOffsetMs: 10 + i * 10,
      durationMs: 5,
      type: p.slice(0, 20),
      inputs: { [p]: p },
      outputs: p,
      error: i % 5 === 0 ? p : undefined,
    })),
  ];
  const traceId = await logTrace(request, experimentId, {
    name: XSS_PAYLOADS[2],
    startMs: Date.now() - 60_000,
    durationMs: 1000,
    clientRequestId: XSS_PAYLOADS[3],
    request: XSS_PAYLOADS[4],
    response: XSS_PAYLOADS[5],
    metadata: { ...metadata, app_version: XSS_PAYLOADS[6], environment: XSS_PAYLOADS[7] },
    tags,
    spans,
  });
  // Other turns of the session carry payload previews for the session view.
  for (const [i, p] of XSS_PAYLOADS.slice(8, 20).entries()) {
    await logTrace(request, experimentId, {
      name: p,
      startMs: Date.now() - 50_000 + i * 100,
      durationMs: 10,
      request: p,
      response: { choices: [{ message: { role: 'assistant', content: p } }] },
      metadata: { 'mlflow.trace.session': session },
    });
  }
  for (const p of XSS_PAYLOADS.slice(20, 40))
    await logFeedback(request, traceId, { name: p.slice(0, 40), value: p, rationale: p, sourceId: p });
  await logFeedback(request, traceId, { name: 'user_satisfaction', value: false, rationale: XSS_PAYLOADS.join('\n') });
  return { experimentId, traceId };
}

function watchForScripts(page: Page): string[] {
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return dialogs;
}

async function expectNothingRan(page: Page, dialogs: string[]) {
  // Give event-handler payloads (onerror, onload, autofocus) a moment to fire if they were live.
  await page.waitForTimeout(300);
  expect(dialogs).toEqual([]);
  expect(await page.evaluate(() => window.xssFired)).toBeUndefined();
  const detail = page.getByRole('region', { name: 'Trace detail' });
  expect(
    await detail
      .locator(
        'script, iframe, object, embed, img, video, audio, form[action], base, meta, style, svg:not(.thumb-icon), svg:not(.thumb-icon) *, [onerror], [onload], [onfocus]',
      )
      .count(),
  ).toBe(0);
  const hrefs = await detail.locator('a[href]').evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
  for (const href of hrefs) expect(href, 'links are in-app paths or http(s)').toMatch(/^(\/|https?:\/\/)/);
}

test('the trace page renders hostile trace content as text', async ({ page, request }) => {
  test.setTimeout(90_000);
  expect(XSS_PAYLOADS.length).toBeGreaterThanOrEqual(50);
  const { experimentId, traceId } = await seedHostileTrace(request);
  const dialogs = watchForScripts(page);
  await page.goto(`/traces/${traceId}?experiment=${experimentId}`);
  const detail = page.getByRole('region', { name: 'Trace detail' });
  await expect(detail.getByRole('heading', { name: XSS_PAYLOADS[2] })).toBeVisible();
  const tree = detail.getByRole('tree', { name: 'Span tree' });
  await expect(tree.getByRole('treeitem').first()).toBeVisible();
  await expect(detail.getByRole('list', { name: 'Inputs conversation' })).toContainText(XSS_PAYLOADS[0]);
  await expect(detail.getByRole('region', { name: 'Attributes' })).toContainText(XSS_PAYLOADS[10]);
  // Walk every span so each one's details (inputs, outputs, events, attributes) render.
  await tree.focus();
  for (let i = 0; i < XSS_PAYLOADS.length; i++) await page.keyboard.press('ArrowDown');
  await expect(detail.getByRole('article').first()).toContainText(XSS_PAYLOADS[XSS_PAYLOADS.length - 1]);
  for (const tab of ['Feedback', 'Tags', 'Metadata']) {
    await detail.getByRole('tab', { name: new RegExp(tab) }).click();
    await expect(detail.getByRole('tabpanel')).toBeVisible();
  }
  await expect(detail.getByRole('tabpanel')).toContainText(XSS_PAYLOADS[30]);
  await page.screenshot({ path: '/tmp/xss-trace-page.png', fullPage: true });
  await expectNothingRan(page, dialogs);
});

test('the session view renders hostile previews as text', async ({ page, request }) => {
  const { experimentId, traceId } = await seedHostileTrace(request);
  const dialogs = watchForScripts(page);
  await page.goto(`/traces/${traceId}?experiment=${experimentId}`);
  await page.getByRole('button', { name: 'xss-session' }).click();
  const session = page.getByRole('region', { name: 'Session' });
  await expect(session.getByRole('listitem')).toHaveCount(13);
  await expect(session).toContainText(XSS_PAYLOADS[12]);
  await page.screenshot({ path: '/tmp/xss-session.png', fullPage: true });
  await expectNothingRan(page, dialogs);
});

test('the side panel beside the traces table renders hostile content as text', async ({ page, request }) => {
  const { experimentId, traceId } = await seedHostileTrace(request);
  const dialogs = watchForScripts(page);
  await page.goto(`/traces?experiment=${experimentId}`);
  // Open the trace from the table (the Traces page renders the panel variant).
  await page.getByText(XSS_PAYLOADS[2], { exact: true }).first().click();
  const detail = page.getByRole('region', { name: 'Trace detail' });
  await expect(detail.getByRole('tree', { name: 'Span tree' }).getByRole('treeitem').first()).toBeVisible();
  await expect(detail).toContainText(traceId);
  await detail.getByRole('tab', { name: /Metadata/ }).click();
  await page.screenshot({ path: '/tmp/xss-panel.png', fullPage: true });
  await expectNothingRan(page, dialogs);
});
