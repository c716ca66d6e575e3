// OTLP span → MLflow span (docs/mlflow-contract.md §7.1, §7.2): span-dict JSON with JSON-encoded attribute
// values, the span type and GenAI inputs/outputs/token usage/model translated from the common
// semantic conventions (OpenInference, OTel GenAI, OpenLLMetry, Vercel AI SDK).
import { SPAN_ATTRIBUTES } from '../../core/model.ts';
import type { SpanRecord } from '../storage/span-record.ts';
import { jsonText, type JsonOut } from '../wire-format.ts';
import type { OtlpSpan } from './decode-otlp.ts';
import { previewText } from './preview.ts';

const OPENINFERENCE_KINDS = new Set([
  'LLM',
  'CHAIN',
  'TOOL',
  'RETRIEVER',
  'EMBEDDING',
  'AGENT',
  'RERANKER',
  'GUARDRAIL',
  'EVALUATOR',
]);

const GEN_AI_OPERATIONS: Record<string, string> = {
  chat: 'CHAT_MODEL',
  execute_tool: 'TOOL',
  invoke_agent: 'AGENT',
  create_agent: 'AGENT',
  embeddings: 'EMBEDDING',
  generate_content: 'LLM',
  text_completion: 'LLM',
  response: 'LLM',
};

const TRACELOOP_KINDS: Record<string, string> = {
  workflow: 'WORKFLOW',
  task: 'TASK',
  agent: 'AGENT',
  tool: 'TOOL',
  llm: 'LLM',
};

/** Resource `service.name` values MLflow copies onto root spans (CLI coding agents). */
const CLI_SERVICES = new Set(['claude-code', 'codex_cli_rs', 'codex_vscode', 'gemini-cli', 'qwen-code']);

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function num(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  if (typeof v === 'bigint') return Number(v);
  return undefined;
}

/** MLflow's sanitize_attributes: a string holding JSON for an object, array or string loses one encoding layer. */
function sanitize(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const first = value.trimStart()[0];
  if (first !== '{' && first !== '[' && first !== '"') return value;
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === 'object' || typeof parsed === 'string' ? parsed : value;
  } catch {
    return value;
  }
}

function deriveSpanType(a: Record<string, unknown>): string | undefined {
  const oi = str(a['openinference.span.kind'])?.toUpperCase();
  if (oi && OPENINFERENCE_KINDS.has(oi)) return oi;
  const op = str(a['gen_ai.operation.name']);
  if (op && GEN_AI_OPERATIONS[op]) return GEN_AI_OPERATIONS[op];
  const tl = str(a['traceloop.span.kind']);
  if (tl && TRACELOOP_KINDS[tl]) return TRACELOOP_KINDS[tl];
  const vercel = str(a['ai.operationId']);
  if (vercel) {
    if (vercel.startsWith('ai.toolCall')) return 'TOOL';
    if (vercel.startsWith('ai.embed')) return 'EMBEDDING';
    if (/^ai\.(generateText|streamText|generateObject|streamObject)/.test(vercel)) return 'LLM';
  }
  if (str(a['llm.request.type']) === 'chat') return 'CHAT_MODEL';
  return undefined;
}

function firstDefined(a: Record<string, unknown>, keys: string[]): unknown {
  for (const k of keys) if (a[k] !== undefined && a[k] !== null) return a[k];
  return undefined;
}

const INPUT_KEYS = [
  'input.value',
  'gen_ai.input.messages',
  'gen_ai.tool.call.arguments',
  'traceloop.entity.input',
  'ai.prompt',
  'gen_ai.prompt',
];
const OUTPUT_KEYS = [
  'output.value',
  'gen_ai.output.messages',
  'gen_ai.tool.call.result',
  'traceloop.entity.output',
  'ai.response.text',
  'gen_ai.completion',
];

function deriveTokenUsage(a: Record<string, unknown>): Record<string, number> | undefined {
  const input = num(
    firstDefined(a, [
      'gen_ai.usage.input_tokens',
      'llm.token_count.prompt',
      'gen_ai.usage.prompt_tokens',
      'ai.usage.promptTokens',
    ]),
  );
  const output = num(
    firstDefined(a, [
      'gen_ai.usage.output_tokens',
      'llm.token_count.completion',
      'gen_ai.usage.completion_tokens',
      'ai.usage.completionTokens',
    ]),
  );
  const total = num(firstDefined(a, ['llm.token_count.total', 'gen_ai.usage.total_tokens']));
  if (input === undefined && output === undefined && total === undefined) return undefined;
  const usage: Record<string, number> = {
    input_tokens: input ?? 0,
    output_tokens: output ?? 0,
    total_tokens: total ?? (input ?? 0) + (output ?? 0),
  };
  const cacheRead = num(a['gen_ai.usage.cache_read.input_tokens']);
  const cacheCreation = num(a['gen_ai.usage.cache_creation.input_tokens']);
  if (cacheRead !== undefined) usage.cache_read_input_tokens = cacheRead;
  if (cacheCreation !== undefined) usage.cache_creation_input_tokens = cacheCreation;
  return usage;
}

