import { describe, expect, it } from 'vitest';
import { detectChatMessages } from './chat-messages.ts';

describe('detectChatMessages', () => {
  it.each([
    ['bare array', [{ role: 'user', content: 'hi' }], [['user', 'hi']]],
    [
      'messages object',
      {
        messages: [
          { role: 'system', content: 'be nice' },
          { role: 'user', content: 'hi' },
        ],
        model: 'x',
      },
      [
        ['system', 'be nice'],
        ['user', 'hi'],
      ],
    ],
    [
      'content parts',
      [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'a' },
            { type: 'image_url', image_url: { url: 'x' } },
          ],
        },
      ],
      [['user', 'a\n[image_url]']],
    ],
    [
      'null content with tool call',
      [
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: '1', type: 'function', function: { name: 'f', arguments: '{}' } }],
        },
      ],
      [['assistant', '']],
    ],
    [
      'completion choices',
      { choices: [{ index: 0, message: { role: 'assistant', content: '<script>x</script>' } }] },
      [['assistant', '<script>x</script>']],
    ],
  ])('%s', (_l, value, expected) => {
    expect(detectChatMessages(value)?.map((m) => [m.role, m.text])).toEqual(expected);
  });

  it.each([
    ['string', 'hello'],
    ['null', null],
    ['empty array', []],
    ['missing role', [{ content: 'x' }]],
    ['numeric content', [{ role: 'user', content: 5 }]],
    ['plain object', { query: 'hi' }],
    ['choices without message', { choices: [{ text: 'x' }] }],
  ])('not chat: %s', (_l, value) => {
    expect(detectChatMessages(value)).toBeNull();
  });

  it('keeps tool call names and arguments as text', () => {
    const [message] = detectChatMessages([
      { role: 'assistant', content: '', tool_calls: [{ function: { name: 'search', arguments: { q: 1 } } }] },
    ])!;
    expect(message.toolCalls).toEqual([{ name: 'search', arguments: '{"q":1}' }]);
  });
});
