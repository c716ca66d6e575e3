import { describe, expect, it } from 'vitest';
import { re2Search } from './re2-search.ts';

describe('re2Search', () => {
  it('searches unanchored, with Python spellings RE2 shares or is translated to', () => {
    expect(re2Search('b+', 'abbc')).toBe(true);
    expect(re2Search('^b', 'abc')).toBe(false);
    expect(re2Search('(?P<x>ab)c', 'zabc')).toBe(true);
    expect(re2Search('(?i)ABC', 'xabcx')).toBe(true);
    expect(re2Search('c\\Z', 'abc')).toBe(true);
    expect(re2Search('c\\Z', 'abc\n')).toBe(false);
    expect(re2Search('\\\\Z', 'a\\Z')).toBe(true); // an escaped backslash, then a literal Z
    expect(re2Search('é.', 'café!')).toBe(true); // code points, as Python's str patterns
  });

  it('matches nothing for a pattern RE2 cannot parse', () => {
    expect(re2Search('[', '[')).toBe(false);
    expect(re2Search('a{1001}', 'a'.repeat(1001))).toBe(false);
  });

  // The adversarial cases: a backtracking engine takes seconds (doubling per character) and
  // would hit the test timeout here; RE2 is linear in the text. Timings are bench/load.ts's business.
  it('answers adversarial patterns without backtracking', () => {
    expect(re2Search('^(a|a)*$', `${'a'.repeat(30)}!`)).toBe(false);
    expect(re2Search('^(a|a)*$', `${'a'.repeat(200_000)}!`)).toBe(false);
    expect(re2Search('^tr-(?:[0-9a-f]|[0-9a-f]){0,26}Z', `tr-${'0'.repeat(32)}`)).toBe(false);
    expect(re2Search('^(a+)+$', `${'a'.repeat(200_000)}b`)).toBe(false);
    expect(re2Search('^(a|a)*$', 'a'.repeat(1000))).toBe(true);
  });
});
