// Request/response previews as MLflow OSS computes them (tracing/utils/truncation.py): chat payloads
// show the last user (or assistant) message text, anything else its JSON, cut at 1000 characters.

export const PREVIEW_MAX_LENGTH = 1000;

type Role = 'user' | 'assistant';

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 3)}...`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function messageText(message: unknown): string | undefined {
  if (!isRecord(message)) return undefined;
  const content = message.content;
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    // Multi-part content: OpenAI-style [{type: 'text', text}] parts.
    const parts = content
      .map((part) => (isRecord(part) && typeof part.text === 'string' ? part.text : ''))
      .filter(Boolean);
    return parts.length ? parts.join(' ') : undefined;
  }
  return undefined;
}

function lastMessage(messages: unknown, role: Role): string | undefined {
  if (!Array.isArray(messages)) return undefined;
  for (let i = messages.length - 1; i >= 0; i--) {
    const message: unknown = messages[i];
    if (isRecord(message) && message.role === role) return messageText(message);
  }
  return undefined;
}

function chatText(value: unknown, role: Role, depth = 0): string | undefined {
  if (!isRecord(value)) return undefined;
  const direct = lastMessage(value.messages, role);
  if (direct !== undefined) return direct;
  if (role === 'assistant') {
    if (value.role === 'assistant') return messageText(value);
    const choices = value.choices;
    if (Array.isArray(choices) && isRecord(choices[0])) {
      const text = messageText(choices[0].message);
      if (text !== undefined) return text;
    }
  }
  // Wrapped payloads such as {request: {messages}} from trace(fn) argument capture.
  if (depth === 0) {
    const values = Object.values(value);
    if (values.length === 1) return chatText(values[0], role, 1);
  }
  return undefined;
}

function preview(value: unknown, role: Role, max: number): string | undefined {
  if (value === undefined) return undefined;
  const chat = chatText(value, role);
  if (chat !== undefined) return truncate(chat, max);
  if (typeof value === 'string') return truncate(value, max);
  try {
    const text = JSON.stringify(value);
    return text === undefined ? undefined : truncate(text, max);
  } catch {
    return undefined;
  }
}

export const requestPreview = (inputs: unknown, max = PREVIEW_MAX_LENGTH) => preview(inputs, 'user', max);
export const responsePreview = (outputs: unknown, max = PREVIEW_MAX_LENGTH) => preview(outputs, 'assistant', max);
