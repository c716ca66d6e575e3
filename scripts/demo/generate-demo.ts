import { CONTEXT_KEYS, METADATA, SPAN_ATTRIBUTES, type JsonValue } from '../../src/core/model.ts';
import type { SpanType } from '../../src/sdk/index.ts';
import {
  CATEGORY_WEIGHTS,
  DOWNVOTE_COMMENTS,
  ERROR_COMMENTS,
  SYSTEM_PROMPT,
  TOPICS,
  UPVOTE_COMMENTS,
  type Topic,
} from './demo-catalog.ts';
import { Prng } from './prng.ts';

// The rules of the demo world. Each knob is chosen so that the explorer has something unmistakable to
// find: a bad release (1.1.0), a feature flag that matters, slow regions, power users and long sessions.

export type AppVersion = '1.0.0' | '1.1.0' | '1.2.0';
export type Environment = 'development' | 'staging' | 'production';

interface VersionProfile {
  errorRate: number;
  medianMs: number;
  sigma: number;
  model: string;
  /** Probability of a thumbs up on a successful answer. */
  upRate: number;
  errorWeights: readonly (readonly [ErrorKind, number])[];
  commit: string;
}

type ErrorKind = 'rate_limit' | 'timeout' | 'parse' | 'tool' | 'retriever';

export const VERSION_PROFILES: Record<AppVersion, VersionProfile> = {
  '1.0.0': {
    errorRate: 0.04,
    medianMs: 1800,
    sigma: 0.45,
    model: 'gpt-4o-mini',
    upRate: 0.78,
    commit: '3c5e1f0a9b7d4e2c8a6f1b3d5e7c9a0b2d4f6e81',
    errorWeights: [
      ['rate_limit', 3],
      ['timeout', 3],
      ['tool', 2],
      ['retriever', 2],
      ['parse', 1],
    ],
  },
  // The bad release: a new model whose tool-call arguments often fail to parse, and slower answers.
  '1.1.0': {
    errorRate: 0.12,
    medianMs: 2600,
    sigma: 0.6,
    model: 'gpt-4.1',
    upRate: 0.55,
    commit: '9a1b7c3d5e0f2a4c6e8b1d3f5a7c9e0b2d4f6a13',
    errorWeights: [
      ['parse', 8],
      ['timeout', 3],
      ['rate_limit', 2],
      ['tool', 1],
      ['retriever', 1],
    ],
  },
  '1.2.0': {
    errorRate: 0.02,
    medianMs: 1300,
    sigma: 0.35,
    model: 'gpt-4.1-mini',
    upRate: 0.88,
    commit: 'f0e2d4c6b8a1c3e5f7a9b0d2c4e6f8a1b3c5d7e9',
    errorWeights: [
      ['rate_limit', 3],
      ['timeout', 2],
      ['tool', 2],
      ['retriever', 1],
    ],
  },
};

const REGIONS = [
  ['us-east-1', 40],
  ['eu-west-1', 30],
  ['us-west-2', 20],
  ['ap-southeast-1', 10],
] as const;
const REGION_LATENCY: Record<string, number> = {
  'us-east-1': 1,
  'us-west-2': 1.05,
  'eu-west-1': 1.1,
  'ap-southeast-1': 1.45,
};
const ENVIRONMENTS = [
  ['production', 78],
  ['staging', 14],
  ['development', 8],
] as const;
const TIERS = [
  ['free', 55],
  ['pro', 35],
  ['enterprise', 10],
] as const;
const TURN_WEIGHTS = [
  [1, 8],
  [2, 10],
  [3, 12],
  [4, 14],
  [5, 14],
  [6, 14],
  [7, 14],
  [8, 14],
] as const;
/** Streaming answers finish sooner because the model stops generating filler once the client has read enough. */
export const STREAMING_LATENCY_FACTOR = 0.7;

/**
 * Rollout schedule as fractions of the time window (0 = oldest, 1 = now): production moves to 1.1.0
 * between 0.35 and 0.42 and to 1.2.0 between 0.62 and 0.66; staging and development lead by 0.07.
 */
const ROLLOUTS: readonly { version: AppVersion; from: number; to: number }[] = [
  { version: '1.1.0', from: 0.35, to: 0.42 },
  { version: '1.2.0', from: 0.62, to: 0.66 },
];

