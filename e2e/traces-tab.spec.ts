import type { APIRequestContext, Page } from '@playwright/test';
import { expectNoSeriousAxeFindings } from './axe.ts';
import { expect, test } from './console-guard.ts';
import { createExperiment, logFeedback, logTrace, uniqueName } from './fixtures/seed-api.ts';

// Twelve traces over two environments, two versions and three sessions; one error per session
// in staging so the group aggregates have something to show.
interface Seeded {
  experimentId: string;
  traceIds: string[];
}

async function seed(request: APIRequestContext): Promise<Seeded> {
  const experimentId = await createExperiment(request, uniqueName('traces-tab'));
  const now = Date.now();
  const traceIds: string[] = [];
  for (let i = 0; i < 12; i++) {
    const environment = i % 3 === 0 ? 'staging' : 'prod';
    const version = i < 6 ? '1.0' : '1.1';
    const session = `session-${i % 3}`;
    const id = await logTrace(request, experimentId, {
      name: i % 2 === 0 ? 'chat' : 'summarize',
      startMs: now - (12 - i) * 60_000,
      durationMs: 100 + i * 50,
      state: environment === 'staging' && i % 2 === 0 ? 'ERROR' : 'OK',
      request: { question: `question number ${i}` },
      response: { answer: `answer ${i}` },
      metadata: {
        environment,
        app_version: version,
        'mlflow.trace.session': session,
        'mlflow.trace.user': `user-${i % 4}`,
      },
      tags: { team: i % 2 === 0 ? 'search' : 'core' },
    });
    traceIds.push(id);
  }
  await logFeedback(request, traceIds[0], { name: 'thumbs', value: true });
  await logFeedback(request, traceIds[3], { name: 'thumbs', value: false });
  return { experimentId, traceIds };
}

const grid = (page: Page) => page.getByRole('grid', { name: 'Traces' });
const dataRows = (page: Page) => grid(page).locator('[role="rowgroup"].grid-body [role="row"]');
const searchBar = (page: Page) => page.getByRole('combobox', { name: 'Filter' });
const suggestions = (page: Page) => page.getByRole('listbox', { name: 'Suggestions' });
const qParam = (page: Page) => new URL(page.url()).searchParams.get('q');

test('filters by environment and app version with the quick filters', async ({ page, request }) => {
  const { experimentId } = await seed(request);
  await page.goto(`/traces?experiment=${experimentId}`);
  await expect(dataRows(page)).toHaveCount(12);
  await expect(page.getByText('12 traces')).toBeVisible();
  await expectNoSeriousAxeFindings(page, 'Traces');

  await page.getByRole('combobox', { name: 'Environment', exact: true }).selectOption('prod');
  await expect(dataRows(page)).toHaveCount(8);
  expect(qParam(page)).toBe("metadata.environment = 'prod'");
  await expect(searchBar(page)).toHaveValue("metadata.environment = 'prod'");

  await page.getByRole('combobox', { name: 'App version', exact: true }).selectOption('1.1');
  await expect(dataRows(page)).toHaveCount(4);
  await expect(page.getByText('4 traces')).toBeVisible();
  expect(qParam(page)).toBe("metadata.environment = 'prod' AND metadata.app_version = '1.1'");

  // Clicking a value in the table adds its clause to the same filter.
  await dataRows(page).first().getByRole('button', { name: /user-/ }).click();
  await expect(searchBar(page)).toHaveValue(/metadata\.`mlflow\.trace\.user` = 'user-\d'/);
  await page.screenshot({ path: '/tmp/traces-filtered.png' });
});

