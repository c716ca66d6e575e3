import { describe, expect, it } from 'vitest';
import { completionAt } from '../../core/filter/index.ts';
import { suggestionsFor, type Catalog } from './suggestions.ts';

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
