// Against the server started with --auth (playwright.config.ts, project "auth").
import type { APIRequestContext } from '@playwright/test';
import { expect, test } from './console-guard.ts';
import { createExperiment, logTrace, uniqueName } from './fixtures/seed-api.ts';
import { E2E_ADMIN } from '../playwright.config.ts';

const PASSWORD = 'reviewer-password-1';

async function asAdmin(
  playwright: { request: { newContext: (o: object) => Promise<APIRequestContext> } },
  baseURL: string,
) {
  const auth = `Basic ${Buffer.from(`${E2E_ADMIN.username}:${E2E_ADMIN.password}`).toString('base64')}`;
  return playwright.request.newContext({ baseURL, extraHTTPHeaders: { authorization: auth } });
}

async function traceInfo(admin: APIRequestContext, traceId: string) {
  const response = await admin.get(`/api/3.0/mlflow/traces/${traceId}`);
  expect(response.ok(), await response.text()).toBe(true);
  return (await response.json()).trace.trace_info as {
    tags: Record<string, string>;
    assessments?: { assessment_name: string; source: { source_id: string }; feedback?: { value: unknown } }[];
  };
}

test('a reviewer signs in on a deep link, lands on the same trace and rates it as themselves', async ({
  page,
  playwright,
  baseURL,
}) => {
  const admin = await asAdmin(playwright, baseURL!);
  const experimentId = await createExperiment(admin, uniqueName('auth-e2e'));
  const traceId = await logTrace(admin, experimentId, {
    name: 'needs review',
    startMs: Date.now() - 5_000,
    durationMs: 80,
  });
  const reviewer = uniqueName('reviewer');
  expect(
    (await admin.post('/api/2.0/mlflow/users/create', { data: { username: reviewer, password: PASSWORD } })).ok(),
  ).toBe(true);
  const grant = await admin.post('/api/2.0/mlflow/experiments/permissions/create', {
    data: { experiment_id: experimentId, username: reviewer, permission: 'EDIT' },
  });
  expect(grant.ok()).toBe(true);

  await page.goto(`/traces/${traceId}?experiment=${experimentId}`);
  const form = page.getByRole('form', { name: 'Sign in' });
  await expect(form).toBeVisible();
  await page.getByLabel('User name').fill(reviewer);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();

  await expect(page.getByRole('tree', { name: 'Span tree' })).toBeVisible();
  expect(new URL(page.url()).pathname).toBe(`/traces/${traceId}`);
  await expect(page.getByText(reviewer, { exact: true }).first()).toBeVisible();
  // No reviewer-id box: the signed-in user is the reviewer.
  await expect(page.getByLabel('Reviewer id')).toHaveCount(0);
  await page.getByRole('button', { name: 'Thumbs up' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Feedback saved.' })).toBeAttached();
  await expect
    .poll(async () =>
      (await traceInfo(admin, traceId)).assessments?.map((a) => [a.source.source_id, a.feedback?.value]),
    )
    .toEqual([[reviewer, true]]);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('form', { name: 'Sign in' })).toBeVisible();
  await admin.dispose();
});

test('a page on another port of the same host cannot write with the session cookie', async ({
  page,
  playwright,
  baseURL,
}) => {
  const admin = await asAdmin(playwright, baseURL!);
  const experimentId = await createExperiment(admin, uniqueName('auth-csrf'));
  const traceId = await logTrace(admin, experimentId, { name: 'target', startMs: Date.now() - 5_000, durationMs: 80 });
  await page.goto('/');
  await page.getByLabel('User name').fill(E2E_ADMIN.username);
  await page.getByLabel('Password').fill(E2E_ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();

  const setTag = (value: string) =>
    `fetch(${JSON.stringify(`${baseURL}/ajax-api/3.0/mlflow/traces/${traceId}/tags`)}, { method: 'PATCH', credentials: 'include', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ key: 'owner', value: ${JSON.stringify(value)} }) }).then((r) => r.status)`;
  // From the explorer itself the cookie works (this test can fail).
  expect(await page.evaluate(setTag('same-origin'))).toBe(200);

  // The other e2e server's page is another origin on the same host (same site, so the Lax cookie
  // travels). A text/plain POST needs no preflight: the browser sends it with the cookie.
  const attacker = await page.context().newPage();
  await attacker.goto(`http://127.0.0.1:${process.env.E2E_PORT ?? 5055}/health`);
  await attacker.evaluate(
    `fetch(${JSON.stringify(`${baseURL}/ajax-api/3.0/mlflow/traces/delete-traces`)}, { method: 'POST', credentials: 'include', mode: 'no-cors', headers: { 'Content-Type': 'text/plain' }, body: JSON.stringify({ experiment_id: ${JSON.stringify(experimentId)}, max_timestamp_millis: ${Date.now()} }) }).catch(() => undefined)`,
  );
  await attacker.close();
  const info = await traceInfo(admin, traceId);
  expect(info.tags.owner).toBe('same-origin');
  await admin.dispose();
});

test.describe('a wrong password', () => {
  // The refused sign-in is a 401, which Chromium logs as a failed resource.
  test.use({ expectedConsoleErrors: [/status of 401/] });

  test('is refused with a styled error box (its style is global, not in the trace detail chunk)', async ({ page }) => {
    await page.goto('/');
    await page.getByLabel('User name').fill(E2E_ADMIN.username);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await expect(alert).toContainText('Invalid user name or password');
    expect(await alert.evaluate((el) => getComputedStyle(el).backgroundColor)).not.toBe('rgba(0, 0, 0, 0)');
  });
});
