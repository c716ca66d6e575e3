import { describe, expect, it } from 'vitest';
import { requestPreview, responsePreview } from './previews.ts';

describe('previews', () => {
  it.each([
    [
      'chat messages: last user text',
      {
        messages: [
          { role: 'user', content: 'first' },
          { role: 'assistant', content: 'a' },
          { role: 'user', content: 'second' },
        ],
      },
      'second',
    ],
    ['wrapped by argument name', { request: { messages: [{ role: 'user', content: 'hi' }] } }, 'hi'],
    [
      'multi-part content',
      { messages: [{ role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'image_url' }] }] },
      'look',
    ],
    ['plain string', 'just text', 'just text'],
    ['other JSON', { query: 'q', k: 3 }, '{"query":"q","k":3}'],
  ])('request: %s', (_label, inputs, expected) => {
    expect(requestPreview(inputs)).toBe(expected);
  });

  it.each([
    ['OpenAI completion', { choices: [{ message: { role: 'assistant', content: 'answer' } }] }, 'answer'],
    ['assistant message', { role: 'assistant', content: 'hello' }, 'hello'],
    [
      'message list',
      {
        messages: [
          { role: 'user', content: 'q' },
          { role: 'assistant', content: 'a' },
        ],
      },
      'a',
    ],
    ['number', 42, '42'],
  ])('response: %s', (_label, outputs, expected) => {
    expect(responsePreview(outputs)).toBe(expected);
  });

  it('cuts at 1000 characters with an ellipsis, like MLflow OSS', () => {
    const preview = requestPreview('x'.repeat(5000));
    expect(preview).toHaveLength(1000);
    expect(preview?.endsWith('...')).toBe(true);
  });
});
