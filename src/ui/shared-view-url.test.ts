import { describe, expect, it } from 'vitest';
import { effectiveFilter, parseSharedView, sharedParams, writeSharedView } from './shared-view-url.ts';

describe('shared view url', () => {
  it.each([
    ['', { filter: '', range: { kind: 'all' } }],
    ['q=tag.env+%3D+%27prod%27&range=7d', { filter: "tag.env = 'prod'", range: { kind: 'last', preset: '7d' } }],
    ['from=100&to=200', { filter: '', range: { kind: 'custom', fromMs: 100, toMs: 200 } }],
    ['from=300&to=200', { filter: '', range: { kind: 'all' } }],
    ['range=bogus', { filter: '', range: { kind: 'all' } }],
  ])('parses %s', (query, expected) => {
    expect(parseSharedView(new URLSearchParams(query))).toEqual(expected);
  });

  it('round-trips and keeps unrelated keys', () => {
    const search = new URLSearchParams('experiment=3&group=session');
    writeSharedView(search, { filter: "status = 'ERROR'", range: { kind: 'last', preset: '24h' } });
    expect(search.get('experiment')).toBe('3');
    expect(parseSharedView(search)).toEqual({ filter: "status = 'ERROR'", range: { kind: 'last', preset: '24h' } });
    expect(sharedParams(search).toString()).toBe('q=status+%3D+%27ERROR%27&range=24h');
  });

  it('ANDs the time window and parenthesises a top-level OR', () => {
    expect(effectiveFilter({ filter: '', range: { kind: 'all' } }, 0)).toBe('');
    expect(
      effectiveFilter({ filter: "a.b = 'x' OR c.d = 'y'", range: { kind: 'last', preset: '1h' } }, 3_600_000),
    ).toBe("(a.b = 'x' OR c.d = 'y') AND timestamp_ms >= 0");
    expect(effectiveFilter({ filter: "tag.x = 'y'", range: { kind: 'custom', fromMs: 5, toMs: 9 } }, 0)).toBe(
      "tag.x = 'y' AND timestamp_ms >= 5 AND timestamp_ms <= 9",
    );
  });
});
