import { describe, expect, it } from 'vitest';
import { completionAt } from './completion-at.ts';

/** Splits "text with a | cursor" into the text and the cursor offset. */
function at(marked: string): [string, number] {
  const i = marked.indexOf('|');
  return [marked.slice(0, i) + marked.slice(i + 1), i];
}

describe('completionAt', () => {
  it.each([
    ['|', { kind: 'prefix', from: 0, to: 0, partial: '' }],
    ['sta|', { kind: 'prefix', from: 0, to: 3, partial: 'sta' }],
    ['st|atus', { kind: 'prefix', from: 0, to: 6, partial: 'st' }],
    ["status = 'OK' AND |", { kind: 'prefix', from: 18, to: 18, partial: '' }],
    ["status = 'OK' OR (NOT ta|", { kind: 'prefix', from: 22, to: 24, partial: 'ta' }],
    ['tag.|', { kind: 'tag-key', prefix: 'tag', from: 4, to: 4, partial: '' }],
    ['tags.en|', { kind: 'tag-key', prefix: 'tags', from: 5, to: 7, partial: 'en' }],
    ['metadata.mlflow.tr|', { kind: 'metadata-key', prefix: 'metadata', from: 9, to: 18, partial: 'mlflow.tr' }],
    ['metadata.`mlflow.tr|', { kind: 'metadata-key', prefix: 'metadata', from: 9, to: 19, partial: 'mlflow.tr' }],
    ['trace.|', { kind: 'attribute-key', prefix: 'trace', from: 6, to: 6, partial: '' }],
    ['span.na|', { kind: 'span-key', prefix: 'span', from: 5, to: 7, partial: 'na' }],
    ['span.attributes.gen_|', { kind: 'span-attribute-key', prefix: 'span', from: 16, to: 20, partial: 'gen_' }],
    [
      'feedback.rel|',
      { kind: 'assessment-name', prefix: 'feedback', assessment: 'feedback', from: 9, to: 12, partial: 'rel' },
    ],
    ['issue.|', { kind: 'issue-key', prefix: 'issue', from: 6, to: 6, partial: '' }],
    ['foo.|', { kind: 'none', from: 0, to: 4, partial: 'foo.' }],
  ])('identifier: %s', (marked, expected) => {
    const [text, cursor] = at(marked);
    expect(completionAt(text, cursor)).toEqual(expected);
  });

  it.each([
    ['status |', { from: 7, to: 7, partial: '' }, 'status'],
    ['tag.env LI|', { from: 8, to: 10, partial: 'LI' }, 'tag'],
    ['span.content |', { from: 13, to: 13, partial: '' }, 'span'],
  ])('operator: %s', (marked, range, kind) => {
    const [text, cursor] = at(marked);
    const ctx = completionAt(text, cursor);
    expect(ctx).toMatchObject({ kind: 'operator', ...range });
    expect(
      ctx.kind === 'operator'
        ? [ctx.field?.kind === 'attribute' ? ctx.field.key : ctx.field?.kind, ctx.comparators.length > 0]
        : [],
    ).toEqual([kind, true]);
  });

  it('offers only LIKE / ILIKE for span.content', () => {
    const ctx = completionAt('span.content ', 13);
    expect(ctx.kind === 'operator' ? ctx.comparators : []).toEqual(['LIKE', 'ILIKE']);
  });

  it.each([
    [
      'tag.env = |',
      {
        kind: 'value',
        field: { kind: 'tag', key: 'env' },
        comparator: '=',
        quote: null,
        inList: false,
        from: 10,
        to: 10,
        partial: '',
      },
    ],
    [
      "tag.env = 'pr|",
      {
        kind: 'value',
        field: { kind: 'tag', key: 'env' },
        comparator: '=',
        quote: "'",
        inList: false,
        from: 10,
        to: 13,
        partial: 'pr',
      },
    ],
    [
      "tag.env = 'pr|od' AND x",
      {
        kind: 'value',
        field: { kind: 'tag', key: 'env' },
        comparator: '=',
        quote: "'",
        inList: false,
        from: 10,
        to: 16,
        partial: 'pr',
      },
    ],
    [
      'name LIKE "ch|',
      {
        kind: 'value',
        field: { kind: 'tag', key: 'mlflow.traceName' },
        comparator: 'LIKE',
        quote: '"',
        inList: false,
        from: 10,
        to: 13,
        partial: 'ch',
      },
    ],
    [
      'metadata.`mlflow.trace.user` != |',
      {
        kind: 'value',
        field: { kind: 'metadata', key: 'mlflow.trace.user' },
        comparator: '!=',
        quote: null,
        inList: false,
        from: 32,
        to: 32,
        partial: '',
      },
    ],
    [
      "status IN ('OK', |",
      {
        kind: 'value',
        field: { kind: 'attribute', key: 'status' },
        comparator: 'IN',
        quote: null,
        inList: true,
        from: 17,
        to: 17,
        partial: '',
      },
    ],
    [
      "span.type NOT IN ('L|",
      {
        kind: 'value',
        field: { kind: 'span', key: 'type' },
        comparator: 'NOT IN',
        quote: "'",
        inList: true,
        from: 18,
        to: 20,
        partial: 'L',
      },
    ],
    [
      'timestamp_ms > 1|',
      {
        kind: 'value',
        field: { kind: 'attribute', key: 'timestamp_ms' },
        comparator: '>',
        quote: null,
        inList: false,
        from: 15,
        to: 16,
        partial: '1',
      },
    ],
  ])('value: %s', (marked, expected) => {
    const [text, cursor] = at(marked);
    expect(completionAt(text, cursor)).toEqual(expected);
  });

  it.each([
    ["status = 'OK' |", ['AND', 'OR'], 14, 14, ''],
    ["status = 'OK'|", ['AND', 'OR'], 13, 13, ''],
    ["(status = 'OK' AN|", ['AND', 'OR', ')'], 15, 17, 'AN'],
    ['tag.x IS |', ['NULL', 'NOT NULL'], 9, 9, ''],
    ['tag.x IS NOT N|', ['NULL'], 13, 14, 'N'],
    ['tag.x NOT |', ['IN'], 10, 10, ''],
    ['status IN |', ['('], 10, 10, ''],
  ])('keyword: %s', (marked, keywords, from, to, partial) => {
    const [text, cursor] = at(marked);
    expect(completionAt(text, cursor)).toEqual({ kind: 'keyword', keywords, from, to, partial });
  });

  it('offers only AND after a condition in the mlflow dialect', () => {
    expect(completionAt("status = 'OK' ", 14, { dialect: 'mlflow' })).toMatchObject({
      kind: 'keyword',
      keywords: ['AND'],
    });
  });

  it('gives up quietly after junk', () => {
    expect(completionAt('status = = ', 11).kind).toBe('none');
  });
});
