import { describe, expect, it } from 'vitest';
import { parseCompareView, writeCompareView } from './compare-url.ts';

describe('compare url', () => {
  it.each([
    ['', {}],
    [
      'key=tag.environment&baseline=prod&candidate=dev',
      { versionKey: 'tag.environment', baseline: 'prod', candidate: 'dev' },
    ],
    ['key=span.name', {}],
    ['key=metadata.app_version&baseline=', { versionKey: 'metadata.app_version' }],
  ])('parses %s', (query, expected) => expect(parseCompareView(new URLSearchParams(query))).toEqual(expected));

  it('writes without touching other keys and drops unset fields', () => {
    const search = new URLSearchParams('experiment=1&q=x&baseline=old');
    writeCompareView(search, { versionKey: 'tag.region', candidate: 'v2' });
    expect(search.toString()).toBe('experiment=1&q=x&key=tag.region&candidate=v2');
  });
});
