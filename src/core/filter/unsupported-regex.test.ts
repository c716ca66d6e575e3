import { describe, expect, it } from 'vitest';
import { checkFilter } from './check-filter.ts';
import { unsupportedRegex } from './unsupported-regex.ts';

describe('unsupportedRegex', () => {
  it.each([
    ['(a)\\1', 'a backreference', '\\1'],
    ['(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)\\10', 'a backreference', '\\10'],
    ['(?P<n>a)(?P=n)', 'a backreference', '(?P='],
    ['foo(?=bar)', 'a lookahead', '(?='],
    ['foo(?!bar)', 'a negative lookahead', '(?!'],
    ['(?<=foo)bar', 'a lookbehind', '(?<='],
    ['(?<!foo)bar', 'a negative lookbehind', '(?<!'],
    ['(a)?(?(1)b|c)', 'a conditional group', '(?('],
    ['(?>a+)b', 'an atomic group', '(?>'],
    ['a*+b', 'a possessive quantifier', '*+'],
    ['a++b', 'a possessive quantifier', '++'],
    ['a{2,3}+b', 'a possessive quantifier', '}+'],
    ['(?x) a b', 'verbose mode', '(?x)'],
    ['(?ix:a b)', 'verbose mode', '(?ix:'],
  ])('%s uses %s', (pattern, construct, text) => {
    expect(unsupportedRegex(pattern)).toEqual({ construct, text });
  });

  it.each([
    '^(a|a)*$',
    '^tr-(?:[0-9a-f]|[0-9a-f]){0,26}Z',
    '(?P<name>a)b',
    '(?i)abc',
    '[\\1]', // octal escape inside a class
    '\\101', // three octal digits: the character A
    '\\\\1', // an escaped backslash, then the digit 1
    '[(?=]x', // group syntax inside a class is literal
    '[]?=]', // `]` first in a class is a literal
    'a\\++', // an escaped +, then one or more
    'a}+', // a literal brace repeated
    'a+?',
  ])('%s is supported', (pattern) => {
    expect(unsupportedRegex(pattern)).toBeNull();
  });
});

describe('RLIKE validation', () => {
  it('refuses a pattern only a backtracking engine can run, saying what and why', () => {
    const result = checkFilter("tag.k RLIKE '(a)\\1'", 'mlflow');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.diagnostic.code).toBe('unsupported-regex');
    expect(result.diagnostic.message).toBe(
      'RLIKE pattern uses a backreference (\\1), which this server does not support: patterns run on a ' +
        'linear-time engine (RE2 syntax) so that no pattern can stall the server.',
    );
    expect([result.diagnostic.from, result.diagnostic.to]).toEqual([12, 19]);
  });

  it('checks the pattern of every RLIKE, and only RLIKE', () => {
    expect(checkFilter("span.name RLIKE 'x' OR request_id RLIKE '(?<=a)b'", 'extended').ok).toBe(false);
    expect(checkFilter("tag.k LIKE '(?=x)' AND tag.k = '\\1'", 'extended').ok).toBe(true);
  });
});
