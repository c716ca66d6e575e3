import { describe, expect, it } from 'vitest';
import { compareHrefFromTraces, parseCompareView, writeCompareView } from './compare-url.ts';

describe('compare url', () => {
  it.each([
    ['', {}],
    [
      'key=tag.environment&baseline=prod&candidate=dev',
      { versionKey: 'tag.environment', baseline: 'prod', candidate: 'dev' },
    ],
    ['key=span.name', {}],
    ['key=metadata.app_version&baseline=', { versionKey: 'metadata.app_version' }],
    ['highlight=1.1.0', { highlight: '1.1.0' }],
  ])('parses %s', (query, expected) => expect(parseCompareView(new URLSearchParams(query))).toEqual(expected));

  it('writes without touching other keys and drops unset fields', () => {
    const search = new URLSearchParams('experiment=1&q=x&baseline=old');
    writeCompareView(search, { versionKey: 'tag.region', candidate: 'v2' });
    expect(search.toString()).toBe('experiment=1&q=x&key=tag.region&candidate=v2');
  });

  const VERSION = { kind: 'metadata', key: 'app_version' } as const;
  it.each([
    {
      name: 'keeps the filter and time range',
      shared: { filter: "metadata.environment = 'prod'", range: { kind: 'last', preset: '24h' } },
      expected: '/compare?q=metadata.environment+%3D+%27prod%27&range=24h&experiment=3',
    },
    {
      name: 'moves a clause pinning the version into the highlight',
      shared: {
        filter: "metadata.environment = 'prod' AND metadata.app_version = '1.1.0'",
        range: { kind: 'custom', fromMs: 1000, toMs: 2000 },
      },
      expected: '/compare?q=metadata.environment+%3D+%27prod%27&from=1000&to=2000&highlight=1.1.0&experiment=3',
    },
    {
      name: 'leaves a version inside an OR alone',
      shared: { filter: "metadata.app_version = '1' OR status = 'ERROR'", range: { kind: 'all' } },
      expected: '/compare?q=metadata.app_version+%3D+%271%27+OR+status+%3D+%27ERROR%27&experiment=3',
    },
  ] as const)('links Traces to Compare: $name', ({ shared, expected }) => {
    expect(compareHrefFromTraces('3', shared, VERSION)).toBe(expected);
  });
});
