import Fastify, { type FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { CONTEXT_KEYS } from '../../src/core/model.ts';
import { flush, logFeedback, searchTraces, updateCurrentTrace, withSpan } from '../../src/sdk/index.ts';
import { runChatAgent } from './chat-agent.ts';
import type { ChatMessage } from './fake-llm.ts';

export interface ChatServiceConfig {
  environment: string;
  appVersion: string;
  deploymentId: string;
  region: string;
  /** How long /chat_feedback waits for a just-finished trace to become searchable. */
  feedbackLookupTimeoutMs?: number;
}

// Ids end up inside a search filter string, which has no escapes: allow only a safe alphabet.
const ID_PATTERN = /^[\w.:@-]{1,200}$/;
const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** Builds the example chat service (not listening), instrumented with the trace-explorer SDK. */
export async function buildChatService(config: ChatServiceConfig): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  // Conversation history per session; a real service would keep this in a database.
  const sessions = new Map<string, ChatMessage[]>();

  app.post<{ Body: { message: string } }>(
    '/chat',
    {
      schema: {
        body: {
          type: 'object',
          required: ['message'],
          properties: { message: { type: 'string', minLength: 1, maxLength: 10_000 } },
        },
      },
    },
    async (request, reply) => {
      const requestId = header(request.headers['x-request-id']) ?? randomUUID();
      const sessionId = header(request.headers['x-session-id']);
      const userId = header(request.headers['x-user-id']);
      for (const [name, value] of [
        ['X-Request-ID', requestId],
        ['X-Session-ID', sessionId],
        ['X-User-ID', userId],
      ] as const) {
        if (value !== undefined && !ID_PATTERN.test(value))
          return reply.code(400).send({ error: `${name} must match ${ID_PATTERN}` });
      }
      const history = sessionId ? (sessions.get(sessionId) ?? []) : [];
      const messages: ChatMessage[] = [...history, { role: 'user', content: request.body.message }];

      return withSpan({ name: 'chat', spanType: 'AGENT', inputs: { messages } }, async (span) => {
        updateCurrentTrace({
          clientRequestId: requestId,
          ...(userId ? { user: userId } : {}),
          ...(sessionId ? { session: sessionId } : {}),
          metadata: {
            [CONTEXT_KEYS.environment]: config.environment,
            [CONTEXT_KEYS.appVersion]: config.appVersion,
            [CONTEXT_KEYS.deploymentId]: config.deploymentId,
            [CONTEXT_KEYS.region]: config.region,
          },
          tags: { endpoint: '/chat' },
        });
        reply.header('x-request-id', requestId).header('x-trace-id', span.traceId);
        try {
          const completion = await runChatAgent(messages);
          const answer = completion.choices[0].message;
          span.setOutputs({ choices: completion.choices });
          if (sessionId) sessions.set(sessionId, [...messages, answer]);
          return { reply: answer.content, request_id: requestId, trace_id: span.traceId };
        } catch (error) {
          // withSpan would record the error too, but the HTTP caller gets a clean 502 rather than a throw.
          span.recordException(error);
          return reply.code(502).send({
            error: 'The assistant is unavailable, please retry.',
            request_id: requestId,
            trace_id: span.traceId,
          });
        }
      });
    },
  );

  app.post<{ Querystring: { client_request_id?: string }; Body: { value: boolean; comment?: string } }>(
    '/chat_feedback',
    {
      schema: {
        querystring: {
          type: 'object',
          required: ['client_request_id'],
          properties: { client_request_id: { type: 'string' } },
        },
        body: {
          type: 'object',
          required: ['value'],
          properties: { value: { type: 'boolean' }, comment: { type: 'string', maxLength: 5000 } },
        },
      },
    },
    async (request, reply) => {
      const clientRequestId = request.query.client_request_id ?? '';
      const userId = header(request.headers['x-user-id']);
      if (!ID_PATTERN.test(clientRequestId))
        return reply.code(400).send({ error: `client_request_id must match ${ID_PATTERN}` });
      const traceId = await findTraceId(clientRequestId, config.feedbackLookupTimeoutMs ?? 5000);
      if (!traceId) return reply.code(404).send({ error: `No trace with client request id '${clientRequestId}'.` });
      const assessment = await logFeedback({
        traceId,
        name: 'user_satisfaction',
        value: request.body.value,
        source: { sourceType: 'HUMAN', sourceId: userId ?? 'anonymous' },
        ...(request.body.comment ? { rationale: request.body.comment } : {}),
      });
      return { trace_id: traceId, assessment_id: assessment.assessment_id };
    },
  );

  return app;
}

/**
 * Finds a trace by its client request id. Export is asynchronous, so feedback that arrives right after
 * the answer may beat its trace to the server: flush our queue, then poll briefly.
 */
async function findTraceId(clientRequestId: string, timeoutMs: number): Promise<string | undefined> {
  await flush();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { traces } = await searchTraces({ filter: `client_request_id = '${clientRequestId}'`, maxResults: 1 });
    if (traces[0]) return traces[0].trace_id;
    if (Date.now() >= deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
