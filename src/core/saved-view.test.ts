import { describe, expect, it } from 'vitest';
import { checkSavedViewBody, checkSavedViewName } from './saved-view.ts';

describe('checkSavedViewBody', () => {
  it('accepts a versioned body with known string parameters and returns a clean copy', () => {
    const body = { version: 1, tab: 'compare', params: { q: "status = 'OK'", key: 'metadata.app_version' } };
    expect(checkSavedViewBody(body)).toEqual({ ok: true, value: body });
  });

  it.each<[string, unknown, RegExp]>([
    ['not an object', [1], /JSON object/],
    ['a future version', { version: 2, tab: 'traces', params: {} }, /version 2/],
    ['no version', { tab: 'traces', params: {} }, /version undefined/],
    ['a bad tab', { version: 1, tab: 'x', params: {} }, /tab/],
    ['params as a list', { version: 1, tab: 'traces', params: ['q'] }, /object of strings/],
    [
      'an unknown parameter',
      { version: 1, tab: 'traces', params: { experiment: '1' } },
      /Unknown saved view parameter/,
    ],
    ['a number value', { version: 1, tab: 'traces', params: { sort: 3 } }, /must be a string/],
    ['an extra field', { version: 1, tab: 'traces', params: {}, owner: 'me' }, /Unknown saved view body field 'owner'/],
    ['too large', { version: 1, tab: 'traces', params: { q: 'x'.repeat(17_000) } }, /at most 16384/],
  ])('refuses %s', (_name, body, message) => {
    expect(checkSavedViewBody(body)).toEqual({ ok: false, message: expect.stringMatching(message) });
  });
});

describe('checkSavedViewName', () => {
  it('trims, and refuses empty, long, control characters and non-strings', () => {
    expect(checkSavedViewName('  Errors ')).toEqual({ ok: true, value: 'Errors' });
    expect(checkSavedViewName('').ok).toBe(false);
    expect(checkSavedViewName('x'.repeat(121)).ok).toBe(false);
    expect(checkSavedViewName('a\nb').ok).toBe(false);
    expect(checkSavedViewName(5).ok).toBe(false);
  });
});
