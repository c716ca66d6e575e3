import { twoProportionTest, type TwoProportionTest } from './proportion.ts';

// Turns baseline-vs-candidate numbers into a plain verdict the page can print next to the
// delta. "Regression" always means "the candidate is worse": more errors, or slower.

export type Verdict = 'regression' | 'improvement' | 'no-significant-difference' | 'not-enough-data';

export interface ErrorRateComparison {
  baselineRate: number;
  candidateRate: number;
  test: TwoProportionTest;
  verdict: Verdict;
}

/** Two-proportion z-test on error counts; significant when p < alpha (two-sided). */
export function compareErrorRates(
  baseline: { errors: number; count: number },
  candidate: { errors: number; count: number },
  alpha = 0.05,
): ErrorRateComparison | undefined {
  const test = twoProportionTest(baseline.errors, baseline.count, candidate.errors, candidate.count);
  if (!test) return undefined;
  const verdict: Verdict =
    test.pValue >= alpha ? 'no-significant-difference' : test.difference > 0 ? 'regression' : 'improvement';
  return {
    baselineRate: baseline.errors / baseline.count,
    candidateRate: candidate.errors / candidate.count,
    test,
    verdict,
  };
}

export interface Estimate {
  value: number;
  /** Confidence bounds from the server; absent when it did not send them. */
  low?: number;
  high?: number;
}

export interface LatencyComparison {
  delta: number;
  /** delta / baseline, undefined when the baseline is 0. */
  relative: number | undefined;
  /**
   * Bounds on (candidate − baseline) of the true percentiles, holding together with at least
   * 1 − α confidence; undefined when a bound is missing.
   */
  difference: { low: number; high: number } | undefined;
  verdict: Verdict;
}

/** The significance level of the percentile verdict (two-sided). */
export const LATENCY_ALPHA = 0.05;

/**
 * The level at which each version's percentile bounds must be computed (the Compare page asks the
 * server for exactly this). Each two-sided order-statistic interval at level γ misses on each side
 * with probability at most (1 − γ)/2, distribution-free. If both versions share one true quantile ξ,
 * "candidate.low > baseline.high" needs candidate.low > ξ or baseline.high < ξ, so it happens with
 * probability at most 1 − γ; the same holds for the other direction. With γ = 1 − α/2 the
 * two-sided test therefore falsely calls a difference with probability at most α, whatever the
 * latency distribution (`version-verdict.test.ts` checks it by simulation; in practice the rate is far
 * below α, the union bound being loose). Non-overlap of two
 * 95% intervals, the old rule, only guaranteed 10%.
 */
export const LATENCY_BOUNDS_LEVEL = 1 - LATENCY_ALPHA / 2;

/**
 * The smallest change worth calling a regression or an improvement, relative to the baseline.
 * The bounds can prove that two percentiles differ while leaving the size of the difference
 * anywhere between a few milliseconds and seconds (a p99 at the edge of a 30 s timeout cluster);
 * until the data rule out a change below this, the honest answer is "not enough data".
 */
export const LATENCY_MIN_RELATIVE_CHANGE = 0.01;

/**
 * Compares one latency percentile with an exact, distribution-free test built on the server's
 * order-statistic bounds (computed at {@link LATENCY_BOUNDS_LEVEL}). Together they bound the
 * difference of the true percentiles: [candidate.low − baseline.high, candidate.high − baseline.low].
 * - a bound missing (too few traces for it at this percentile): not enough data;
 * - the difference is surely above the minimal change: regression; surely below its negative:
 *   improvement;
 * - the bounds include no difference at all: no significant difference;
 * - otherwise the percentiles differ but possibly by a negligible amount: not enough data.
 */
export function compareLatency(
  baseline: Estimate,
  candidate: Estimate,
  minRelativeChange = LATENCY_MIN_RELATIVE_CHANGE,
): LatencyComparison {
  const delta = candidate.value - baseline.value;
  const relative = baseline.value === 0 ? undefined : delta / baseline.value;
  if (
    baseline.low === undefined ||
    baseline.high === undefined ||
    candidate.low === undefined ||
    candidate.high === undefined
  ) {
    return { delta, relative, difference: undefined, verdict: 'not-enough-data' };
  }
  const difference = { low: candidate.low - baseline.high, high: candidate.high - baseline.low };
  // At least a millisecond: durations are whole milliseconds, so less is no change at all.
  const margin = Math.max(1, Math.abs(baseline.value) * minRelativeChange);
  let verdict: Verdict;
  if (difference.low > margin) verdict = 'regression';
  else if (difference.high < -margin) verdict = 'improvement';
  else if (difference.low <= 0 && difference.high >= 0) verdict = 'no-significant-difference';
  else verdict = 'not-enough-data';
  return { delta, relative, difference, verdict };
}