test('a bad filter shows its diagnostic and does not run', async ({ page, request }) => {
  const { experimentId } = await seed(request);
  await page.goto(`/traces?experiment=${experimentId}`);
  await expect(dataRows(page)).toHaveCount(12);
  await searchBar(page).fill('status = OK');
  await searchBar(page).press('Enter');
  await expect(page.getByRole('alert')).toContainText('not quoted');
  await expect(page.locator('.tok-error')).toHaveText('OK');
  expect(qParam(page)).toBeNull();
  await page.screenshot({ path: '/tmp/traces-bad-filter.png' });
  // The fix-it quotes the value.
  await page.getByRole('button', { name: /^Fix/ }).click();
  await expect(searchBar(page)).toHaveValue("status = 'OK'");
  await searchBar(page).press('Enter');
  await expect(dataRows(page)).toHaveCount(10);
});

test('autocomplete inserts a key and a value from the catalog', async ({ page, request }) => {
  const { experimentId } = await seed(request);
  await page.goto(`/traces?experiment=${experimentId}`);
  await expect(dataRows(page)).toHaveCount(12);
  await searchBar(page).click();
  await searchBar(page).pressSequentially('metadata.app');
  await suggestions(page)
    .getByRole('option', { name: /metadata\.app_version/ })
    .click();
  await expect(searchBar(page)).toHaveValue('metadata.app_version ');
  await searchBar(page).pressSequentially('= ');
  await suggestions(page).getByRole('option', { name: /^1\.1/ }).click();
  await expect(searchBar(page)).toHaveValue("metadata.app_version = '1.1' ");
  await searchBar(page).press('Enter');
  await expect(dataRows(page)).toHaveCount(6);
  expect(qParam(page)).toBe("metadata.app_version = '1.1'");
});

test('group by session shows server aggregates and expands into traces', async ({ page, request }) => {
  const { experimentId } = await seed(request);
  await page.goto(`/traces?experiment=${experimentId}`);
  await expect(dataRows(page)).toHaveCount(12);
  await page.getByRole('combobox', { name: 'Group by', exact: true }).selectOption('session');
  const header = page.getByRole('button', { name: /^session-0/ });
  await expect(header).toContainText('traces 4');
  // session-0 holds traces 0, 3, 6, 9: all staging, errors on 0 and 6.
  await expect(header).toContainText('errors 50%');
  await expect(header.getByLabel('1 thumbs up, 1 thumbs down')).toBeVisible();
  await expect(header).toHaveAttribute('aria-expanded', 'false');
  await header.click();
  await expect(header).toHaveAttribute('aria-expanded', 'true');
  const groupGrid = page.getByRole('grid', { name: /mlflow\.trace\.session is session-0/ });
  await expect(groupGrid.locator('.grid-body [role="row"]')).toHaveCount(4);
  expect(new URL(page.url()).searchParams.get('group')).toBe('session');
  await expectNoSeriousAxeFindings(page, 'grouped Traces, one group expanded');
  await page.screenshot({ path: '/tmp/traces-grouped.png' });
});

