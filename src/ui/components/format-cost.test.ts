import { describe, expect, it } from 'vitest';
import { formatCost } from './format-cost.ts';

describe('formatCost', () => {
  it.each([
    [null, '—'],
    [undefined, '—'],
    [0, '$0'],
    [1234.5, '$1235'],
    [12.5, '$12.5'],
    [0.75, '$0.75'],
    [0.018, '$0.018'],
    [0.00125, '$0.00125'],
    [0.0012345, '$0.00123'],
    [0.000075, '$0.000075'],
    [0.00000042, '$0.00000042'],
  ])('%s → %s', (usd, text) => {
    expect(formatCost(usd)).toBe(text);
  });
});
