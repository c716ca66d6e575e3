// Trace request/response previews from the root span's inputs/outputs, like MLflow OSS
// (tracing/utils/truncation.py): chat payloads preview as the last user (or assistant) message
// text, anything else as its JSON text; at most 1000 characters, ending in "..." when cut.
const MAX_PREVIEW = 1000;

type Role = 'user' | 'assistant';

function messageText(message: unknown): string | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const content = (message as { content?: unknown }).content;
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    const texts = content
      .map((part) =>
        typeof part === 'string'
          ? part
          : typeof part === 'object' && part !== null
            ? (part as { text?: unknown }).text
            : undefined,
      )
      .filter((t): t is string => typeof t === 'string');
    return texts.length > 0 ? texts.join('\n') : undefined;
  }
  return undefined;
}

function lastMessageOf(messages: unknown, role: Role): string | undefined {
  if (!Array.isArray(messages)) return undefined;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i] as { role?: unknown } | null;
    if (m && typeof m === 'object' && m.role === role) return messageText(m);
  }
  return undefined;
}

function chatText(value: unknown, role: Role): string | undefined {
  if (Array.isArray(value)) return lastMessageOf(value, role);
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as { messages?: unknown; choices?: unknown };
  if (role === 'assistant' && Array.isArray(v.choices) && v.choices.length > 0) {
    const text = messageText((v.choices[0] as { message?: unknown }).message);
    if (text !== undefined) return text;
  }
  return lastMessageOf(v.messages, role);
}

export function truncatePreview(text: string): string {
  return text.length > MAX_PREVIEW ? `${text.slice(0, MAX_PREVIEW - 3)}...` : text;
}

export function previewText(value: unknown, role: Role): string | undefined {
  if (value === undefined) return undefined;
  const chat = chatText(value, role);
  if (chat !== undefined) return truncatePreview(chat);
  let text: string;
  try {
    text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  } catch {
    return undefined;
  }
  return text === undefined ? undefined : truncatePreview(text);
}
