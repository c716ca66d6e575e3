import { describe, expect, it } from 'vitest';
import { versionColors } from './version-colors.ts';

describe('versionColors', () => {
  it.each([
    { catalog: ['1.1.0', '1.0.0', '1.2.0'], versions: ['1.1.0'], version: '1.1.0', color: 'var(--series-2)' },
    { catalog: [], versions: ['1.1.0'], version: '1.1.0', color: 'var(--series-1)' },
    { catalog: ['a'], versions: ['b'], version: 'b', color: 'var(--series-2)' },
    { catalog: ['a', 'b', 'c', 'd', 'e', 'f', 'g'], versions: [], version: 'g', color: 'var(--series-1)' },
  ])('$version among $catalog + $versions is $color', ({ catalog, versions, version, color }) => {
    expect(versionColors(catalog, versions)(version)).toBe(color);
  });
});