function numericRecord(value: unknown): Record<string, number> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(value)) {
    const n = num(v);
    if (n !== undefined) out[k] = n;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

const COST_KEYS = ['input_cost', 'output_cost', 'total_cost'] as const;

/** The numeric fields of an mlflow.llm.cost value; undefined when it has none. */
function costRecord(value: unknown): Record<string, number> | undefined {
  const all = numericRecord(value);
  if (!all) return undefined;
  const out: Record<string, number> = {};
  for (const k of COST_KEYS) if (all[k] !== undefined) out[k] = all[k];
  return Object.keys(out).length > 0 ? out : undefined;
}

function toJsonOut(value: unknown): JsonOut {
  if (value === undefined) return null;
  if (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean' ||
    typeof value === 'bigint'
  )
    return value;
  if (Array.isArray(value)) return value.map(toJsonOut);
  const out: Record<string, JsonOut> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = toJsonOut(v);
  return out;
}

/** JSON text of a decoded attribute value; int64s beyond 2^53 (bigint) stay exact. */
function fastJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch {
    return jsonText(toJsonOut(value));
  }
}

/** Converts one OTLP span; returns a reason string when it cannot be converted. */
export function convertOtlpSpan(span: OtlpSpan): SpanRecord | string {
  if (!span.traceId || !span.spanId)
    return 'Cannot convert OpenTelemetry span to MLflow span: missing or invalid trace_id or span_id';
  const a: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(span.attributes)) a[k] = sanitize(v);
  const isRoot = span.parentSpanId === '';
  const service = str(span.resourceAttributes['service.name']);
  if (isRoot && service && CLI_SERVICES.has(service) && a['service.name'] === undefined) a['service.name'] = service;

  const traceId = str(a[SPAN_ATTRIBUTES.traceRequestId]) || `tr-${span.traceId}`;
  a[SPAN_ATTRIBUTES.traceRequestId] ??= traceId;
  let type = str(a[SPAN_ATTRIBUTES.spanType]);
  if (!type || type === 'UNKNOWN') {
    const derived = deriveSpanType(a);
    if (derived) {
      type = derived;
      a[SPAN_ATTRIBUTES.spanType] = derived;
    }
  }
  if (a[SPAN_ATTRIBUTES.inputs] === undefined) {
    const v = firstDefined(a, INPUT_KEYS);
    if (v !== undefined) a[SPAN_ATTRIBUTES.inputs] = v;
  }
  if (a[SPAN_ATTRIBUTES.outputs] === undefined) {
    const v = firstDefined(a, OUTPUT_KEYS);
    if (v !== undefined) a[SPAN_ATTRIBUTES.outputs] = v;
  }
  let usage = numericRecord(a[SPAN_ATTRIBUTES.tokenUsage]);
  if (!usage) {
    usage = deriveTokenUsage(a);
    if (usage) a[SPAN_ATTRIBUTES.tokenUsage] = usage;
  }
  if (a[SPAN_ATTRIBUTES.model] === undefined) {
    const model = firstDefined(a, ['gen_ai.response.model', 'gen_ai.request.model', 'llm.model_name', 'ai.model.id']);
    if (model !== undefined) a[SPAN_ATTRIBUTES.model] = model;
  }
  if (a[SPAN_ATTRIBUTES.provider] === undefined) {
    const provider = firstDefined(a, ['gen_ai.provider.name', 'llm.provider', 'gen_ai.system', 'ai.model.provider']);
    if (provider !== undefined) a[SPAN_ATTRIBUTES.provider] = provider;
  }

  const status = span.statusCode === 1 ? 'OK' : span.statusCode === 2 ? 'ERROR' : 'UNSET';
  const attributes: Record<string, string> = {};
  for (const [k, v] of Object.entries(a)) attributes[k] = fastJson(v);
  // Written by hand rather than through jsonText: this runs for every ingested span.
  const b64 = (h: string) => Buffer.from(h, 'hex').toString('base64');
  const events = span.events.map(
    (e) => `{"name":${JSON.stringify(e.name)},"time_unix_nano":${e.timeNs},"attributes":${fastJson(e.attributes)}}`,
  );
  const content =
    `{"trace_id":"${b64(span.traceId)}","span_id":"${b64(span.spanId)}","parent_span_id":${isRoot ? 'null' : `"${b64(span.parentSpanId)}"`},` +
    `"name":${JSON.stringify(span.name)},"start_time_unix_nano":${span.startTimeNs},"end_time_unix_nano":${span.endTimeNs ?? 'null'},` +
    `"events":[${events.join(',')}],"status":{"code":"STATUS_CODE_${status}","message":${JSON.stringify(span.statusMessage)}},` +
    `"attributes":${JSON.stringify(attributes)}}`;
  return {
    traceId,
    spanId: span.spanId,
    parentSpanId: isRoot ? null : span.parentSpanId,
    name: span.name,
    type: type ?? null,
    status,
    startTimeNs: span.startTimeNs,
    endTimeNs: span.endTimeNs,
    content,
    derived: {
      requestPreview: isRoot ? previewText(a[SPAN_ATTRIBUTES.inputs], 'user') : undefined,
      responsePreview: isRoot ? previewText(a[SPAN_ATTRIBUTES.outputs], 'assistant') : undefined,
      sessionId: str(a['session.id']) ?? (typeof a['session.id'] === 'number' ? String(a['session.id']) : undefined),
      userId: str(a['user.id']) ?? (typeof a['user.id'] === 'number' ? String(a['user.id']) : undefined),
      tokenUsage: usage,
      cost: costRecord(a[SPAN_ATTRIBUTES.cost]),
      model: str(a[SPAN_ATTRIBUTES.model]),
    },
  };
}
