import { describe, expect, it } from 'vitest';
import { previewText } from './preview-text.ts';

describe('previewText', () => {
  it.each([
    [undefined, 'request', ''],
    ['plain text', 'request', 'plain text'],
    ['"a json string"', 'request', 'a json string'],
    ['{"messages":[{"role":"system","content":"s"},{"role":"user","content":"hi"}]}', 'request', 'hi'],
    ['{"choices":[{"message":{"role":"assistant","content":"hello"}}]}', 'response', 'hello'],
    ['{"query":"what?"}', 'request', 'what?'],
    ['{"a":1,"b":2}', 'request', '{"a":1,"b":2}'],
    ['{"truncated...', 'response', '{"truncated...'],
  ] as const)('%j (%s)', (preview, side, expected) => {
    expect(previewText(preview, side)).toBe(expected);
  });
});
