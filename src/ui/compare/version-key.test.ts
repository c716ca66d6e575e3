import { describe, expect, it } from 'vitest';
import { defaultVersionKey, parseVersionKey } from './version-key.ts';

describe('version key', () => {
  it.each([
    [undefined, 'metadata'],
    [[], 'metadata'],
    [[{ kind: 'tag', key: 'app_version', count: 3 }], 'tag'],
    [
      [
        { kind: 'tag', key: 'app_version', count: 3 },
        { kind: 'metadata', key: 'app_version', count: 1 },
      ],
      'metadata',
    ],
  ] as const)('default for catalog %j is %s', (catalog, kind) => {
    expect(defaultVersionKey(catalog === undefined ? undefined : [...catalog])).toEqual({ kind, key: 'app_version' });
  });

  it.each([
    ['metadata.app_version', { kind: 'metadata', key: 'app_version' }],
    ['tag.mlflow.user', { kind: 'tag', key: 'mlflow.user' }],
    ['span.name', undefined],
    ['tag.', undefined],
  ])('parses %s', (text, expected) => expect(parseVersionKey(text)).toEqual(expected));
});
