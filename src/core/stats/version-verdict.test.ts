import { describe, expect, it } from 'vitest';
import { compareErrorRates, compareLatency } from './version-verdict.ts';

describe('compareErrorRates', () => {
  it.each([
    { base: [10, 100], cand: [20, 100], verdict: 'regression' },
    { base: [20, 100], cand: [10, 100], verdict: 'improvement' },
    { base: [10, 100], cand: [14, 100], verdict: 'no-significant-difference' },
    { base: [0, 40], cand: [0, 40], verdict: 'no-significant-difference' },
  ] as const)('$base vs $cand → $verdict', ({ base, cand, verdict }) => {
    const result = compareErrorRates({ errors: base[0], count: base[1] }, { errors: cand[0], count: cand[1] });
    expect(result?.verdict).toBe(verdict);
  });

  it('honours alpha', () => {
    // p ≈ 0.0477: significant at 0.05, not at 0.01.
    expect(compareErrorRates({ errors: 10, count: 100 }, { errors: 20, count: 100 }, 0.01)?.verdict).toBe(
      'no-significant-difference',
    );
  });

  it('is undefined when a side has no traces', () => {
    expect(compareErrorRates({ errors: 0, count: 0 }, { errors: 1, count: 10 })).toBeUndefined();
  });
});

describe('compareLatency', () => {
  it.each([
    {
      base: { value: 100, low: 90, high: 110 },
      cand: { value: 150, low: 120, high: 180 },
      verdict: 'regression',
      delta: 50,
      relative: 0.5,
    },
    {
      base: { value: 100, low: 90, high: 110 },
      cand: { value: 60, low: 50, high: 80 },
      verdict: 'improvement',
      delta: -40,
      relative: -0.4,
    },
    {
      base: { value: 100, low: 90, high: 110 },
      cand: { value: 108, low: 100, high: 130 },
      verdict: 'no-significant-difference',
      delta: 8,
      relative: 0.08,
    },
    { base: { value: 100 }, cand: { value: 300 }, verdict: 'not-enough-data', delta: 200, relative: 2 },
    {
      base: { value: 0, low: 0, high: 0 },
      cand: { value: 5, low: 1, high: 9 },
      verdict: 'regression',
      delta: 5,
      relative: undefined,
    },
  ])('$base.value → $cand.value is $verdict', ({ base, cand, verdict, delta, relative }) => {
    const result = compareLatency(base, cand);
    const rounded = (x: number | undefined) => (x === undefined ? undefined : Number(x.toFixed(10)));
    expect({ verdict: result.verdict, delta: rounded(result.delta), relative: rounded(result.relative) }).toEqual({
      verdict,
      delta,
      relative,
    });
  });
});
