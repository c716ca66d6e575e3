import { describe, expect, it } from 'vitest';
import { chooseBucketSeconds, formatBucket } from './bucket-size.ts';

const H = 3_600_000;
describe('chooseBucketSeconds', () => {
  it.each([
    [0, 60],
    [H, 60],
    [24 * H, 1800],
    [7 * 24 * H, 3 * 3600],
    [30 * 24 * H, 12 * 3600],
    [10 * 365 * 24 * H, 30 * 86_400],
  ])('%s ms → %s s', (span, expected) => expect(chooseBucketSeconds(span)).toBe(expected));

  it.each([
    [60, '1 min'],
    [10_800, '3 h'],
    [86_400, '1 d'],
  ])('formats %s as %s', (s, label) => expect(formatBucket(s)).toBe(label));
});
