import type { APIRequestContext, Page } from '@playwright/test';
import { expectNoSeriousAxeFindings } from './axe.ts';
import { expect, test } from './console-guard.ts';
import { createExperiment, logFeedback, logTrace, uniqueName } from './fixtures/seed-api.ts';

// Three versions with clearly ordered error rates (like the demo: 1.1.0 worst, 1.2.0 best),
// two environments, and some 👍/👎 feedback, all sent through the real ingestion API.
const PLAN = [
  { version: '1.0.0', traces: 20, errors: 2, medianMs: 800, environment: (i: number) => (i % 2 ? 'prod' : 'staging') },
  { version: '1.1.0', traces: 20, errors: 6, medianMs: 1400, environment: () => 'prod' },
  { version: '1.2.0', traces: 20, errors: 1, medianMs: 500, environment: () => 'staging' },
] as const;

async function seed(request: APIRequestContext, name: string): Promise<string> {
  const experimentId = await createExperiment(request, uniqueName(name));
  const now = Date.now();
  const jobs = PLAN.flatMap((plan, v) =>
    Array.from({ length: plan.traces }, (_, i) => async () => {
      const traceId = await logTrace(request, experimentId, {
        name: 'chat',
        // Spread over the last three hours so the time charts have several buckets.
        startMs: now - 3 * 3_600_000 + (v * plan.traces + i) * 150_000,
        durationMs: Math.round(plan.medianMs * (0.6 + ((i * 37) % 80) / 100)),
        state: i < plan.errors ? 'ERROR' : 'OK',
        metadata: { app_version: plan.version, environment: plan.environment(i) },
      });
      if (i % 5 === 0) await logFeedback(request, traceId, { name: 'user_satisfaction', value: i % 10 === 0 });
    }),
  );
  // A few at a time: enough to be quick, few enough not to trip the server's limits.
  for (let i = 0; i < jobs.length; i += 20) await Promise.all(jobs.slice(i, i + 20).map((job) => job()));
  return experimentId;
}

// Seeding 60 traces through the real API takes a few seconds on two cores.
test.describe.configure({ timeout: 120_000 });

const versionTable = (page: Page) => page.getByRole('table', { name: /^Per / });

async function errorRates(page: Page): Promise<Record<string, number>> {
  const rows = versionTable(page).locator('tbody tr');
  const rates: Record<string, number> = {};
  for (const row of await rows.all()) {
    const version = (await row.getAttribute('data-version')) ?? '';
    const cell = await row.locator('td').nth(2).innerText();
    rates[version] = Number(/([\d.]+)%/.exec(cell)?.[1]);
  }
  return rates;
}

test('three versions appear with the seeded error-rate order', async ({ page, request }) => {
  const experimentId = await seed(request, 'compare-order');
  await page.goto(`/compare?experiment=${experimentId}`);
  await expect(versionTable(page).locator('tbody tr')).toHaveCount(3);
  const rates = await errorRates(page);
  expect(rates).toEqual({ '1.0.0': 10, '1.1.0': 30, '1.2.0': 5 });
  expect(rates['1.1.0']).toBeGreaterThan(rates['1.0.0']);
  expect(rates['1.0.0']).toBeGreaterThan(rates['1.2.0']);
  await expect(
    page.getByRole('figure', { name: /Error rate by app_version/ }).locator('.recharts-bar-rectangle'),
  ).toHaveCount(3);
  await expect(page.getByRole('figure', { name: /Error rate over time/ }).locator('.recharts-line')).toHaveCount(3);
  await page.screenshot({ path: '/tmp/compare-three-versions.png', fullPage: true });

  // Dragging across a trend chart sets a custom time range around the selected buckets. Start
  // from a window the seeded traces fill, so that the drag starts and ends on buckets with data.
  const windowFrom = Date.now() - 3.5 * 3_600_000;
  await page.goto(`/compare?experiment=${experimentId}&from=${Math.floor(windowFrom)}&to=${Date.now()}`);
  await expect(page.getByRole('figure', { name: /Error rate over time/ }).locator('.recharts-line')).toHaveCount(3);
  const trend = page.getByRole('figure', { name: /Error rate over time/ }).locator('.recharts-wrapper');
  await trend.scrollIntoViewIfNeeded();
  const box = (await trend.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.15, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 8 });
  await page.mouse.move(box.x + box.width * 0.97, box.y + box.height / 2, { steps: 8 });
  await page.mouse.up();
  await expect(page).not.toHaveURL(new RegExp(`from=${Math.floor(windowFrom)}`));
  const url = new URL(page.url());
  expect(Number(url.searchParams.get('from'))).toBeGreaterThan(windowFrom);
  expect(Number(url.searchParams.get('to'))).toBeGreaterThan(Number(url.searchParams.get('from')));
  await expect(page.getByRole('combobox', { name: 'Time range' })).toHaveValue('custom');
  await expect(versionTable(page).locator('tbody tr')).not.toHaveCount(0);
});

