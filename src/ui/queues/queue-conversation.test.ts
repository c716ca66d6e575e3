import { describe, expect, it } from 'vitest';
import { buildSpanTree } from '../../core/span-tree.ts';
import type { SpanDict } from '../../core/model.ts';
import { conversationOf } from './queue-conversation.ts';

const span = (id: string, parent: string | null, attributes: Record<string, unknown>): SpanDict =>
  ({
    trace_id: 't',
    span_id: id,
    parent_span_id: parent,
    name: id,
    start_time_unix_nano: '1',
    end_time_unix_nano: '2',
    status: { code: 'STATUS_CODE_OK', message: '' },
    attributes: Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, JSON.stringify(v)])),
    events: [],
  }) as unknown as SpanDict;

describe('conversationOf', () => {
  it('takes the first chat-shaped inputs in tree order, followed by their reply', () => {
    const tree = buildSpanTree([
      span('root', null, { 'mlflow.spanInputs': { question: 'q' }, 'mlflow.spanOutputs': 'a' }),
      span('llm', 'root', {
        'mlflow.spanInputs': { messages: [{ role: 'user', content: 'Hello?' }] },
        'mlflow.spanOutputs': { choices: [{ message: { role: 'assistant', content: 'Hi.' } }] },
      }),
    ]);
    expect(conversationOf(tree)?.map((m) => [m.role, m.text])).toEqual([
      ['user', 'Hello?'],
      ['assistant', 'Hi.'],
    ]);
  });

  it('is null when no span holds chat messages', () => {
    expect(conversationOf(buildSpanTree([span('root', null, { 'mlflow.spanInputs': { q: 1 } })]))).toBeNull();
  });
});
