import type { APIRequestContext, Page } from '@playwright/test';
import { expect, test } from './console-guard.ts';
import { createExperiment, logTrace, uniqueName } from './fixtures/seed-api.ts';

// Issue 16: the search bar is honest. Each mistake a person makes gets a diagnostic and a fix that
// applies in one click; a filter that cannot run never leaves old results looking current; `/`
// opens an experiment with data; a plain MLflow server is not offered what it cannot do.

interface Seeded {
  experimentId: string;
  traceIds: string[];
  /** A date (no zone, read as UTC) between the second and the third trace's start. */
  cutoff: string;
}

async function seed(request: APIRequestContext): Promise<Seeded> {
  const experimentId = await createExperiment(request, uniqueName('search-honesty'));
  const now = Date.now();
  const rows = [
    { state: 'ERROR', env: 'production', user: 'user_0003', session: 's-1', ms: 2500, llm: true },
    { state: 'OK', env: 'production', user: 'user_0001', session: 's-1', ms: 300, llm: true },
    { state: 'OK', env: 'staging', user: 'user_0002', session: 's-2', ms: 3000, llm: false },
    { state: 'OK', env: 'staging', user: 'user_0003', session: 's-3', ms: 100, llm: false },
  ] as const;
  const traceIds: string[] = [];
  for (const [i, row] of rows.entries()) {
    const startMs = now - (i + 1) * 60_000;
    traceIds.push(
      await logTrace(request, experimentId, {
        name: `trace-${i}`,
        startMs,
        durationMs: row.ms,
        state: row.state,
        metadata: { environment: row.env, 'mlflow.trace.user': row.user, 'mlflow.trace.session': row.session },
        spans: [
          { name: 'agent', startOffsetMs: 0, durationMs: row.ms, type: 'CHAIN' },
          row.llm
            ? { name: 'call_llm', parent: 0, startOffsetMs: 1, durationMs: 50, type: 'CHAT_MODEL' }
            : { name: 'lookup', parent: 0, startOffsetMs: 1, durationMs: 20, type: 'TOOL' },
        ],
      }),
    );
  }
  const cutoff = new Date(now - 150_000).toISOString().slice(0, 19);
  return { experimentId, traceIds, cutoff };
}

const grid = (page: Page) => page.getByRole('grid', { name: 'Traces' });
const dataRows = (page: Page) => grid(page).locator('[role="rowgroup"].grid-body [role="row"]');
const searchBar = (page: Page) => page.getByRole('combobox', { name: 'Filter' });
const qParam = (page: Page) => new URL(page.url()).searchParams.get('q');
const barMessage = (page: Page) => page.locator('.search-message');

test('every mistake gets a diagnostic and a one-click fix that changes the results', async ({ page, request }) => {
  // Ten mistakes, each typed, fixed and cleared against the real server: about a minute when idle.
  test.setTimeout(180_000);
  const { experimentId, traceIds, cutoff } = await seed(request);
  const cases: [typed: string, message: RegExp, fixed: string, rows: number][] = [
    ["state = 'ERROR'", /Invalid attribute key 'state'/, "status = 'ERROR'", 1],
    ['latency > 2000', /Invalid attribute key 'latency'/, 'execution_time_ms > 2000', 2],
    ["user = 'user_0003'", /Invalid attribute key 'user'/, "metadata.`mlflow.trace.user` = 'user_0003'", 2],
    ["environment = 'production'", /Invalid attribute key 'environment'/, "metadata.environment = 'production'", 2],
    ["session = 's-2'", /Invalid attribute key 'session'/, "metadata.`mlflow.trace.session` = 's-2'", 1],
    [`trace_id = '${traceIds[3]}'`, /Invalid attribute key 'trace_id'/, `request_id = '${traceIds[3]}'`, 1],
    ["tags.environment = 'production'", /metadata\.environment exists/, "metadata.environment = 'production'", 2],
    ["status = 'error'", /No trace status is 'error'/, "status = 'ERROR'", 1],
    [`timestamp_ms > '${cutoff}'`, /is not a number/, `timestamp_ms > ${Date.parse(`${cutoff}Z`)}`, 2],
    ["span.type = 'LLM'", /No span type is 'LLM'/, "span.type = 'CHAT_MODEL'", 2],
  ];
  await page.goto(`/traces?experiment=${experimentId}`);
  await expect(dataRows(page)).toHaveCount(4);
  for (const [typed, message, fixed, rows] of cases) {
    await searchBar(page).fill(typed);
    // A comparison is a filter, never a text search, and the bar says so.
    await expect(page.getByTestId('search-mode')).toHaveText('Filter');
    await expect(barMessage(page)).toContainText(message);
    const fix = barMessage(page).getByRole('button', { name: /^Fix: use / });
    // The menu never covers the diagnostic or its fix.
    await expect(fix).toBeVisible();
    await fix.click({ trial: true });
    await fix.click();
    await expect.poll(() => qParam(page)).toBe(fixed);
    await expect(dataRows(page)).toHaveCount(rows);
    // Back to everything for the next mistake.
    await searchBar(page).fill('');
    await searchBar(page).press('Enter');
    await expect(dataRows(page)).toHaveCount(4);
  }
  await page.screenshot({ path: '/tmp/search-fixed.png' });
});