test('Compare and Traces lead into each other: highlight, show these traces, compare again', async ({
  page,
  request,
}) => {
  const experimentId = await seed(request, 'compare-walk');
  await page.goto(`/compare?experiment=${experimentId}&range=24h`);
  const bars = page.getByRole('figure', { name: /Error rate by app_version/ }).locator('.recharts-bar-rectangle path');
  // The charts load lazily (Recharts is its own chunk): allow for a busy machine.
  await expect(bars).toHaveCount(3, { timeout: 20_000 });
  await expectNoSeriousAxeFindings(page, 'Compare');

  // A click highlights the version; the comparison keeps all three.
  await bars.nth(1).click();
  await expect(page).toHaveURL(/highlight=1\.1\.0/);
  expect(new URL(page.url()).searchParams.get('q')).toBeNull();
  await expect(versionTable(page).locator('tbody tr')).toHaveCount(3);
  await expect(versionTable(page).locator('tr.is-highlighted')).toHaveAttribute('data-version', '1.1.0');
  await expect(page.getByText(/Only one value of/)).toHaveCount(0);
  await expectNoSeriousAxeFindings(page, 'Compare with a highlighted version');

  // "Show these traces": the Traces tab with that version and the same window.
  await page.getByRole('status').getByRole('link', { name: 'Show these traces' }).click();
  await expect(page).toHaveURL(/\/traces\?/);
  expect(new URL(page.url()).searchParams.get('q')).toBe("metadata.app_version = '1.1.0'");
  expect(new URL(page.url()).searchParams.get('range')).toBe('24h');
  await expect(page.locator('.match-count')).toHaveText('20 traces');
  // Quick-filter counts follow the filter: 1.1.0 runs in prod only, all 20 of them.
  const environment = page.getByRole('combobox', { name: 'Environment', exact: true });
  await expect(environment.locator('option')).toHaveText(['Any', 'prod (20)']);
  await expect(page.getByRole('combobox', { name: 'App version', exact: true }).locator('option')).toContainText([
    '1.1.0 (20)',
  ]);
  await expectNoSeriousAxeFindings(page, 'Traces narrowed from Compare');

  // "Compare versions" keeps the filter: the pinned version is the highlight, not the only row.
  await page.getByRole('link', { name: 'Compare versions' }).click();
  await expect(page).toHaveURL(/\/compare\?/);
  const back = new URL(page.url()).searchParams;
  expect(back.get('highlight')).toBe('1.1.0');
  expect(back.get('range')).toBe('24h');
  expect(back.get('q')).toBeNull();
  await expect(versionTable(page).locator('tbody tr')).toHaveCount(3);
  await expect(versionTable(page).locator('tr.is-highlighted')).toHaveAttribute('data-version', '1.1.0');
});

test('switching the key to environment redraws the comparison', async ({ page, request }) => {
  const experimentId = await seed(request, 'compare-key');
  await page.goto(`/compare?experiment=${experimentId}`);
  await expect(versionTable(page).locator('tbody tr')).toHaveCount(3);
  await page.getByRole('combobox', { name: 'Compare by' }).selectOption('metadata.environment');
  await expect(page).toHaveURL(/key=metadata.environment/);
  await expect(versionTable(page).locator('tbody tr')).toHaveCount(2);
  await expect(versionTable(page).locator('tbody tr').first()).toHaveAttribute('data-version', 'prod');
  // prod: 10 of 1.0.0 (1 error) + 20 of 1.1.0 (6 errors) = 7/30.
  const rates = await errorRates(page);
  expect(rates.prod).toBeCloseTo(23.3, 1);
  await expect(
    page.getByRole('figure', { name: /Error rate by environment/ }).locator('.recharts-bar-rectangle'),
  ).toHaveCount(2);
  await page.screenshot({ path: '/tmp/compare-environment.png', fullPage: true });

  // A legend entry of a trend chart highlights that value, like a bar does.
  await page
    .getByRole('figure', { name: /Error rate over time/ })
    .locator('.recharts-legend-item', { hasText: 'staging' })
    .click();
  await expect(page).toHaveURL(/highlight=staging/);
  await expect(versionTable(page).locator('tbody tr')).toHaveCount(2);
  await expect(versionTable(page).locator('tr.is-highlighted')).toHaveAttribute('data-version', 'staging');
  await expectNoSeriousAxeFindings(page, 'Compare by environment');
});

test('on the demo data set the versions rank by error rate as the demo seeds them', async ({ page, baseURL }) => {
  // The real demo generator, sent through the SDK (OTLP spans + StartTraceV3 + assessments REST),
  // small enough to seed in a few seconds; its own summary is the expected answer.
  test.setTimeout(90_000);
  const { seedDemo } = await import('../scripts/demo/seed-demo.ts');
  const { shutdown } = await import('../src/sdk/index.ts');
  const result = await seedDemo({ trackingUri: baseURL!, traces: 600, experimentName: uniqueName('compare-demo') });
  await shutdown();
  expect(result.failedTraces).toBe(0);

  await page.goto(`/compare?experiment=${result.experimentId}`);
  await expect(versionTable(page).locator('tbody tr')).toHaveCount(3);
  const rates = await errorRates(page);
  const seeded = result.summary.byVersion;
  // Both sides round to 0.1 percentage points.
  for (const version of ['1.0.0', '1.1.0', '1.2.0'])
    expect(Math.abs(rates[version] - seeded[version].errorRate * 100)).toBeLessThanOrEqual(0.11);
  // The story the demo tells: 1.1.0 regressed, 1.2.0 fixed it.
  expect(rates['1.1.0']).toBeGreaterThan(rates['1.0.0']);
  expect(rates['1.0.0']).toBeGreaterThan(rates['1.2.0']);
});
