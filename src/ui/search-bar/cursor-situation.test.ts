import { describe, expect, it } from 'vitest';
import { cursorSituation } from './cursor-situation.ts';

/** `|` marks the cursor. */
function at(marked: string) {
  const cursor = marked.indexOf('|');
  return cursorSituation(marked.replace('|', ''), cursor);
}

describe('cursorSituation', () => {
  it.each<[string, Record<string, unknown>]>([
    ['|', { kind: 'field', partial: '' }],
    ['sta|', { kind: 'field', partial: 'sta', from: 0 }],
    ['metadata.env|', { kind: 'field', partial: 'metadata.env' }],
    ["status = 'OK' AND tag.|", { kind: 'field', partial: 'tag.', from: 18 }],
    ['status |', { kind: 'operator', field: 'status', partial: '' }],
    ['metadata.environment !|', { kind: 'operator', partial: '!' }],
    ['metadata.environment IS |', { kind: 'operator' }],
    ['metadata.environment = |', { kind: 'value', field: 'metadata.environment', op: '=', partial: '' }],
    ["metadata.environment = 'pr|", { kind: 'value', partial: 'pr', from: 23 }],
    ['status LIKE |', { kind: 'value', op: 'LIKE' }],
    ["status = 'OK' |", { kind: 'connective' }],
    ['tag.x IS NULL |', { kind: 'connective' }],
    ["(status = 'OK' OR |", { kind: 'field' }],
  ])('%s', (marked, expected) => {
    expect(at(marked)).toMatchObject(expected);
  });

  it('resolves the field of a value position', () => {
    expect(at('metadata.`mlflow.trace.user` = |')).toMatchObject({ kind: 'value', ref: { kind: 'metadata', key: 'mlflow.trace.user' } });
  });
});
