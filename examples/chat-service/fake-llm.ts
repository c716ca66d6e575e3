// A stand-in for a real chat model: deterministic (same messages → same answer), no network, and
// realistic enough for the explorer: token counts, a model name, latency, and a way to fail on demand.

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
}

export interface ChatCompletion {
  model: string;
  choices: { index: number; message: ChatMessage; finish_reason: 'stop' }[];
  usage: { input_tokens: number; output_tokens: number; total_tokens: number };
}

export class RateLimitError extends Error {
  override name = 'RateLimitError';
}

export const FAKE_MODEL = 'fake-gpt-mini';

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

const tokens = (text: string) => Math.max(1, Math.ceil(text.length / 4));

const REPLIES = [
  'Here is what I found: {topic}. Let me know if you need more detail.',
  'Good question about {topic}. The short answer: it is covered in our docs, and I have summarized the key steps.',
  'About {topic}: I checked your account and everything looks in order.',
];

/** Answers the last user message. A message containing "#fail" raises a RateLimitError, to demo error traces. */
export async function fakeChatCompletion(messages: ChatMessage[], context: string[] = []): Promise<ChatCompletion> {
  const question = [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
  // Simulated network + generation time, small so tests stay fast.
  await new Promise((resolve) => setTimeout(resolve, 5 + (hash(question) % 20)));
  if (question.includes('#fail'))
    throw new RateLimitError('Error code: 429 - Rate limit reached for requests (fake LLM).');
  const topic = question.replace(/[?!.]+$/, '').slice(0, 80) || 'that';
  const content =
    REPLIES[hash(question) % REPLIES.length].replace('{topic}', topic) +
    (context.length ? ` (sources: ${context.join(', ')})` : '');
  const input = messages.reduce((n, m) => n + tokens(m.content), 0);
  const output = tokens(content);
  return {
    model: FAKE_MODEL,
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: { input_tokens: input, output_tokens: output, total_tokens: input + output },
  };
}
