import { readFile } from 'node:fs/promises';
import type { APIRequestContext, Page } from '@playwright/test';
import { expectNoSeriousAxeFindings } from './axe.ts';
import { expect, test } from './console-guard.ts';
import { createExperiment, logFeedback, logTrace, uniqueName } from './fixtures/seed-api.ts';
import { parseCsv } from './fixtures/parse-csv.ts';

// Traces with an LLM span (model + token usage, no carried cost), so the server derives each
// trace's cost from its price table at ingest; version 2.0 uses more tokens than 1.0.
async function seed(request: APIRequestContext): Promise<string> {
  const experimentId = await createExperiment(request, uniqueName('export-cost'));
  const now = Date.now();
  for (let i = 0; i < 12; i++) {
    const version = i % 3 === 0 ? '1.0' : '2.0';
    const inputTokens = (version === '1.0' ? 1000 : 4000) + i * 10;
    const id = await logTrace(request, experimentId, {
      name: 'chat',
      startMs: now - 3_600_000 + i * 60_000,
      durationMs: 400 + i * 10,
      state: i === 4 ? 'ERROR' : 'OK',
      request: {
        messages: [{ role: 'user', content: i === 5 ? '=1+1 looks like a formula, "quoted", comma' : `q${i}` }],
      },
      response: { content: `a${i}` },
      metadata: { app_version: version, environment: i % 2 ? 'prod' : 'staging' },
      spans: [
        { name: 'chat', startOffsetMs: 0, durationMs: 400 + i * 10, type: 'CHAIN' },
        {
          name: 'llm',
          parent: 0,
          startOffsetMs: 10,
          durationMs: 300,
          type: 'LLM',
          attributes: {
            'gen_ai.request.model': 'gpt-4o-mini',
            'gen_ai.usage.input_tokens': inputTokens,
            'gen_ai.usage.output_tokens': 200,
          },
        },
      ],
    });
    if (i % 4 === 0) await logFeedback(request, id, { name: 'user_satisfaction', value: i % 8 === 0 });
  }
  return experimentId;
}

interface ApiTrace {
  trace_id: string;
  state: string;
  trace_metadata: Record<string, string>;
}

async function searchApi(request: APIRequestContext, experimentId: string, filter: string, orderBy?: string[]) {
  const traces: ApiTrace[] = [];
  let token: string | undefined;
  do {
    const response = await request.post('/api/3.0/mlflow/traces/search', {
      data: {
        locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } }],
        filter,
        max_results: 100,
        ...(orderBy ? { order_by: orderBy } : {}),
        ...(token ? { page_token: token } : {}),
      },
    });
    expect(response.ok()).toBe(true);
    const body = (await response.json()) as { traces?: ApiTrace[]; next_page_token?: string };
    traces.push(...(body.traces ?? []));
    token = body.next_page_token;
  } while (token);
  return traces;
}

const costOf = (t: ApiTrace) => JSON.parse(t.trace_metadata['mlflow.trace.cost'] ?? '{}').total_cost as number;

const grid = (page: Page) => page.getByRole('grid', { name: 'Traces' });
const dataRows = (page: Page) => grid(page).locator('[role="rowgroup"].grid-body [role="row"]');

async function rowIds(page: Page): Promise<string[]> {
  const rows = await dataRows(page).evaluateAll((els) =>
    els.map((el) => ({ index: Number(el.getAttribute('aria-rowindex')), id: el.id.replace(/^trace-row-/, '') })),
  );
  return rows.sort((a, b) => a.index - b.index).map((r) => r.id);
}

async function exportFile(page: Page, format: 'CSV' | 'JSONL', spans = false): Promise<string> {
  await page.getByRole('button', { name: 'Export', exact: true }).first().click();
  const dialog = page.getByRole('dialog', { name: /^Export/ });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText(/\d+ traces? matching/);
  await dialog.getByRole('radio', { name: new RegExp(`^${format}`) }).check();
  if (spans) await dialog.getByRole('checkbox', { name: 'Include spans' }).check();
  const download = page.waitForEvent('download');
  await dialog.getByRole('button', { name: 'Export', exact: true }).click();
  const text = await readFile(await (await download).path(), 'utf8');
  await expect(dialog.getByRole('status')).toContainText(/Exported \d+ traces/);
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toBeHidden();
  return text;
}

test.describe.configure({ timeout: 120_000 });

