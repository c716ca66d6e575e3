import type { APIRequestContext, Page } from '@playwright/test';
import { expectNoSeriousAxeFindings } from './axe.ts';
import { expect, test } from './console-guard.ts';
import { createExperiment, logTrace, uniqueName } from './fixtures/seed-api.ts';

// Saved views end to end: a grouped, filtered view with a tag column is saved from the picker,
// survives a reload, opens from the picker and as a link in a fresh browser, shows "modified"
// until reverted, and becomes what `/` opens. Sorting by a tag column goes through the server.
async function seed(request: APIRequestContext): Promise<string> {
  const experimentId = await createExperiment(request, uniqueName('saved-views'));
  const now = Date.now();
  for (let i = 0; i < 12; i++) {
    await logTrace(request, experimentId, {
      name: i % 2 === 0 ? 'chat' : 'summarize',
      startMs: now - (12 - i) * 60_000,
      durationMs: 100 + i * 50,
      request: { question: `question ${i}` },
      response: { answer: `answer ${i}` },
      metadata: { environment: i % 3 === 0 ? 'staging' : 'prod', app_version: i < 6 ? '1.0' : '1.1' },
      tags: { team: i % 4 === 0 ? 'core' : 'search' },
    });
  }
  return experimentId;
}

// Axe scans and a second browser take their time on a shared machine.
test.describe.configure({ timeout: 150_000 });

const grid = (page: Page) => page.getByRole('grid', { name: 'Traces' });
const dataRows = (page: Page) => grid(page).locator('[role="rowgroup"].grid-body [role="row"]');
const searchBar = (page: Page) => page.getByRole('combobox', { name: 'Filter' });
const groupBy = (page: Page) => page.getByRole('combobox', { name: 'Group by', exact: true });
const pickerSummary = (page: Page) => page.locator('.saved-views-menu > summary');
const param = (page: Page, name: string) => new URL(page.url()).searchParams.get(name);

async function addTagColumn(page: Page, key: string) {
  await page.locator('.column-chooser > summary').click();
  await page.getByRole('combobox', { name: 'Tag key to show as a column' }).fill(key);
  await page.getByRole('button', { name: 'Add column' }).click();
  await page.locator('.column-chooser > summary').click();
  await expect(page.getByRole('columnheader', { name: key })).toBeVisible();
}

test('save a grouped, filtered view; reload; open it from the picker; modified until reverted', async ({
  page,
  request,
}) => {
  const experimentId = await seed(request);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`/traces?experiment=${experimentId}`);
  await expect(dataRows(page)).toHaveCount(12);
  await addTagColumn(page, 'team');
  await searchBar(page).fill("metadata.environment = 'prod'");
  await searchBar(page).press('Enter');
  await expect(dataRows(page)).toHaveCount(8);
  await groupBy(page).selectOption('version');
  await expect(page.getByRole('group', { name: /app_version: 1\.1/ })).toBeVisible();

  await pickerSummary(page).click();
  await expect(page.getByText('No saved views in this experiment yet.')).toBeVisible();
  await expectNoSeriousAxeFindings(page, 'saved views picker open');
  await page.getByRole('textbox', { name: 'Name of the new view' }).fill('Prod by version');
  await page.getByRole('button', { name: 'Save view' }).click();
  await expect(pickerSummary(page)).toHaveAccessibleName('Saved view: Prod by version');
  const viewId = param(page, 'saved');
  expect(viewId).toMatch(/^sv-/);
  // The link names the view and still carries every parameter.
  expect(param(page, 'q')).toBe("metadata.environment = 'prod'");
  expect(param(page, 'group')).toBe('version');
  expect(param(page, 'cols')).toContain('tag%3Ateam');

  await page.reload();
  await expect(pickerSummary(page)).toHaveAccessibleName('Saved view: Prod by version');
  await expect(groupBy(page)).toHaveValue('version');
  await expect(searchBar(page)).toHaveValue("metadata.environment = 'prod'");

  // From a plain page, the picker opens it.
  await page.goto(`/traces?experiment=${experimentId}`);
  await expect(dataRows(page)).toHaveCount(12);
  await pickerSummary(page).click();
  await page.getByRole('link', { name: 'Prod by version' }).click();
  await expect(groupBy(page)).toHaveValue('version');
  await expect(searchBar(page)).toHaveValue("metadata.environment = 'prod'");
  expect(param(page, 'saved')).toBe(viewId);

  // Editing the filter marks the view modified until reverted.
  await searchBar(page).fill("metadata.environment = 'staging'");
  await searchBar(page).press('Enter');
  await expect(pickerSummary(page)).toHaveAccessibleName('Saved view: Prod by version (modified)');
  await expect(page.getByText('modified', { exact: true })).toBeVisible();
  await page.screenshot({ path: '/tmp/saved-views-modified-1440.png' });
  await page.getByRole('button', { name: 'Revert' }).click();
  await expect(searchBar(page)).toHaveValue("metadata.environment = 'prod'");
  await expect(pickerSummary(page)).toHaveAccessibleName('Saved view: Prod by version');
});

