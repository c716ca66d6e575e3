import { describe, expect, it } from 'vitest';
import { quantileConfidenceBounds } from './quantile.ts';
import { compareErrorRates, compareLatency, LATENCY_ALPHA, LATENCY_BOUNDS_LEVEL } from './version-verdict.ts';

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
      name: 'clearly slower',
      base: { value: 100, low: 90, high: 110 },
      cand: { value: 150, low: 120, high: 180 },
      verdict: 'regression',
      delta: 50,
      relative: 0.5,
    },
    {
      name: 'clearly faster',
      base: { value: 100, low: 90, high: 110 },
      cand: { value: 60, low: 50, high: 80 },
      verdict: 'improvement',
      delta: -40,
      relative: -0.4,
    },
    {
      name: 'overlapping bounds',
      base: { value: 100, low: 90, high: 110 },
      cand: { value: 108, low: 100, high: 130 },
      verdict: 'no-significant-difference',
      delta: 8,
      relative: 0.08,
    },
    {
      name: 'a wide candidate interval still wholly above the baseline',
      base: { value: 1000, low: 950, high: 1100 },
      cand: { value: 4000, low: 3000, high: 9000 },
      verdict: 'regression',
      delta: 3000,
      relative: 3,
    },
    {
      // Issue 16: the p99 of a version whose interval spans 3.69–30.4 s against one at 30.4–31.3 s.
      // The bounds are disjoint by a few milliseconds: the true p99s may differ by 8 ms or by 27 s.
      name: 'p99 at the edge of a timeout cluster (issue 16)',
      base: { value: 30_438, low: 30_431, high: 31_302 },
      cand: { value: 30_428, low: 3_689, high: 30_429 },
      verdict: 'not-enough-data',
      delta: -10,
      relative: -10 / 30_438,
    },
    {
      name: 'disjoint, but by less than 1% of the baseline',
      base: { value: 1000, low: 995, high: 1005 },
      cand: { value: 1010, low: 1006, high: 1012 },
      verdict: 'not-enough-data',
      delta: 10,
      relative: 0.01,
    },
    {
      name: 'no bounds at all',
      base: { value: 100 },
      cand: { value: 300 },
      verdict: 'not-enough-data',
      delta: 200,
      relative: 2,
    },
    {
      name: 'one side without an upper bound (too few traces for p99)',
      base: { value: 30_438, low: 30_431, high: 31_302 },
      cand: { value: 3_700, low: 3_400 },
      verdict: 'not-enough-data',
      delta: -26_738,
      relative: -26_738 / 30_438,
    },
    {
      name: 'a zero baseline needs a millisecond',
      base: { value: 0, low: 0, high: 0 },
      cand: { value: 5, low: 3, high: 9 },
      verdict: 'regression',
      delta: 5,
      relative: undefined,
    },
  ])('$name → $verdict', ({ base, cand, verdict, delta, relative }) => {
    const result = compareLatency(base, cand);
    const rounded = (x: number | undefined) => (x === undefined ? undefined : Number(x.toFixed(10)));
    expect({ verdict: result.verdict, delta: rounded(result.delta), relative: rounded(result.relative) }).toEqual({
      verdict,
      delta,
      relative: rounded(relative),
    });
  });

  it('bounds the difference of the true percentiles by the crossed interval ends', () => {
    const result = compareLatency({ value: 100, low: 90, high: 110 }, { value: 150, low: 120, high: 180 });
    expect(result.difference).toEqual({ low: 10, high: 90 });
  });

  // The guarantee the verdict rests on: two samples from one distribution are called different at
  // most α of the time, whatever the distribution. Checked without the practical margin (0), on a
  // skewed latency-like mixture with a timeout cluster and on a discrete one with many ties.
  const mulberry32 = (seed: number) => () => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  it.each([
    {
      name: 'log-normal with 2% timeouts',
      draw: (r: () => number) =>
        r() < 0.02
          ? 30_000 + 400 * r()
          : Math.exp(7 + 0.6 * Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r())),
    },
    { name: 'whole milliseconds 1–20 (ties)', draw: (r: () => number) => 1 + Math.floor(20 * r()) },
  ])('falsely calls a difference at most α of the time: $name', ({ draw }) => {
    const random = mulberry32(16);
    const sample = (n: number) => Float64Array.from({ length: n }, () => draw(random)).sort();
    const estimate = (sorted: Float64Array, q: number) => {
      const { low, high } = quantileConfidenceBounds(sorted, q, LATENCY_BOUNDS_LEVEL);
      return { value: sorted[Math.floor(q * (sorted.length - 1))], low: low ?? undefined, high: high ?? undefined };
    };
    const runs = 1500;
    for (const q of [0.5, 0.95, 0.99]) {
      let falseAlarms = 0;
      for (let i = 0; i < runs; i++) {
        const verdict = compareLatency(estimate(sample(500), q), estimate(sample(700), q), 0).verdict;
        if (verdict === 'regression' || verdict === 'improvement') falseAlarms++;
      }
      // α plus three binomial standard errors of the simulation itself.
      expect(falseAlarms / runs).toBeLessThan(LATENCY_ALPHA + 3 * Math.sqrt((LATENCY_ALPHA * 0.95) / runs));
    }
  });

  it('finds a real difference in the same simulation (the test is not blind)', () => {
    const random = mulberry32(7);
    const sample = (n: number, scale: number) =>
      Float64Array.from({ length: n }, () => scale * (500 + 1000 * random())).sort();
    let found = 0;
    for (let i = 0; i < 200; i++) {
      const a = sample(500, 1);
      const b = sample(500, 1.2);
      const bounds = (s: Float64Array) => quantileConfidenceBounds(s, 0.95, LATENCY_BOUNDS_LEVEL);
      const [ba, bb] = [bounds(a), bounds(b)];
      const verdict = compareLatency(
        { value: a[474], low: ba.low ?? undefined, high: ba.high ?? undefined },
        { value: b[474], low: bb.low ?? undefined, high: bb.high ?? undefined },
      ).verdict;
      if (verdict === 'regression') found++;
    }
    expect(found / 200).toBeGreaterThan(0.9);
  });
});
