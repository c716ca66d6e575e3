import { describe, expect, it } from 'vitest';
import { completionAt } from '../../core/filter/index.ts';
import { mergeValues, suggestionsFor, valueKeyAt, type Catalog } from './suggestions.ts';

const catalog: Catalog = {
  keys: [
    { kind: 'metadata', key: 'environment', count: 10 },
    { kind: 'metadata', key: 'mlflow.trace.user', count: 8 },
    { kind: 'tag', key: 'team', count: 3 },
  ],
  values: [
    { value: 'prod', count: 7 },
    { value: "o'hara", count: 1 },
  ],
};

function labels(marked: string, dialect: 'mlflow' | 'extended' = 'extended') {
  const cursor = marked.indexOf('|');
  return suggestionsFor(completionAt(marked.replace('|', ''), cursor, { dialect }), catalog, dialect);
}

describe('suggestionsFor', () => {
  it.each<[string, string, string]>([
    ['sta|', 'status', 'status '],
    ['meta|', 'metadata.', 'metadata.'],
    ['metadata.us|', 'metadata.mlflow.trace.user', '`mlflow.trace.user` '],
    ['tag.|', 'tag.team', 'team '],
    ['tag.x IS |', 'NOT NULL', 'NOT NULL '],
    ['env|', 'metadata.environment', 'metadata.environment '],
    ['metadata.environment |', '!=', '!= '],
    ['metadata.environment = |', 'prod', "'prod' "],
    ['metadata.environment = |', "o'hara", `"o'hara" `],
    ["metadata.environment = 'pr|", 'prod', "'prod' "],
    ['status = |', 'ERROR', "'ERROR' "],
    ["status = 'OK' |", 'AND', 'AND '],
  ])('%s offers %s', (marked, label, insert) => {
    const found = labels(marked).find((s) => s.label === label);
    expect(found?.insert).toBe(insert);
  });

  it('offers OR only when the server speaks the extended dialect', () => {
    expect(labels("status = 'OK' |", 'mlflow').map((s) => s.label)).toEqual(['AND']);
    expect(labels("status = 'OK' |", 'extended').map((s) => s.label)).toEqual(['AND', 'OR']);
  });

  it('replaces the partial value including its opening quote', () => {
    const [first] = labels("metadata.environment = 'pr|");
    expect([first.from, first.to]).toEqual([23, 26]);
  });
});

describe('valueKeyAt', () => {
  const at = (marked: string) =>
    valueKeyAt(completionAt(marked.replace('|', ''), marked.indexOf('|'), { dialect: 'extended' }));
  it.each<[string, ReturnType<typeof valueKeyAt>]>([
    ["metadata.`mlflow.trace.user` = 'us|", { kind: 'metadata', key: 'mlflow.trace.user', prefix: 'us' }],
    ['tag.team != |', { kind: 'tag', key: 'team', prefix: '' }],
    ["tag.team IN ('a', 'co|", { kind: 'tag', key: 'team', prefix: 'co' }],
    // LIKE offers a pattern, not observed values; status has fixed values.
    ["tag.team LIKE 'co|", null],
    ["status = 'O|", null],
  ])('%s', (marked, expected) => {
    expect(at(marked)).toEqual(expected);
  });
});

describe('mergeValues', () => {
  const top = [
    { value: 'User-A', count: 9 },
    { value: 'user-b', count: 5 },
  ];
  it('adds the prefix matches beyond the top values, most frequent first, without duplicates', () => {
    expect(
      mergeValues(top, [
        { value: 'user-b', count: 5 },
        { value: 'user-rare', count: 1 },
      ]).map((v) => v.value),
    ).toEqual(['User-A', 'user-b', 'user-rare']);
  });
  it('falls back to the top values while the prefix has no answer', () => {
    expect(mergeValues(top, undefined)).toBe(top);
    expect(mergeValues(undefined, undefined)).toEqual([]);
  });
});
