import { describe, expect, it } from 'vitest';
import { safeHttpUrl } from './safe-url.ts';
import { spanIdToHex } from './span-id.ts';
import { parseWireDuration } from './wire-duration.ts';

describe('safeHttpUrl', () => {
  it.each([
    ['https://github.com/a/b', 'https://github.com/a/b'],
    ['http://x.test/p?q=1', 'http://x.test/p?q=1'],
    ['javascript:alert(1)', null],
    [' JavaScript:alert(1)', null],
    ['data:text/html,<script>', null],
    ['//evil.test', null],
    ['git@github.com:a/b.git', null],
  ])('%j', (text, expected) => expect(safeHttpUrl(text)).toBe(expected));
});

describe('spanIdToHex and parseWireDuration', () => {
  it.each([
    ['AAAAAAAAAAE=', '0000000000000001'],
    ['0123456789abcdef', '0123456789abcdef'],
    ['not base64!', 'not base64!'],
  ])('span id %j', (id, hex) => expect(spanIdToHex(id)).toBe(hex));
  it.each([
    ['0.532s', 532],
    ['2s', 2000],
    [undefined, null],
    ['12', null],
  ])('duration %j', (text, ms) => expect(parseWireDuration(text)).toBe(ms));
});
