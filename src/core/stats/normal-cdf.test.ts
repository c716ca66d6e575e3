import { describe, expect, it } from 'vitest';
import { normalCdf, normalQuantile, twoSidedPValue } from './normal-cdf.ts';

// Reference values from libm's erfc (Python `0.5 * math.erfc(-z / sqrt(2))`), checked to a
// relative tolerance so that the far tail is held to the same standard as the centre.
const CDF: [z: number, expected: number][] = [
  [0, 0.5],
  [0.3, 1 - 0.3820885778110474],
  [1, 0.8413447460685429],
  [-1, 1 - 0.8413447460685429],
  [1.96, 0.9750021048517795],
  [-2.4, 0.008197535924596138],
  [-3.6, 0.000159108590157534],
  [-5, 2.866515718791946e-7],
  [-8, 6.220960574271819e-16],
  [Infinity, 1],
  [-Infinity, 0],
];

describe('normalCdf', () => {
  it.each(CDF)('Φ(%s) = %s', (z, expected) => {
    const actual = normalCdf(z);
    expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-13 * Math.max(expected, 1e-300) + 1e-300);
  });

  it('is NaN for NaN', () => expect(normalCdf(Number.NaN)).toBeNaN());
});

describe('twoSidedPValue', () => {
  it.each([
    [0, 1],
    [1.959963984540054, 0.05],
    [-1.9802950859533488, 0.04767038065616144],
    [5.817297271631501, 5.980672744873555e-9],
  ])('p(|Z| > |%s|) = %s', (z, expected) => {
    expect(twoSidedPValue(z) / expected).toBeCloseTo(1, 10);
  });
});

describe('normalQuantile', () => {
  it.each([
    [0.975, 1.959963984540054],
    [0.5, 0],
    [0.995, 2.5758293035489004],
    [0.025, -1.959963984540054],
  ])('Φ⁻¹(%s) = %s', (p, expected) => {
    expect(normalQuantile(p)).toBeCloseTo(expected, 12);
  });

  it('maps the ends to infinities and outside values to NaN', () => {
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    expect(normalQuantile(1.5)).toBeNaN();
  });
});
