// Decoding of TraceInfoV3 and Assessment request bodies (protobuf JSON: snake_case or
// lowerCamelCase names, enums by name or number, Timestamp/Duration strings).
import type { TraceState } from '../../core/model.ts';
import { TRACE_STATES } from '../../core/model.ts';
import { invalidParameter } from '../errors.ts';
import type { AssessmentInput, TraceInfoInput } from '../storage/trace-store.ts';
import { parseDuration, parseTimestamp } from '../wire-format.ts';
import {
  field,
  missingParameter,
  optionalArray,
  optionalBool,
  optionalObject,
  optionalString,
  optionalStringMap,
  typeError,
  type RequestFields,
} from './mlflow-request.ts';

export function optionalTimestamp(fields: RequestFields, name: string): number | undefined {
  const value = field(fields, name);
  if (value === undefined || value === null) return undefined;
  const ms = typeof value === 'string' ? parseTimestamp(value) : undefined;
  if (ms === undefined) throw typeError(name, value);
  return ms;
}

export function optionalDuration(fields: RequestFields, name: string): number | undefined {
  const value = field(fields, name);
  if (value === undefined || value === null) return undefined;
  const ms = typeof value === 'string' ? parseDuration(value) : undefined;
  if (ms === undefined) throw typeError(name, value);
  return ms;
}

function enumValue<T extends string>(fields: RequestFields, name: string, values: readonly T[]): T | undefined {
  const value = field(fields, name);
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' && (values as readonly string[]).includes(value)) return value as T;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < values.length) return values[value];
  throw typeError(name, value);
}

export function experimentIdOfLocation(location: RequestFields | undefined): string | undefined {
  if (!location) return undefined;
  const experiment = optionalObject(location, 'mlflow_experiment');
  if (!experiment) return undefined;
  const id = field(experiment, 'experiment_id');
  if (typeof id === 'number' && Number.isInteger(id)) return String(id);
  if (id !== undefined && typeof id !== 'string') throw typeError('experiment_id', id);
  return id;
}

export function decodeTraceInfo(info: RequestFields): TraceInfoInput {
  const traceId = optionalString(info, 'trace_id');
  if (!traceId) throw missingParameter('trace_id');
  const experimentId = experimentIdOfLocation(optionalObject(info, 'trace_location'));
  if (experimentId === undefined || experimentId === '') throw missingParameter('trace_location');
  const assessments = (optionalArray(info, 'assessments') ?? []).map((a) => {
    if (typeof a !== 'object' || a === null || Array.isArray(a)) throw typeError('assessments', a);
    return decodeAssessment(a as RequestFields, traceId);
  });
  return {
    traceId,
    experimentId,
    clientRequestId: optionalString(info, 'client_request_id') || undefined,
    requestTimeMs: optionalTimestamp(info, 'request_time'),
    executionTimeMs: optionalDuration(info, 'execution_duration'),
    state: enumValue<TraceState>(info, 'state', TRACE_STATES) ?? 'STATE_UNSPECIFIED',
    requestPreview: optionalString(info, 'request_preview'),
    responsePreview: optionalString(info, 'response_preview'),
    metadata: optionalStringMap(info, 'trace_metadata') ?? {},
    tags: optionalStringMap(info, 'tags') ?? {},
    assessments,
  };
}

const SOURCE_TYPES = ['SOURCE_TYPE_UNSPECIFIED', 'AI_JUDGE', 'HUMAN', 'CODE', 'LLM_JUDGE'] as const;

function jsonOfValue(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

function errorJson(error: RequestFields | undefined): string | undefined {
  if (!error) return undefined;
  const out: Record<string, string> = {};
  for (const key of ['error_code', 'error_message', 'stack_trace']) {
    const v = optionalString(error, key);
    if (v !== undefined) out[key] = v;
  }
  return JSON.stringify(out);
}

/** The value oneof of an assessment: which kind, and its JSON text as MLflow stores it. */
export function decodeAssessmentValue(
  body: RequestFields,
):
  | { type: 'feedback'; json: string | null; error?: string }
  | { type: 'expectation'; json: string | null }
  | { type: 'issue'; json: string }
  | undefined {
  const feedback = optionalObject(body, 'feedback');
  if (feedback)
    return {
      type: 'feedback',
      json: jsonOfValue(field(feedback, 'value')),
      error: errorJson(optionalObject(feedback, 'error')),
    };
  const expectation = optionalObject(body, 'expectation');
  if (expectation) {
    const serialized = optionalObject(expectation, 'serialized_value');
    if (serialized) {
      const text = optionalString(serialized, 'value') ?? 'null';
      try {
        return { type: 'expectation', json: JSON.stringify(JSON.parse(text)) };
      } catch {
        throw invalidParameter(`Invalid serialized expectation value: ${text.slice(0, 200)}`);
      }
    }
    return { type: 'expectation', json: jsonOfValue(field(expectation, 'value')) };
  }
  const issue = optionalObject(body, 'issue');
  if (issue) return { type: 'issue', json: JSON.stringify(optionalString(issue, 'issue_name') ?? '') };
  return undefined;
}

export function decodeAssessment(body: RequestFields, traceId: string): AssessmentInput {
  const name = optionalString(body, 'assessment_name');
  const value = decodeAssessmentValue(body);
  if (!value) throw invalidParameter('Unknown assessment type: None');
  if (!name) throw missingParameter('assessment_name');
  const source = optionalObject(body, 'source');
  const sourceType = source
    ? (enumValue(source, 'source_type', SOURCE_TYPES) ?? 'SOURCE_TYPE_UNSPECIFIED')
    : 'SOURCE_TYPE_UNSPECIFIED';
  const deprecatedError = errorJson(optionalObject(body, 'error'));
  return {
    assessmentId: optionalString(body, 'assessment_id') || undefined,
    traceId,
    name,
    type: value.type,
    valueJson: value.json,
    error: value.type === 'feedback' ? (value.error ?? deprecatedError) : undefined,
    spanId: optionalString(body, 'span_id') || undefined,
    // AI_JUDGE is the deprecated spelling of LLM_JUDGE.
    sourceType: sourceType === 'AI_JUDGE' ? 'LLM_JUDGE' : sourceType,
    sourceId: source ? optionalString(source, 'source_id') : undefined,
    rationale: optionalString(body, 'rationale'),
    metadata: optionalStringMap(body, 'metadata'),
    overrides: optionalString(body, 'overrides') || undefined,
    valid: optionalBool(body, 'valid'),
    createTimeMs: optionalTimestamp(body, 'create_time'),
    lastUpdateTimeMs: optionalTimestamp(body, 'last_update_time'),
  };
}
