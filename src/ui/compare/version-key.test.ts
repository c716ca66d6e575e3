import { describe, expect, it } from 'vitest';
import { addClause, defaultVersionKey, parseVersionKey, versionClause } from './version-key.ts';

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

  it.each([
    [{ kind: 'metadata', key: 'app_version' }, '1.2.0', "metadata.app_version = '1.2.0'"],
    [{ kind: 'tag', key: 'feature.flag' }, 'on', "tag.`feature.flag` = 'on'"],
    [{ kind: 'tag', key: 'env' }, "it's", `tag.env = "it's"`],
    [{ kind: 'tag', key: 'env' }, `a'"b`, `tag.env = 'a\\'"b'`],
  ] as const)('clause for %j = %s', (key, value, expected) => expect(versionClause(key, value)).toBe(expected));

  it.each([
    ['', "tag.a = 'x'", "tag.a = 'x'"],
    ["status = 'OK'", "tag.a = 'x'", "status = 'OK' AND tag.a = 'x'"],
    ["tag.b = 'y' OR tag.c = 'z'", "tag.a = 'x'", "(tag.b = 'y' OR tag.c = 'z') AND tag.a = 'x'"],
    ["status = 'OK' AND tag.a = 'x'", "tag.a = 'x'", "status = 'OK' AND tag.a = 'x'"],
  ])('addClause(%s, %s)', (filter, clause, expected) => expect(addClause(filter, clause)).toBe(expected));
});
