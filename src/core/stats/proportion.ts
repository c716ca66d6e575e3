import { normalQuantile, twoSidedPValue } from './normal-cdf.ts';

// Statistics for rates such as "share of traces that errored". The Wilson score interval is
// used instead of the textbook normal (Wald) interval because error rates are often near 0,
// where Wald gives intervals below zero or of zero width for 0 errors.

export interface Interval {
  /** The observed proportion (successes / n). */
  estimate: number;
  low: number;
  high: number;
}

/** z for a two-sided interval at `confidence` (0.95 → 1.959963984540054). */
export const zForConfidence = (confidence: number): number => normalQuantile(1 - (1 - confidence) / 2);

/** Wilson score interval for `successes` out of `n`; undefined when n is 0 (no information). */
export function wilsonInterval(successes: number, n: number, confidence = 0.95): Interval | undefined {
  if (!(n > 0) || successes < 0 || successes > n) return undefined;
  const z = zForConfidence(confidence);
  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // Clamp only floating-point dust: mathematically the bounds are already inside [0, 1].
  return { estimate: p, low: Math.max(0, center - half), high: Math.min(1, center + half) };
}

export interface TwoProportionTest {
  /** p2 - p1: positive when the second group's rate is higher. */
  difference: number;
  /** z statistic with the pooled standard error (the usual test of H0: p1 = p2). */
  z: number;
  /** Two-sided p-value. */
  pValue: number;
}

/**
 * Two-proportion z-test of x1/n1 against x2/n2 (pooled variance under H0). Undefined when either
 * group is empty. When both groups are all-0 or all-1 there is no variance and no evidence of a
 * difference, so z is 0 and the p-value 1.
 */
export function twoProportionTest(x1: number, n1: number, x2: number, n2: number): TwoProportionTest | undefined {
  if (!(n1 > 0) || !(n2 > 0)) return undefined;
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const pooled = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (se === 0) return { difference: p2 - p1, z: 0, pValue: 1 };
  const z = (p2 - p1) / se;
  return { difference: p2 - p1, z, pValue: twoSidedPValue(z) };
}