test('text that is not a comparison is a text search, and the bar says so', async ({ page, request }) => {
  const { experimentId } = await seed(request);
  await page.goto(`/traces?experiment=${experimentId}`);
  await searchBar(page).fill('timeout while calling');
  await expect(page.getByTestId('search-mode')).toHaveText('Searching text for “timeout while calling”');
  await searchBar(page).press('Enter');
  await expect.poll(() => qParam(page)).toBe("trace.text ILIKE '%timeout while calling%'");
  await expect(page.getByTestId('search-mode')).toHaveText('Searching text for “timeout while calling”');
});

test('a broken filter marks the results on screen as stale', async ({ page, request }) => {
  const { experimentId } = await seed(request);
  await page.goto(`/traces?experiment=${experimentId}&q=${encodeURIComponent("status = 'OK'")}`);
  await expect(dataRows(page)).toHaveCount(3);
  await searchBar(page).fill("state = 'ERROR' AND");
  await searchBar(page).press('Enter');
  const notice = page.locator('#traces-stale-notice');
  await expect(notice).toContainText('Not applied: the filter has an error.');
  await expect(notice).toContainText("status = 'OK'");
  await expect(page.locator('.traces-table-area')).toHaveClass(/\bstale\b/);
  // The error stays readable with the menu open.
  await searchBar(page).press('ArrowDown');
  await expect(barMessage(page).locator('.search-error')).toBeVisible();
  await page.screenshot({ path: '/tmp/search-stale.png' });
  await searchBar(page).press('Escape');
  await searchBar(page).press('Escape');
  await expect(notice).toHaveCount(0);
  await expect(page.locator('.traces-table-area')).not.toHaveClass(/\bstale\b/);
});

test('an empty search says why and offers the fix', async ({ page, request }) => {
  const { experimentId } = await seed(request);
  await page.goto(`/traces?experiment=${experimentId}&q=${encodeURIComponent("span.type = 'LLM'")}`);
  const reasons = page.getByRole('list', { name: 'Why it might be empty' });
  await expect(reasons).toContainText("No span type is 'LLM'");
  await reasons.getByRole('button', { name: "Fix: use 'CHAT_MODEL'" }).click();
  await expect(dataRows(page)).toHaveCount(2);
});

test('/ opens the experiment with the newest trace, then the one used last', async ({ page, request }) => {
  const experimentId = await createExperiment(request, uniqueName('landing'));
  // Newer than anything the other tests seed, so it is the newest trace of the whole server.
  await logTrace(request, experimentId, { name: 'newest', startMs: Date.now() + 86_400_000, durationMs: 10 });
  await page.goto('/');
  await expect.poll(() => new URL(page.url()).searchParams.get('experiment')).toBe(experimentId);
  await expect(dataRows(page)).toHaveCount(1);

  const other = await createExperiment(request, uniqueName('landing-other'));
  await page.goto(`/traces?experiment=${other}`);
  // An empty experiment says so, and how to send to it, rather than "no traces match".
  const status = page.getByRole('status').filter({ hasText: 'No traces in this experiment yet.' });
  await expect(status).toContainText(`x-mlflow-experiment-id: ${other}`);
  await expect(status).toContainText('/v1/traces');
  await page.goto('/');
  await expect.poll(() => new URL(page.url()).searchParams.get('experiment')).toBe(other);
});

test.describe('against a plain MLflow server', () => {
  // The stand-in answers every extension endpoint with MLflow's 404, which Chromium logs.
  test.use({ expectedConsoleErrors: [/Failed to load resource: the server responded with a status of 404/] });

  test('grouping, counts and quick filters are not offered, and a grouped link explains', async ({ page, request }) => {
    const { experimentId } = await seed(request);
    await page.route('**/trace-explorer/v1/**', (route) =>
      route.fulfill({
        status: 404,
        contentType: 'application/json',
        body: JSON.stringify({ error_code: 'ENDPOINT_NOT_FOUND', message: 'Not found' }),
      }),
    );
    await page.goto(`/traces?experiment=${experimentId}&group=session`);
    await expect(page.getByText(/Grouping needs a trace-explorer server/)).toBeVisible();
    await expect(dataRows(page)).toHaveCount(4);
    await expect(page.getByRole('combobox', { name: 'Group by' })).toHaveCount(0);
    await expect(page.getByRole('combobox', { name: 'Environment', exact: true })).toHaveCount(0);
    await expect(page.getByText(/Not found/)).toHaveCount(0);
    await page.getByRole('link', { name: 'Compare versions' }).click();
    await expect(page.getByText(/Comparing versions needs a trace-explorer server/)).toBeVisible();
  });
});