export interface DemoSpan {
  name: string;
  type: SpanType;
  /** Index of the parent in the trace's span list; undefined for the root. */
  parent?: number;
  startMs: number;
  endMs: number;
  inputs?: unknown;
  outputs?: unknown;
  attributes?: Record<string, unknown>;
  tokenUsage?: { input_tokens: number; output_tokens: number };
  error?: { type: string; message: string };
}

export interface DemoTrace {
  startMs: number;
  endMs: number;
  state: 'OK' | 'ERROR';
  clientRequestId: string;
  metadata: Record<string, string>;
  tags: Record<string, string>;
  /** Root first. */
  spans: DemoSpan[];
  feedback?: { value: boolean; rationale?: string; sourceId: string };
  expectations: { name: string; value: JsonValue; sourceId: string }[];
}

export interface DemoOptions {
  seed?: number;
  traces?: number;
  /** End of the time window; default now. */
  nowMs?: number;
  days?: number;
}

interface User {
  id: string;
  region: string;
  environment: Environment;
  tier: string;
  account: string;
  order: string;
}

const DAY_MS = 86_400_000;

function versionAt(t: number, environment: Environment, prng: Prng): AppVersion {
  const lead = environment === 'production' ? 0 : 0.07;
  let version: AppVersion = '1.0.0';
  for (const rollout of ROLLOUTS) {
    const from = rollout.from - lead;
    const to = rollout.to - lead;
    if (t >= to || (t > from && prng.chance((t - from) / (to - from)))) version = rollout.version;
  }
  return version;
}

/** Session start times follow a working-day curve (UTC) with slowly growing traffic. */
function sessionStart(prng: Prng, startMs: number, spanMs: number): number {
  for (;;) {
    const t = prng.next();
    const ms = startMs + t * spanMs;
    const hour = new Date(ms).getUTCHours();
    const daily = 0.25 + Math.exp(-((hour - 15) ** 2) / 18);
    const weekday = new Date(ms).getUTCDay();
    const weekly = weekday === 0 || weekday === 6 ? 0.6 : 1;
    if (prng.next() < (daily / 1.25) * weekly * (0.8 + 0.2 * t)) return ms;
  }
}

function fill(text: string, user: User): string {
  return text.replaceAll('{order}', user.order).replaceAll('{account}', user.account);
}

function fillArgs(args: Record<string, string>, user: User): Record<string, string> {
  return Object.fromEntries(Object.entries(args).map(([k, v]) => [k, fill(v, user)]));
}

const FOLLOW_UP_OPENERS = ['Sure.', 'Good question.', 'Of course.', 'Yes.', 'Happy to help.'];

function errorFor(kind: ErrorKind, tool: string | undefined): { type: string; message: string } {
  switch (kind) {
    case 'rate_limit':
      return {
        type: 'RateLimitError',
        message: 'Error code: 429 - Rate limit reached for requests. Please try again in 20s.',
      };
    case 'timeout':
      return { type: 'APITimeoutError', message: 'Request timed out after 30.0 seconds.' };
    case 'parse':
      return {
        type: 'OutputParserException',
        message: 'Could not parse tool call arguments: Unexpected token } in JSON at position 57',
      };
    case 'tool':
      return {
        type: 'ToolExecutionError',
        message: `${tool ?? 'tool'} failed: upstream service returned 503 Service Unavailable`,
      };
    case 'retriever':
      return { type: 'VectorStoreUnavailable', message: 'Connection reset by peer (vector-db.internal:6333)' };
  }
}

function deploymentIds(seed: number): Map<string, string> {
  const prng = new Prng(seed ^ 0x5eed);
  const ids = new Map<string, string>();
  const envShort: Record<Environment, string> = { production: 'prod', staging: 'stg', development: 'dev' };
  for (const [env] of ENVIRONMENTS) {
    for (const [region] of REGIONS) {
      for (const version of Object.keys(VERSION_PROFILES)) {
        const short = region.replace(/-(\d)$/, '$1').replace(/^(\w\w)-(\w)\w*?(\d)$/, '$1$2$3');
        ids.set(
          `${env}|${region}|${version}`,
          `${envShort[env]}-${short}-v${version.replaceAll('.', '')}-${prng.hex(4)}`,
        );
      }
    }
  }
  return ids;
}

