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
  verdict: Verdict;
}

/**
 * Compares one latency percentile. With the server's confidence bounds, a difference counts as
 * significant only when the two intervals do not overlap: a conservative rule (it misses some
 * real differences) but one that needs nothing beyond the per-version bounds, and that never
 * cries wolf more often than the nominal level. Without bounds we cannot say.
 */
export function compareLatency(baseline: Estimate, candidate: Estimate): LatencyComparison {
  const delta = candidate.value - baseline.value;
  const relative = baseline.value === 0 ? undefined : delta / baseline.value;
  const bounded =
    baseline.low !== undefined &&
    baseline.high !== undefined &&
    candidate.low !== undefined &&
    candidate.high !== undefined;
  let verdict: Verdict = 'not-enough-data';
  if (bounded) {
    if (candidate.low! > baseline.high!) verdict = 'regression';
    else if (candidate.high! < baseline.low!) verdict = 'improvement';
    else verdict = 'no-significant-difference';
  }
  return { delta, relative, verdict };
}