/** A view saved through the API, as another person on the team would have saved it. */
async function saveViewByApi(request: APIRequestContext, experimentId: string): Promise<string> {
  const response = await request.post('/ajax-api/trace-explorer/v1/saved-views/create', {
    data: {
      experiment_id: experimentId,
      name: 'Prod by version',
      body: {
        version: 1,
        tab: 'traces',
        params: { q: "metadata.environment = 'prod'", group: 'version', cols: 'id,name,status,tag%3Ateam' },
      },
    },
  });
  expect(response.ok()).toBe(true);
  return ((await response.json()) as { view: { view_id: string } }).view.view_id;
}

test('a view link works in a fresh browser', async ({ request, browser }) => {
  const experimentId = await seed(request);
  const viewId = await saveViewByApi(request, experimentId);
  const link = `/traces?experiment=${experimentId}&q=${encodeURIComponent("metadata.environment = 'prod'")}&group=version&cols=${encodeURIComponent('id,name,status,tag%3Ateam')}&saved=${viewId}`;
  // A fresh browser (no preferences, no cache) gets the same view from the link alone.
  const fresh = await browser.newContext();
  try {
    const other = await fresh.newPage();
    await other.goto(link);
    await expect(groupBy(other)).toHaveValue('version');
    await expect(searchBar(other)).toHaveValue("metadata.environment = 'prod'");
    await expect(pickerSummary(other)).toHaveAccessibleName('Saved view: Prod by version');
    await other
      .getByRole('group', { name: /app_version: 1\.1/ })
      .getByRole('button')
      .first()
      .click();
    const nested = other.getByRole('grid', { name: /app_version is 1\.1/ });
    await expect(nested.getByRole('columnheader', { name: /^team/ })).toBeVisible();
    await expect(nested.getByRole('columnheader', { name: /^User/ })).toHaveCount(0);
  } finally {
    await fresh.close();
  }
});

test("the experiment's default view is what / opens", async ({ page, request }) => {
  const experimentId = await seed(request);
  const viewId = await saveViewByApi(request, experimentId);
  await page.goto(`/traces?experiment=${experimentId}`);
  await expect(dataRows(page)).toHaveCount(12);
  await pickerSummary(page).click();
  await page.getByRole('link', { name: 'Prod by version' }).click();
  await expect(pickerSummary(page)).toHaveAccessibleName('Saved view: Prod by version');
  await pickerSummary(page).click();
  await page.getByRole('button', { name: 'Make default' }).click();
  await expect(page.locator('.saved-views-tag', { hasText: 'default' })).toBeVisible();
  // This browser used the experiment last, so `/` opens it, on its default view.
  await page.goto('/');
  await expect(page).toHaveURL(new RegExp(`saved=${viewId}`));
  await expect(groupBy(page)).toHaveValue('version');
  // A bare /queues opens the same experiment's queues (it had opened experiment 0), without a saved view.
  await page.goto('/queues');
  await expect.poll(() => param(page, 'experiment')).toBe(experimentId);
  expect(param(page, 'saved')).toBeNull();
  await expect(page.getByRole('heading', { name: 'Review queues' })).toBeVisible();
});

test('sort by a tag column through the server, both directions', async ({ page, request }) => {
  const experimentId = await seed(request);
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto(`/traces?experiment=${experimentId}`);
  await expect(dataRows(page)).toHaveCount(12);
  await addTagColumn(page, 'team');
  const teamCells = () =>
    dataRows(page)
      .locator('button.filter-value:not([data-key])')
      .filter({ hasText: /^(core|search)$/ });

  await grid(page).getByRole('button', { name: 'team', exact: true }).click();
  await expect.poll(() => param(page, 'sort')).toBe('tag:team:asc');
  await expect(grid(page).getByRole('columnheader', { name: /^team/ })).toHaveAttribute('aria-sort', 'ascending');
  await expect(teamCells()).toHaveText([...Array(3).fill('core'), ...Array(9).fill('search')]);

  await grid(page).getByRole('button', { name: 'team', exact: true }).click();
  await expect(grid(page).getByRole('columnheader', { name: /^team/ })).toHaveAttribute('aria-sort', 'descending');
  await expect(teamCells()).toHaveText([...Array(9).fill('search'), ...Array(3).fill('core')]);
  await expectNoSeriousAxeFindings(page, 'Traces sorted by a tag column');

  // The picker at 1280×720, open over the sorted table.
  await pickerSummary(page).click();
  await page.screenshot({ path: '/tmp/saved-views-picker-1280.png' });
  // The drop-downs close like menus: Esc with focus on their summary (focus stays there), a press outside.
  await expect(page.locator('.saved-views-panel')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.locator('.saved-views-panel')).toBeHidden();
  await expect(pickerSummary(page)).toBeFocused();
  await page.locator('.column-chooser > summary').click();
  await expect(page.getByRole('button', { name: 'Add column' })).toBeVisible();
  await page.locator('.match-count').click();
  await expect(page.getByRole('button', { name: 'Add column' })).toBeHidden();
});
