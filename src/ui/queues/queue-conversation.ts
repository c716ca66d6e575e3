import { detectChatMessages, type ChatMessage } from '../../core/chat-messages.ts';
import { SPAN_ATTRIBUTES } from '../../core/model.ts';
import { parseAttributes, type SpanTree } from '../../core/span-tree.ts';

/**
 * The trace's conversation for a reviewer: the first span (in tree order) whose inputs are chat
 * messages, followed by its reply when the outputs are chat-shaped too. null when no span holds one.
 */
export function conversationOf(tree: SpanTree): ChatMessage[] | null {
  for (const node of tree.nodes) {
    const attributes = parseAttributes(node.raw);
    const get = (key: string) => attributes.find(([k]) => k === key)?.[1];
    const asked = detectChatMessages(get(SPAN_ATTRIBUTES.inputs));
    if (!asked) continue;
    return [...asked, ...(detectChatMessages(get(SPAN_ATTRIBUTES.outputs)) ?? [])];
  }
  return null;
}
