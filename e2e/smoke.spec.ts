import { expect, test } from './console-guard.ts';

test('the explorer shell loads with its header and Traces tab', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('link', { name: 'trace-explorer' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Traces' })).toHaveAttribute('aria-current', 'page');
  await expect(page.getByRole('combobox', { name: 'Experiment' })).toBeVisible();
});

test('deep links load the app through the history fallback', async ({ page }) => {
  await page.goto('/compare?experiment=0');
  await expect(page.getByRole('link', { name: 'Compare versions' })).toHaveAttribute('aria-current', 'page');
});

test('the server answers health and unknown API paths with the MLflow envelope', async ({ request }) => {
  expect(await (await request.get('/health')).text()).toBe('OK');
  const response = await request.get('/api/2.0/mlflow/nope');
  expect(response.status()).toBe(404);
  expect(await response.json()).toMatchObject({ error_code: 'ENDPOINT_NOT_FOUND' });
});