interface TurnContext {
  prng: Prng;
  user: User;
  topic: Topic;
  version: AppVersion;
  environment: Environment;
  streaming: boolean;
  history: { role: 'user' | 'assistant'; content: string }[];
  question: string;
  answer: string;
  startMs: number;
}

/** Builds one chat turn: agent → retriever (→ embedding) → chat model → tool → chat model. */
function buildTurn(ctx: TurnContext): {
  spans: DemoSpan[];
  state: 'OK' | 'ERROR';
  endMs: number;
  durationFactor: number;
} {
  const { prng, topic, version, user } = ctx;
  const profile = VERSION_PROFILES[version];
  const tool = topic.tool;
  const failing = prng.chance(profile.errorRate);
  let errorKind: ErrorKind | undefined = failing ? prng.weighted(profile.errorWeights) : undefined;
  if (errorKind === 'tool' && !tool) errorKind = 'timeout';

  const factor = (ctx.streaming ? STREAMING_LATENCY_FACTOR : 1) * REGION_LATENCY[user.region] * (tool ? 1.25 : 1);
  const total = Math.max(250, prng.logNormal(profile.medianMs * factor, profile.sigma));
  const messages = [
    { role: 'system', content: SYSTEM_PROMPT },
    ...ctx.history,
    { role: 'user', content: ctx.question },
  ];
  const spans: DemoSpan[] = [
    { name: 'chat_assistant', type: 'AGENT', startMs: ctx.startMs, endMs: ctx.startMs, inputs: { messages } },
  ];
  let cursor = ctx.startMs + prng.int(2, 12);
  const fail = (span: DemoSpan, kind: ErrorKind): 'ERROR' => {
    span.error = errorFor(kind, tool?.name);
    return 'ERROR';
  };

  // Retriever with a nested embedding call.
  const retrieveMs = total * (0.08 + prng.next() * 0.06);
  const retriever: DemoSpan = {
    name: 'retrieve_docs',
    type: 'RETRIEVER',
    parent: 0,
    startMs: cursor,
    endMs: cursor + retrieveMs,
    inputs: { query: ctx.question, top_k: 3 },
  };
  spans.push(retriever);
  const embedMs = retrieveMs * (0.25 + prng.next() * 0.15);
  spans.push({
    name: 'embed_query',
    type: 'EMBEDDING',
    parent: 1,
    startMs: cursor + 1,
    endMs: cursor + 1 + embedMs,
    inputs: { input: ctx.question, model: 'text-embedding-3-small' },
    outputs: { dimensions: 1536 },
    attributes: { [SPAN_ATTRIBUTES.model]: 'text-embedding-3-small', [SPAN_ATTRIBUTES.provider]: 'openai' },
  });
  let state: 'OK' | 'ERROR' = 'OK';
  if (errorKind === 'retriever') {
    retriever.endMs = cursor + embedMs + prng.int(50, 400);
    state = fail(retriever, errorKind);
  } else {
    retriever.outputs = topic.docs.map((doc, i) => ({
      id: doc.id,
      metadata: { title: doc.title },
      score: Number((0.91 - i * 0.07 - prng.next() * 0.05).toFixed(3)),
    }));
  }
  cursor = retriever.endMs + prng.int(1, 8);

  const llmCall = (
    name: string,
    share: number,
    callMessages: unknown[],
    output: Record<string, unknown>,
    kind?: ErrorKind,
  ): DemoSpan => {
    const duration =
      kind === 'timeout' ? 30_000 + prng.int(0, 400) : kind === 'rate_limit' ? prng.int(80, 300) : total * share;
    const inputTokens = 120 + callMessages.length * 45 + topic.docs.length * 160 + prng.int(0, 60);
    const outputTokens = prng.int(40, 220);
    const span: DemoSpan = {
      name,
      type: 'CHAT_MODEL',
      parent: 0,
      startMs: cursor,
      endMs: cursor + duration,
      inputs: { model: profile.model, messages: callMessages, temperature: 0.2 },
      attributes: {
        [SPAN_ATTRIBUTES.model]: profile.model,
        [SPAN_ATTRIBUTES.provider]: 'openai',
        'mlflow.message.format': 'openai',
      },
    };
    if (kind) fail(span, kind);
    else {
      span.outputs = output;
      span.tokenUsage = { input_tokens: inputTokens, output_tokens: outputTokens };
    }
    spans.push(span);
    cursor = span.endMs + prng.int(1, 6);
    return span;
  };

  const finalMessage = { role: 'assistant', content: ctx.answer };
  const finalOutput = {
    id: `chatcmpl-${prng.hex(10)}`,
    model: profile.model,
    choices: [{ index: 0, message: finalMessage, finish_reason: 'stop' }],
  };
  const llmError =
    errorKind === 'rate_limit' || errorKind === 'timeout' || errorKind === 'parse' ? errorKind : undefined;
  if (state === 'OK' && tool) {
    const args = fillArgs(tool.args, user);
    const toolCall = {
      id: `call_${prng.hex(8)}`,
      type: 'function',
      function: { name: tool.name, arguments: JSON.stringify(args) },
    };
    const first = llmCall(
      'chat_model',
      0.35 + prng.next() * 0.1,
      messages,
      {
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: null, tool_calls: [toolCall] },
            finish_reason: 'tool_calls',
          },
        ],
      },
      llmError,
    );
    if (first.error) state = 'ERROR';
    else {
      const toolMs = total * (0.1 + prng.next() * 0.1);
      const toolSpan: DemoSpan = {
        name: tool.name,
        type: 'TOOL',
        parent: 0,
        startMs: cursor,
        endMs: cursor + toolMs,
        inputs: args,
      };
      spans.push(toolSpan);
      cursor = toolSpan.endMs + prng.int(1, 6);
      if (errorKind === 'tool') state = fail(toolSpan, errorKind);
      else {
        toolSpan.outputs = tool.result;
        llmCall(
          'chat_model',
          Math.max(0.1, 1 - (cursor - ctx.startMs) / total - 0.02),
          [
            ...messages,
            first.outputs,
            { role: 'tool', tool_call_id: toolCall.id, content: JSON.stringify(tool.result) },
          ],
          finalOutput,
        );
      }
    }
  } else if (state === 'OK') {
    const only = llmCall(
      'chat_model',
      Math.max(0.2, 1 - (cursor - ctx.startMs) / total - 0.02),
      messages,
      finalOutput,
      llmError,
    );
    if (only.error) state = 'ERROR';
  }

  const root = spans[0];
  root.endMs = cursor + prng.int(1, 10);
  if (state === 'ERROR') {
    const cause = spans.find((s) => s.error);
    if (cause?.error) root.error = cause.error;
  } else {
    root.outputs = { choices: [{ index: 0, message: finalMessage, finish_reason: 'stop' }] };
  }
  return { spans, state, endMs: root.endMs, durationFactor: factor };
}

