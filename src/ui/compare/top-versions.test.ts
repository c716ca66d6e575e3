import { describe, expect, it } from 'vitest';
import { onlyVersions, topVersions } from './top-versions.ts';
import type { VersionRow } from './version-rows.ts';

const row = (version: string, count: number): VersionRow => ({
  version,
  count,
  errors: 0,
  errorRate: undefined,
  latency: {},
  thumbsUp: undefined,
});

describe('topVersions', () => {
  it.each([
    { rows: [row('a', 1), row('b', 2)], max: 3, expected: ['a', 'b'] },
    { rows: [row('v1', 5), row('v2', 50), row('v10', 20), row('v3', 1)], max: 2, expected: ['v2', 'v10'] },
    { rows: [row('b', 5), row('a', 5), row('c', 5)], max: 2, expected: ['a', 'b'] },
  ])('keeps the $max busiest of $rows.length in version order', ({ rows, max, expected }) => {
    expect(topVersions(rows, max).map((r) => r.version)).toEqual(expected);
  });

  it('restricts a series to the charted versions', () => {
    expect(onlyVersions({ versions: ['a', 'b', 'c'], points: [] }, ['c', 'a'])).toEqual({
      versions: ['a', 'c'],
      points: [],
    });
  });
});
