import type { APIRequestContext, Page } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { expectNoSeriousAxeFindings } from './axe.ts';
import { expect, test } from './console-guard.ts';
import { createExperiment, logTrace, uniqueName } from './fixtures/seed-api.ts';

// The live tail: traces ingested through OTLP while the page is open appear without a reload,
// only when they match the filter the page shows.

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const nanos = (ms: number) => (BigInt(ms) * 1_000_000n).toString();

/** One root span over OTLP/HTTP JSON only (no StartTraceV3): the trace is created and finished by its span. */
async function otlpTrace(request: APIRequestContext, experimentId: string, spanName: string): Promise<string> {
  const traceId = hex(16);
  const now = Date.now();
  const response = await request.post('/v1/traces', {
    headers: { 'content-type': 'application/json', 'x-mlflow-experiment-id': experimentId },
    data: {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'live-tail-e2e' } }] },
          scopeSpans: [
            {
              scope: { name: 'e2e' },
              spans: [
                {
                  traceId,
                  spanId: hex(8),
                  parentSpanId: '',
                  name: spanName,
                  kind: 1,
                  startTimeUnixNano: nanos(now - 120),
                  endTimeUnixNano: nanos(now),
                  attributes: [{ key: 'input.value', value: { stringValue: `${spanName} request` } }],
                  status: { code: 1 },
                },
              ],
            },
          ],
        },
      ],
    },
  });
  expect(response.ok()).toBe(true);
  return `tr-${traceId}`;
}

// Seeding dozens of traces through the real API and waiting for polls takes a while on a shared machine.
test.describe.configure({ timeout: 120_000 });

const grid = (page: Page) => page.getByRole('grid', { name: 'Traces' });
const dataRows = (page: Page) => grid(page).locator('[role="rowgroup"].grid-body [role="row"]');
const row = (page: Page, traceId: string) => grid(page).locator(`[id="trace-row-${traceId}"]`);

test('a matching trace ingested through OTLP appears at the top; one that does not match never does', async ({
  page,
  request,
}) => {
  const experimentId = await createExperiment(request, uniqueName('live-tail'));
  for (let i = 0; i < 3; i++)
    await logTrace(request, experimentId, {
      name: 'checkout',
      startMs: Date.now() - (10 - i) * 60_000,
      durationMs: 200,
    });
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto(`/traces?experiment=${experimentId}&q=${encodeURIComponent("span.name = 'checkout'")}`);
  await expect(dataRows(page)).toHaveCount(3);
  await expect(page.getByRole('button', { name: 'Live', exact: true })).toHaveAttribute('aria-pressed', 'true');

  const matching = await otlpTrace(request, experimentId, 'checkout');
  const other = await otlpTrace(request, experimentId, 'refund');
  await expect(row(page, matching)).toBeVisible();
  await expect(dataRows(page).first()).toHaveAttribute('id', `trace-row-${matching}`);
  await expect(page.getByRole('status').filter({ hasText: '1 new trace added at the top' })).toBeAttached();
  // The other trace is stored (the unfiltered list has it) but never enters this view.
  const search = await request.post('/api/3.0/mlflow/traces/search', {
    data: { locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } }] },
  });
  expect(((await search.json()) as { traces: { trace_id: string }[] }).traces.map((t) => t.trace_id)).toContain(other);
  // One more matching trace after it proves the tail kept polling past the other one.
  const second = await otlpTrace(request, experimentId, 'checkout');
  await expect(row(page, second)).toBeVisible();
  await expect(dataRows(page)).toHaveCount(5);
  await expect(row(page, other)).toHaveCount(0);
  await page.screenshot({ path: '/tmp/live-tail-1280.png' });
  await expectNoSeriousAxeFindings(page, 'Traces with live tail');

  // Paused, nothing arrives; resumed, what arrived meanwhile catches up.
  await page.getByRole('button', { name: 'Live', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Live: paused' })).toHaveAttribute('aria-pressed', 'false');
  const whilePaused = await otlpTrace(request, experimentId, 'checkout');
  await page.getByRole('button', { name: 'Live: paused' }).click();
  await expect(row(page, whilePaused)).toBeVisible();
});

test('scrolled down, new traces wait behind an "N new traces" control that keeps the scroll position', async ({
  page,
  request,
}) => {
  const experimentId = await createExperiment(request, uniqueName('live-tail-scroll'));
  const now = Date.now();
  for (let batch = 0; batch < 5; batch++)
    await Promise.all(
      Array.from({ length: 10 }, (_, j) => {
        const i = batch * 10 + j;
        return logTrace(request, experimentId, {
          name: `step-${i}`,
          startMs: now - (60 - i) * 60_000,
          durationMs: 100,
        });
      }),
    );
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`/traces?experiment=${experimentId}`);
  await expect(dataRows(page).first()).toBeVisible();
  await grid(page).evaluate((element) => (element.scrollTop = 600));
  const firstVisible = await dataRows(page).first().getAttribute('id');

  const arrived = await otlpTrace(request, experimentId, 'late-arrival');
  const control = page.getByRole('button', { name: '1 new trace' });
  await expect(control).toBeVisible();
  await expect(row(page, arrived)).toHaveCount(0);
  await page.screenshot({ path: '/tmp/live-tail-new-control-1440.png' });
  await expectNoSeriousAxeFindings(page, 'Traces with new traces waiting');

  await control.click();
  await expect(control).toHaveCount(0);
  // The control is gone; keyboard focus is on the table, not lost to the page.
  await expect(grid(page)).toBeFocused();
  // The rows on screen stay where they were: the view moved down by exactly the row put above.
  await expect.poll(() => grid(page).evaluate((element) => element.scrollTop)).toBe(600 + 34);
  expect(await dataRows(page).first().getAttribute('id')).toBe(firstVisible);
  await grid(page).evaluate((element) => (element.scrollTop = 0));
  await expect(dataRows(page).first()).toHaveAttribute('id', `trace-row-${arrived}`);
  await page.screenshot({ path: '/tmp/live-tail-top-1440.png' });
});
