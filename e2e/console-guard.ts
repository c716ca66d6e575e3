import { test as base, expect } from '@playwright/test';

/**
 * Every e2e test ends with "no console errors and no failed requests": the fixture collects
 * them while the test runs and fails the test afterwards if any appeared.
 */
export const test = base.extend<{ consoleProblems: string[]; expectedConsoleErrors: RegExp[] }>({
  /**
   * Console errors a test expects, e.g. Chromium's "Failed to load resource … 404" when a test
   * stands in for a plain MLflow server that answers the extension probe with 404.
   */
  expectedConsoleErrors: [[], { option: true }],
  consoleProblems: [
    async ({ page, expectedConsoleErrors }, use) => {
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() !== 'error') return;
        if (expectedConsoleErrors.some((pattern) => pattern.test(message.text()))) return;
        problems.push(`console error: ${message.text()}`);
      });
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      page.on('requestfailed', (request) => {
        // Aborted requests are TanStack Query cancelling superseded queries, which is intended.
        if (request.failure()?.errorText === 'net::ERR_ABORTED') return;
        problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`);
      });
      await use(problems);
      expect(problems, 'console errors or failed requests').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
