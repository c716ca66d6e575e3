import type { HrTime } from '@opentelemetry/api';
import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { METADATA, SPAN_ATTRIBUTES, TAGS, type TraceInfo } from '../core/model.ts';
import { fromAttributeValue } from './json-attribute.ts';
import type { PendingTrace } from './pending-trace.ts';
import { requestPreview, responsePreview } from './previews.ts';
import type { TokenUsage } from './span-type.ts';

export const hrTimeToMillis = (time: HrTime): number => time[0] * 1000 + time[1] / 1e6;

// MLflow's legacy trace-level input/output metadata is cut at 250 characters.
const LEGACY_IO_MAX = 250;

function sumTokenUsage(spans: ReadableSpan[]): TokenUsage | undefined {
  let found = false;
  const total: TokenUsage = { input_tokens: 0, output_tokens: 0, total_tokens: 0 };
  for (const span of spans) {
    const usage = fromAttributeValue(span.attributes[SPAN_ATTRIBUTES.tokenUsage]);
    if (typeof usage !== 'object' || usage === null) continue;
    const u = usage as Partial<TokenUsage>;
    const input = Number(u.input_tokens ?? 0);
    const output = Number(u.output_tokens ?? 0);
    if (!Number.isFinite(input) || !Number.isFinite(output)) continue;
    found = true;
    total.input_tokens += input;
    total.output_tokens += output;
    total.total_tokens +=
      Number.isFinite(Number(u.total_tokens)) && u.total_tokens !== undefined ? Number(u.total_tokens) : input + output;
  }
  return found ? total : undefined;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Approximate serialized size of a span: its strings dominate, and this avoids serializing every span twice. */
function approximateSpanBytes(span: ReadableSpan): number {
  let bytes = 200 + span.name.length;
  for (const [key, value] of Object.entries(span.attributes))
    bytes += key.length + (typeof value === 'string' ? value.length : 8) + 6;
  for (const event of span.events) {
    bytes += 60 + event.name.length;
    for (const [key, value] of Object.entries(event.attributes ?? {}))
      bytes += key.length + (typeof value === 'string' ? value.length : 8) + 6;
  }
  return bytes;
}

/** `mlflow.trace.sizeStats`: `num_spans` lets GetTrace tell a fully exported trace from a partial one. */
function sizeStats(spans: ReadableSpan[]): string {
  const sizes = spans.map(approximateSpanBytes).sort((a, b) => a - b);
  const total = sizes.reduce((a, b) => a + b, 0);
  return JSON.stringify({
    total_size_bytes: total,
    num_spans: spans.length,
    max: sizes.at(-1) ?? 0,
    p25: percentile(sizes, 25),
    p50: percentile(sizes, 50),
    p75: percentile(sizes, 75),
  });
}

function formatDuration(ms: number): string {
  return `${(Math.max(0, ms) / 1000).toFixed(3)}s`;
}

function legacyIo(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  if (text === undefined) return undefined;
  return text.length <= LEGACY_IO_MAX ? text : `${text.slice(0, LEGACY_IO_MAX - 3)}...`;
}

/** The final TraceInfo sent through StartTraceV3 when the root span ends (docs/mlflow-contract.md §3.2, §4.1). */
export function buildTraceInfo(
  pending: PendingTrace,
  root: ReadableSpan,
  experimentId: string,
  autoMetadata: Record<string, string>,
): TraceInfo {
  const startMs = hrTimeToMillis(root.startTime);
  const endMs = hrTimeToMillis(root.endTime);
  const inputs = fromAttributeValue(root.attributes[SPAN_ATTRIBUTES.inputs]);
  const outputs = fromAttributeValue(root.attributes[SPAN_ATTRIBUTES.outputs]);
  const hasInputs = root.attributes[SPAN_ATTRIBUTES.inputs] !== undefined;
  const hasOutputs = root.attributes[SPAN_ATTRIBUTES.outputs] !== undefined;

  const metadata: Record<string, string> = { ...autoMetadata, [METADATA.schemaVersion]: '3' };
  const usage = sumTokenUsage(pending.spans);
  if (usage) metadata[METADATA.tokenUsage] = JSON.stringify(usage);
  metadata[METADATA.sizeStats] = sizeStats(pending.spans);
  const traceInputs = hasInputs ? legacyIo(inputs) : undefined;
  const traceOutputs = hasOutputs ? legacyIo(outputs) : undefined;
  if (traceInputs !== undefined) metadata['mlflow.traceInputs'] = traceInputs;
  if (traceOutputs !== undefined) metadata['mlflow.traceOutputs'] = traceOutputs;
  // The application has the last word on every key, automatic ones included.
  Object.assign(metadata, pending.metadata);

  const info: TraceInfo = {
    trace_id: pending.traceId,
    trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } },
    request_time: new Date(Math.floor(startMs)).toISOString(),
    execution_duration: formatDuration(endMs - startMs),
    state: root.status.code === SpanStatusCode.ERROR ? 'ERROR' : 'OK',
    trace_metadata: metadata,
    tags: { [TAGS.traceName]: root.name, ...pending.tags },
  };
  if (pending.clientRequestId !== undefined) info.client_request_id = pending.clientRequestId;
  const request = hasInputs ? requestPreview(inputs) : undefined;
  const response = hasOutputs ? responsePreview(outputs) : undefined;
  if (request !== undefined) info.request_preview = request;
  if (response !== undefined) info.response_preview = response;
  return info;
}
