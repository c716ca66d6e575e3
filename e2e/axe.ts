import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect } from './console-guard.ts';

/**
 * Runs an axe-core scan of the page as it is now and fails on serious or critical findings,
 * naming each rule, its help text and the first offending elements, so a failure says what to
 * fix. Call it on every page and state a test visits (after that state has rendered).
 */
export async function expectNoSeriousAxeFindings(page: Page, state: string): Promise<void> {
  // Only violations are collected: passes and incomplete results cost most of a scan's time.
  const results = await new AxeBuilder({ page }).options({ resultTypes: ['violations'] }).analyze();
  const findings = results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.impact} ${violation.id}: ${violation.help} (${violation.nodes.length}×: ${violation.nodes
          .slice(0, 3)
          .map((node) => node.target.join(' '))
          .join(', ')})`,
    );
  expect(findings, `axe findings on ${state}`).toEqual([]);
}
