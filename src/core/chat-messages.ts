// Recognises OpenAI-style chat payloads in span inputs and outputs so the explorer can show
// them as a conversation. The result is plain text per message: message content is LLM output
// and is never interpreted as HTML or markdown.
export interface ChatToolCall {
  name: string;
  arguments: string;
}

export interface ChatMessage {
  role: string;
  text: string;
  toolCalls: ChatToolCall[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const stringify = (v: unknown): string => (typeof v === 'string' ? v : v === undefined ? '' : JSON.stringify(v));

/** Text of a message `content`: a string, or an array of parts (`{type:'text', text}`, images…). */
function contentText(content: unknown): string | null {
  if (content == null) return '';
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return null;
  const parts: string[] = [];
  for (const part of content) {
    if (typeof part === 'string') parts.push(part);
    else if (isRecord(part)) {
      if (typeof part.text === 'string') parts.push(part.text);
      else if (typeof part.type === 'string') parts.push(`[${part.type}]`);
      else return null;
    } else return null;
  }
  return parts.join('\n');
}

function toolCallsOf(message: Record<string, unknown>): ChatToolCall[] | null {
  const calls = message.tool_calls;
  if (calls === undefined || calls === null) return [];
  if (!Array.isArray(calls)) return null;
  const out: ChatToolCall[] = [];
  for (const call of calls) {
    if (!isRecord(call)) return null;
    const fn = isRecord(call.function) ? call.function : call;
    out.push({ name: stringify(fn.name), arguments: stringify(fn.arguments) });
  }
  return out;
}

function toMessage(value: unknown): ChatMessage | null {
  if (!isRecord(value) || typeof value.role !== 'string') return null;
  const text = contentText(value.content);
  const toolCalls = toolCallsOf(value);
  if (text === null || toolCalls === null) return null;
  return { role: value.role, text, toolCalls };
}

function toMessages(list: unknown): ChatMessage[] | null {
  if (!Array.isArray(list) || list.length === 0) return null;
  const out: ChatMessage[] = [];
  for (const item of list) {
    const message = toMessage(item);
    if (!message) return null;
    out.push(message);
  }
  return out;
}

/**
 * The conversation in a span input or output, or null when it is not chat-shaped. Accepts a
 * bare message array, `{messages: [...]}` (request), and `{choices: [{message}]}` (response).
 */
export function detectChatMessages(value: unknown): ChatMessage[] | null {
  const direct = toMessages(value);
  if (direct) return direct;
  if (!isRecord(value)) return null;
  const fromMessages = toMessages(value.messages);
  if (fromMessages) return fromMessages;
  if (Array.isArray(value.choices)) {
    const messages = value.choices.map((choice) => (isRecord(choice) ? choice.message : undefined));
    return toMessages(messages);
  }
  return null;
}
