import { describe, expect, it } from 'vitest';
import { fromAttributeValue, toAttributeValue } from './json-attribute.ts';

describe('toAttributeValue', () => {
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic.self = cyclic;
  it.each([
    ['string', 'LLM', '"LLM"'],
    ['object', { query: 'hi' }, '{"query":"hi"}'],
    ['undefined', undefined, 'null'],
    ['bigint', { n: 10n }, '{"n":"10"}'],
    ['cycle', cyclic, '{"a":1,"self":"<circular>"}'],
    ['error', new TypeError('bad'), '{"name":"TypeError","message":"bad"}'],
    ['map', new Map([['k', 1]]), '{"k":1}'],
  ])('%s', (_label, value, expected) => {
    expect(toAttributeValue(value)).toBe(expected);
  });

  it('round-trips through fromAttributeValue and tolerates non-JSON text', () => {
    expect(fromAttributeValue(toAttributeValue({ a: [1, 2] }))).toEqual({ a: [1, 2] });
    expect(fromAttributeValue('tr-abc')).toBe('tr-abc');
  });
});
