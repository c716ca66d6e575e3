// Turns a trace's request/response preview (JSON or text, truncated to 1000 chars by the
// server) into a one-glance line for the session conversation. Chat payloads give their last
// user (request) or assistant (response) message, as MLflow's own previews do.
import { detectChatMessages } from './chat-messages.ts';

export function previewText(preview: string | undefined, side: 'request' | 'response'): string {
  if (!preview) return '';
  let value: unknown;
  try {
    value = JSON.parse(preview) as unknown;
  } catch {
    return preview;
  }
  if (typeof value === 'string') return value;
  const messages = detectChatMessages(value);
  if (messages) {
    const wanted = side === 'request' ? 'user' : 'assistant';
    const match = [...messages].reverse().find((m) => m.role === wanted) ?? messages[messages.length - 1];
    return match.text;
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.values(value as Record<string, unknown>);
    if (entries.length === 1 && typeof entries[0] === 'string') return entries[0];
  }
  return preview;
}
