import { describe, expect, it } from 'vitest';
import { binomialCdf, exactQuantile, logGamma, quantileConfidenceBounds, quantileRankInterval } from './quantile.ts';

describe('exactQuantile', () => {
  it.each([
    [[1], 0.5, 1],
    [[1, 2, 3, 4], 0.5, 2.5],
    [[1, 2, 3, 4, 5], 0.95, 4.8],
    [[10, 20], 0, 10],
    [[10, 20], 1, 20],
  ])('%j at %d is %d', (values, q, expected) => {
    expect(exactQuantile(values, q)).toBeCloseTo(expected, 10);
  });

  it('is NaN for no values', () => {
    expect(exactQuantile([], 0.5)).toBeNaN();
  });
});

describe('binomial CDF', () => {
  it('matches exact values for small n', () => {
    const F = binomialCdf(10, 0.5);
    expect(F(1)).toBeCloseTo(11 / 1024, 12);
    expect(F(8)).toBeCloseTo(1 - 11 / 1024, 12);
    expect(F(10)).toBe(1);
    expect(F(-1)).toBe(0);
  });

  it('sums to one and is monotone for large n', () => {
    const F = binomialCdf(1_000_000, 0.95);
    expect(F(950_000)).toBeGreaterThan(0.49);
    expect(F(950_000)).toBeLessThan(0.51);
    expect(F(1_000_000)).toBe(1);
    expect(F(949_000)).toBeLessThan(F(949_500));
  });

  it('logGamma agrees with factorials', () => {
    expect(Math.exp(logGamma(6))).toBeCloseTo(120, 8);
    expect(logGamma(101)).toBeCloseTo(363.73937555556347, 8);
  });
});

describe('quantile confidence intervals', () => {
  it('gives the textbook ranks for the median of 10 at 95%', () => {
    const r = quantileRankInterval(10, 0.5, 0.95);
    expect(r).toMatchObject({ lower: 2, upper: 9 });
    expect(r.coverage).toBeCloseTo(1 - 22 / 1024, 10);
  });

  it('has no upper bound for p99 of a small sample', () => {
    const r = quantileRankInterval(20, 0.99, 0.95);
    expect(r.upper).toBeNull();
  });

  it('covers at least the requested level', () => {
    for (const [n, q] of [
      [50, 0.5],
      [200, 0.95],
      [1000, 0.99],
      [5000, 0.5],
    ]) {
      const r = quantileRankInterval(n, q, 0.95);
      expect(r.coverage).toBeGreaterThanOrEqual(0.95);
      expect(r.lower!).toBeLessThanOrEqual(Math.ceil(n * q));
      expect(r.upper!).toBeGreaterThanOrEqual(Math.floor(n * q));
    }
  });

  // A linear walk over a million ranks would still pass here but time out the metrics bench; the
  // test checks the bounds, speed is measured in bench/server.ts.
  it('is tight for a million observations', () => {
    const r = quantileRankInterval(1_000_000, 0.95, 0.95);
    // ±1.96·sqrt(n q (1-q)) ≈ ±427 ranks around 950,000.
    expect(r.lower).toBeGreaterThan(949_500);
    expect(r.upper).toBeLessThan(950_500);
  });

  it('maps ranks to sample values', () => {
    const sorted = Array.from({ length: 10 }, (_, i) => (i + 1) * 10);
    expect(quantileConfidenceBounds(sorted, 0.5, 0.95)).toEqual({ low: 20, high: 90 });
  });
});

describe('selection instead of sorting', () => {
  it('matches a sorted copy for random data with ties', async () => {
    const { quantileBySelection, selectRanks } = await import('./quantile.ts');
    let seed = 7;
    const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (const n of [1, 2, 5, 33, 1000, 20_000]) {
      const values = Float64Array.from({ length: n }, () => Math.floor(rand() * 300));
      const sorted = Float64Array.from(values).sort();
      const ranks = [0, Math.floor(n / 2), n - 1, Math.floor(n * 0.95)];
      const picked = selectRanks(Float64Array.from(values), ranks);
      for (const r of ranks) expect(picked.get(r)).toBe(sorted[r]);
      for (const q of [0.5, 0.95, 0.99]) {
        const bySelection = quantileBySelection(Float64Array.from(values), q, 0.95);
        expect(bySelection.value).toBeCloseTo(exactQuantile(sorted, q), 10);
        const bounds = quantileConfidenceBounds(sorted, q, 0.95);
        expect({ low: bySelection.low, high: bySelection.high }).toEqual(bounds);
      }
    }
  });
});