test('the URL round trip restores filter, sort, grouping order and the open trace', async ({ page, request }) => {
  const { experimentId, traceIds } = await seed(request);
  await page.goto(`/traces?experiment=${experimentId}`);
  await expect(dataRows(page)).toHaveCount(12);
  await searchBar(page).fill("metadata.environment='prod'");
  await searchBar(page).press('Enter');
  await expect(dataRows(page)).toHaveCount(8);
  await grid(page).getByRole('button', { name: 'Latency', exact: true }).click();
  await expect(grid(page).getByRole('columnheader', { name: /Latency/ })).toHaveAttribute('aria-sort', 'descending');
  await page.getByRole('combobox', { name: 'Time range', exact: true }).selectOption('24h');
  // Let the refetch for the new range settle before walking the rows (under CI load it can lag).
  await expect(page).toHaveURL(/range=24h/);
  await expect(dataRows(page)).toHaveCount(8);
  // j/k walk the rows, Enter opens the trace beside the table.
  await grid(page).focus();
  await page.keyboard.press('j');
  await expect(grid(page).locator('.grid-body [role="row"].active')).toHaveCount(1);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/trace=tr-/);
  const link = page.url();
  const opened = new URL(link).searchParams.get('trace');
  expect(traceIds).toContain(opened);

  const other = await page.context().newPage();
  await other.goto(link);
  await expect(other.getByRole('combobox', { name: 'Filter' })).toHaveValue("metadata.environment = 'prod'");
  await expect(
    other.getByRole('grid', { name: 'Traces' }).getByRole('columnheader', { name: /Latency/ }),
  ).toHaveAttribute('aria-sort', 'descending');
  await expect(other.getByRole('combobox', { name: 'Time range', exact: true })).toHaveValue('24h');
  await expect(other.locator('[data-trace-detail]')).toBeVisible();
  await expect(other.locator('.grid-body [role="row"].open')).toHaveCount(1);
  await other.screenshot({ path: '/tmp/traces-roundtrip.png' });
  await other.close();

  // Back closes the trace again; forward reopens it.
  await page.goBack();
  await expect(page).not.toHaveURL(/trace=/);
  await page.goForward();
  await expect(page).toHaveURL(/trace=tr-/);
  await page.keyboard.press('Escape');
  await expect(page).not.toHaveURL(/trace=/);

  // Grouping and the group order travel in the link too; the second page must be as clean as the first.
  await page.getByRole('combobox', { name: 'Group by', exact: true }).selectOption('session');
  await page.getByRole('combobox', { name: 'Order groups by' }).selectOption('recent');
  await expect(page).toHaveURL(/gorder=recent/);
  const grouped = await page.context().newPage();
  const problems: string[] = [];
  grouped.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  grouped.on('requestfailed', (failed) => problems.push(`${failed.url()} ${failed.failure()?.errorText ?? ''}`));
  await grouped.goto(page.url());
  await expect(grouped.getByRole('combobox', { name: 'Group by', exact: true })).toHaveValue('session');
  await expect(grouped.getByRole('combobox', { name: 'Order groups by' })).toHaveValue('recent');
  await expect(grouped.getByRole('combobox', { name: 'Filter' })).toHaveValue("metadata.environment = 'prod'");
  await expect(grouped.getByRole('button', { name: /session-/ }).first()).toBeVisible();
  expect(problems).toEqual([]);
  await grouped.close();
});

test('dragging through the table shows plain stand-in rows, then full rows once scrolling settles', async ({
  page,
  request,
}) => {
  test.setTimeout(60_000);
  const experimentId = await createExperiment(request, uniqueName('traces-drag'));
  const now = Date.now();
  const jobs = Array.from(
    { length: 240 },
    (_, i) => () =>
      logTrace(request, experimentId, {
        name: `step-${i}`,
        startMs: now - i * 1_000,
        durationMs: 100 + i,
        state: 'OK',
        metadata: { environment: 'prod' },
      }),
  );
  for (let i = 0; i < jobs.length; i += 24) await Promise.all(jobs.slice(i, i + 24).map((job) => job()));
  await page.goto(`/traces?experiment=${experimentId}`);
  await expect(dataRows(page).first()).toBeVisible();
  // Jump a viewport and a half per frame, as dragging the scrollbar thumb does, and record
  // what the rows held in each frame.
  const frames = await grid(page).evaluate(async (element) => {
    const seen: number[] = [];
    for (let i = 0; i < 5; i++) {
      element.scrollTop += element.clientHeight * 1.5;
      await new Promise((resolve) => requestAnimationFrame(resolve));
      seen.push(element.querySelectorAll('.grid-cell-light').length);
    }
    return seen;
  });
  expect(Math.max(...frames)).toBeGreaterThan(0);
  // Settled: every row on screen is a full row again (its trace id has a copy button).
  await expect(grid(page).locator('.grid-cell-light')).toHaveCount(0);
  await expect(
    dataRows(page)
      .first()
      .getByRole('button', { name: /Copy trace id/ }),
  ).toBeVisible();
});