test('exports CSV and JSONL of a filter with the rows and fields the API returns', async ({ page, request }) => {
  const experimentId = await seed(request);
  const filter = "metadata.app_version = '2.0'";
  const api = await searchApi(request, experimentId, filter);
  expect(api).toHaveLength(8);
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto(`/traces?experiment=${experimentId}&q=${encodeURIComponent(filter)}`);
  await expect(dataRows(page)).toHaveCount(8);

  // The dialog, its column chooser and its accessibility, looked at in both sizes.
  await page.getByRole('button', { name: 'Export', exact: true }).first().click();
  const dialog = page.getByRole('dialog', { name: /^Export/ });
  await expect(
    dialog.getByRole('group', { name: 'Columns to export' }).getByRole('checkbox', { name: 'cost_usd' }),
  ).toBeChecked();
  await expect(dialog).toContainText('8 traces matching');
  await expectNoSeriousAxeFindings(page, 'export dialog');
  await page.screenshot({ path: '/tmp/export-dialog-1280.png' });
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.screenshot({ path: '/tmp/export-dialog-1440.png' });
  await dialog.getByRole('button', { name: 'Close' }).click();

  const [header, ...rows] = parseCsv(await exportFile(page, 'CSV'));
  expect(rows).toHaveLength(api.length);
  const col = (name: string) => header.indexOf(name);
  expect(rows.map((r) => r[col('trace_id')])).toEqual(api.map((t) => t.trace_id));
  for (const [i, t] of api.entries()) {
    expect(rows[i][col('state')]).toBe(t.state);
    expect(rows[i][col('version')]).toBe('2.0');
    expect(Number(rows[i][col('cost_usd')])).toBeCloseTo(costOf(t), 12);
    expect(rows[i][col('metadata.environment')]).toBe(t.trace_metadata.environment);
  }
  expect(header).toEqual(
    expect.arrayContaining(['request_preview', 'input_tokens', 'label.user_satisfaction', 'other']),
  );
  // The formula-looking request is written as text, not as a formula.
  expect(rows.map((r) => r[col('request_preview')]).find((p) => p.includes('formula'))).toMatch(/^'|^\{/);

  const lines = (await exportFile(page, 'JSONL', true))
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l));
  expect(lines.map((l) => l.info.trace_id)).toEqual(api.map((t) => t.trace_id));
  for (const line of lines) {
    expect(line.info.trace_metadata.app_version).toBe('2.0');
    expect(line.data.spans).toHaveLength(2);
  }
});

test('sorts the table by cost, server-side', async ({ page, request }) => {
  const experimentId = await seed(request);
  await page.setViewportSize({ width: 1440, height: 900 });
  // Cost is hidden by default (the default columns fit 1280 px): a link that names the columns shows it.
  await page.goto(
    `/traces?experiment=${experimentId}&cols=id,name,request,status,latency,start,user,version,environment,cost,tags,feedback`,
  );
  await expect(dataRows(page)).toHaveCount(12);
  await grid(page).getByRole('button', { name: 'Cost', exact: true }).click();
  await expect(grid(page).getByRole('columnheader', { name: /Cost/ })).toHaveAttribute('aria-sort', 'descending');
  await expect(page).toHaveURL(/sort=cost%3Adesc|sort=cost:desc/);
  const byCost = await searchApi(request, experimentId, '', ['cost DESC']);
  const costs = byCost.map(costOf);
  expect(costs).toEqual([...costs].sort((a, b) => b - a));
  await expect.poll(() => rowIds(page)).toEqual(byCost.map((t) => t.trace_id));
  await page.screenshot({ path: '/tmp/traces-cost-sorted-1440.png' });
  await grid(page).getByRole('button', { name: 'Cost', exact: true }).click();
  await expect(grid(page).getByRole('columnheader', { name: /Cost/ })).toHaveAttribute('aria-sort', 'ascending');
  await expect.poll(() => rowIds(page)).toEqual([...byCost].reverse().map((t) => t.trace_id));

  // Group rows carry the cost sum, and export their own traces.
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.getByRole('combobox', { name: 'Group by', exact: true }).selectOption('version');
  const header = page.getByRole('button', { name: /^▸?\s*1\.0/ });
  const v1 = byCost.filter((t) => t.trace_metadata.app_version === '1.0');
  const v1Total = v1.reduce((sum, t) => sum + costOf(t), 0);
  await expect(header).toContainText(/cost \$/);
  const shownTotal = Number(/cost \$([\d.]+)/.exec(await header.innerText())?.[1]);
  expect(shownTotal).toBeCloseTo(v1Total, 5);
  await page.screenshot({ path: '/tmp/traces-groups-cost-1280.png' });
  await page.getByRole('button', { name: 'Export traces where app_version is 1.0' }).click();
  const dialog = page.getByRole('dialog', { name: 'Export traces where app_version is 1.0' });
  await expect(dialog).toContainText('4 traces matching');
  await dialog.getByRole('radio', { name: /^JSONL/ }).check();
  const download = page.waitForEvent('download');
  await dialog.getByRole('button', { name: 'Export', exact: true }).click();
  const lines = (await readFile(await (await download).path(), 'utf8')).trimEnd().split('\n');
  expect(lines.map((l) => JSON.parse(l).info.trace_id).sort()).toEqual(v1.map((t) => t.trace_id).sort());
});

test('reads total cost per version in Compare', async ({ page, request }) => {
  const experimentId = await seed(request);
  const all = await searchApi(request, experimentId, '');
  const totals: Record<string, number> = {};
  for (const t of all) totals[t.trace_metadata.app_version] = (totals[t.trace_metadata.app_version] ?? 0) + costOf(t);
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto(`/compare?experiment=${experimentId}`);
  const table = page.locator('table.cost-table');
  await expect(table).toContainText('Cost per app_version');
  await expect(table.locator('tbody tr')).toHaveCount(2);
  for (const [version, total] of Object.entries(totals)) {
    const row = table.locator(`tbody tr[data-version="${version}"]`);
    await expect(row.locator('td').nth(0)).toHaveText(version === '1.0' ? '4' : '8');
    const shown = Number((await row.locator('td').nth(1).innerText()).replace('$', ''));
    expect(shown).toBeCloseTo(total, 4);
  }
  expect(totals['2.0']).toBeGreaterThan(totals['1.0']);
  await table.scrollIntoViewIfNeeded();
  await page.screenshot({ path: '/tmp/compare-cost-1280.png' });
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.screenshot({ path: '/tmp/compare-cost-1440.png' });
  await expectNoSeriousAxeFindings(page, 'Compare with cost');
});