/** Generates the demo data set, deterministic for a given seed, trace count and end time. */
export function generateDemo(options: DemoOptions = {}): DemoTrace[] {
  const seed = options.seed ?? 42;
  const target = options.traces ?? 3000;
  const nowMs = options.nowMs ?? Date.now();
  const days = options.days ?? 14;
  const prng = new Prng(seed);
  const windowStart = nowMs - days * DAY_MS;
  const windowMs = days * DAY_MS - 3_600_000;
  const deployments = deploymentIds(seed);

  const users: User[] = Array.from({ length: Math.max(1, Math.round(target / 20)) }, (_, i) => ({
    id: `user_${String(i + 1).padStart(4, '0')}`,
    region: prng.weighted(REGIONS),
    environment: prng.weighted(ENVIRONMENTS),
    tier: prng.weighted(TIERS),
    account: `acct_${prng.hex(6)}`,
    order: String(prng.int(100_000, 999_999)),
  }));
  // Some users chat far more than others: weight falls off with the user's rank.
  const userWeights = users.map((user, i) => [user, 1 / (1 + i * 0.03)] as const);

  const traces: DemoTrace[] = [];
  while (traces.length < target) {
    const user = prng.weighted(userWeights);
    const sessionId = `sess_${prng.hex(12)}`;
    let turnStart = sessionStart(prng, windowStart, windowMs);
    const t = (turnStart - windowStart) / windowMs;
    const version = versionAt(t, user.environment, prng);
    const streaming = prng.chance(0.5);
    const topic = prng.weighted(
      CATEGORY_WEIGHTS.map(([category, weight]) => {
        const candidates = TOPICS.filter((x) => x.category === category);
        return [prng.pick(candidates), weight] as const;
      }),
    );
    const turns = Math.min(prng.weighted(TURN_WEIGHTS), target - traces.length);
    const history: TurnContext['history'] = [];
    for (let turn = 0; turn < turns && turnStart < nowMs - 60_000; turn++) {
      const question = fill(
        turn === 0
          ? topic.question
          : (topic.followUps[(turn - 1) % topic.followUps.length] ?? 'Thanks, anything else I should know?'),
        user,
      );
      const sentence = (topic.answer.split('. ')[turn % 2] ?? topic.answer).replace(/\.?$/, '.');
      const answer = fill(turn === 0 ? topic.answer : `${prng.pick(FOLLOW_UP_OPENERS)} ${sentence}`, user);
      const built = buildTurn({
        prng,
        user,
        topic,
        version,
        environment: user.environment,
        streaming,
        history: [...history],
        question,
        answer,
        startMs: turnStart,
      });
      const metadata: Record<string, string> = {
        [METADATA.user]: user.id,
        [METADATA.session]: sessionId,
        [CONTEXT_KEYS.appVersion]: version,
        [CONTEXT_KEYS.environment]: user.environment,
        [CONTEXT_KEYS.region]: user.region,
        [CONTEXT_KEYS.deploymentId]: deployments.get(`${user.environment}|${user.region}|${version}`) ?? 'unknown',
        'flag.streaming': streaming ? 'on' : 'off',
        [METADATA.sourceName]: 'chat-assistant/server.ts',
        [METADATA.gitCommit]: VERSION_PROFILES[version].commit,
        [METADATA.gitBranch]: 'main',
        [METADATA.gitRepoUrl]: 'https://github.com/acme/chat-assistant.git',
      };
      const trace: DemoTrace = {
        startMs: turnStart,
        endMs: built.endMs,
        state: built.state,
        clientRequestId: `req_${prng.hex(16)}`,
        metadata,
        tags: { query_category: topic.category, customer_tier: user.tier, turn: String(turn + 1) },
        spans: built.spans,
        expectations: [],
      };
      addAssessments(trace, prng, version, user, topic);
      traces.push(trace);
      history.push(
        { role: 'user', content: question },
        {
          role: 'assistant',
          content: built.state === 'OK' ? answer : 'Sorry, something went wrong. Please try again.',
        },
      );
      // Reading the answer and typing the next question.
      turnStart = built.endMs + prng.int(15_000, 180_000);
    }
  }
  return traces.sort((a, b) => a.startMs - b.startMs);
}

function addAssessments(trace: DemoTrace, prng: Prng, version: AppVersion, user: User, topic: Topic): void {
  const durationMs = trace.endMs - trace.startMs;
  // Failed answers are rated more often (people complain), and almost always down.
  if (prng.chance(trace.state === 'ERROR' ? 0.3 : 0.14)) {
    let upRate = trace.state === 'ERROR' ? 0.04 : VERSION_PROFILES[version].upRate;
    if (durationMs > 6000) upRate *= 0.7;
    const value = prng.chance(upRate);
    const comments = value ? UPVOTE_COMMENTS : trace.state === 'ERROR' ? ERROR_COMMENTS : DOWNVOTE_COMMENTS;
    trace.feedback = { value, sourceId: user.id, ...(prng.chance(0.75) ? { rationale: prng.pick(comments) } : {}) };
  }
  if (trace.state === 'OK' && prng.chance(0.03)) {
    const reviewer = `qa-reviewer-${prng.int(1, 3)}`;
    trace.expectations.push({ name: 'expected_response', value: topic.answer, sourceId: reviewer });
    if (prng.chance(0.5))
      trace.expectations.push({ name: 'expected_facts', value: topic.docs.map((d) => d.title), sourceId: reviewer });
  }
}
