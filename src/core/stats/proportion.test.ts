import { describe, expect, it } from 'vitest';
import { twoProportionTest, wilsonInterval, zForConfidence } from './proportion.ts';

// Expected values computed with the closed forms in double precision (they agree with
// statsmodels' proportion_confint(method='wilson') and proportions_ztest).
describe('wilsonInterval (95%)', () => {
  it.each([
    { x: 10, n: 100, low: 0.0552291370606751, high: 0.17436566150491345 },
    { x: 0, n: 10, low: 0, high: 0.2775327998628892 },
    { x: 10, n: 10, low: 0.7224672001371107, high: 1 },
    { x: 1, n: 2, low: 0.09453120573423074, high: 0.9054687942657693 },
    { x: 50, n: 1000, low: 0.03813026239274882, high: 0.06531382024425081 },
    { x: 0, n: 1, low: 0, high: 0.7934506856227626 },
  ])('$x/$n → [$low, $high]', ({ x, n, low, high }) => {
    const interval = wilsonInterval(x, n);
    expect(interval?.estimate).toBe(x / n);
    expect(interval?.low).toBeCloseTo(low, 12);
    expect(interval?.high).toBeCloseTo(high, 12);
  });

  it.each([
    [0, 0],
    [3, 2],
    [-1, 5],
  ])('is undefined for %s/%s', (x, n) => expect(wilsonInterval(x, n)).toBeUndefined());

  it('widens with the confidence level', () => {
    const at90 = wilsonInterval(10, 100, 0.9)!;
    const at99 = wilsonInterval(10, 100, 0.99)!;
    expect(at99.high - at99.low).toBeGreaterThan(at90.high - at90.low);
    expect(zForConfidence(0.95)).toBeCloseTo(1.959963984540054, 12);
  });
});

describe('twoProportionTest', () => {
  it.each([
    { x1: 10, n1: 100, x2: 20, n2: 100, z: 1.9802950859533488, p: 0.04767038065616144 },
    { x1: 20, n1: 100, x2: 10, n2: 100, z: -1.9802950859533488, p: 0.04767038065616144 },
    { x1: 50, n1: 1000, x2: 80, n2: 1000, z: 2.721095431170472, p: 0.006506597483637838 },
    { x1: 100, n1: 10000, x2: 200, n2: 10000, z: 5.817297271631501, p: 5.980672744873555e-9 },
    { x1: 5, n1: 200, x2: 5, n2: 200, z: 0, p: 1 },
    { x1: 0, n1: 50, x2: 0, n2: 70, z: 0, p: 1 },
  ])('$x1/$n1 vs $x2/$n2 → z=$z p=$p', ({ x1, n1, x2, n2, z, p }) => {
    const test = twoProportionTest(x1, n1, x2, n2)!;
    expect(test.difference).toBeCloseTo(x2 / n2 - x1 / n1, 15);
    expect(test.z).toBeCloseTo(z, 12);
    expect(test.pValue / p).toBeCloseTo(1, 10);
  });

  it('is undefined when a group is empty', () => {
    expect(twoProportionTest(0, 0, 1, 10)).toBeUndefined();
    expect(twoProportionTest(1, 10, 0, 0)).toBeUndefined();
  });
});
