import { SPAN_ATTRIBUTES } from '../../src/core/model.ts';
import { trace, withSpan } from '../../src/sdk/index.ts';
import { fakeChatCompletion, FAKE_MODEL, type ChatCompletion, type ChatMessage } from './fake-llm.ts';

// The instrumented "business logic": an agent that retrieves documents, maybe calls a tool, and asks
// the model. Each step is a span, so the explorer shows agent → retriever / tool / chat model.

const SYSTEM_PROMPT = 'You are a helpful support assistant for Acme Cloud.';

const DOCS = [
  { id: 'kb-billing-002', words: ['bill', 'invoice', 'charge', 'refund', 'price'] },
  { id: 'kb-tech-101', words: ['deploy', 'error', 'crash', 'image', 'timeout'] },
  { id: 'kb-account-003', words: ['account', 'password', 'login', 'member', 'team'] },
];

export const retrieveDocs = trace(
  function retrieveDocs(query: string) {
    const lower = query.toLowerCase();
    return DOCS.filter((doc) => doc.words.some((w) => lower.includes(w))).map((doc) => ({ id: doc.id, score: 0.8 }));
  },
  { spanType: 'RETRIEVER' },
);

export const lookupOrder = trace(
  async function lookupOrder(orderId: string) {
    await new Promise((resolve) => setTimeout(resolve, 3));
    return { order_id: orderId, status: 'shipped', carrier: 'UPS' };
  },
  { name: 'lookup_order', spanType: 'TOOL' },
);

async function callModel(messages: ChatMessage[], sources: string[]): Promise<ChatCompletion> {
  return withSpan(
    { name: 'chat_model', spanType: 'CHAT_MODEL', inputs: { model: FAKE_MODEL, messages } },
    async (span) => {
      span.setAttribute(SPAN_ATTRIBUTES.model, FAKE_MODEL).setAttribute(SPAN_ATTRIBUTES.provider, 'fake');
      const completion = await fakeChatCompletion(messages, sources);
      span.setTokenUsage(completion.usage).setOutputs(completion);
      return completion;
    },
  );
}

/** Answers the conversation's last user message; must run inside the request's root span. */
export async function runChatAgent(messages: ChatMessage[]): Promise<ChatCompletion> {
  const question = messages.at(-1)?.content ?? '';
  const docs = retrieveDocs(question);
  const context = [...docs.map((d) => d.id)];
  const order = /order\s*#?(\d{4,})/i.exec(question);
  const toolMessages: ChatMessage[] = [];
  if (order) {
    const result = await lookupOrder(order[1]);
    toolMessages.push({ role: 'tool', content: JSON.stringify(result) });
    context.push(`order ${result.order_id}: ${result.status}`);
  }
  return callModel([{ role: 'system', content: SYSTEM_PROMPT }, ...messages, ...toolMessages], context);
}
