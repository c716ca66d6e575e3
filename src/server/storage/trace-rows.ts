// Row shapes of the trace tables and their conversion to MLflow's wire entities (§2.1, §2.4).
import type { Assessment, AssessmentSourceType, JsonValue, TraceInfo, TraceState } from '../../core/model.ts';
import { durationText, timestampText } from '../wire-format.ts';
import type { SpanRecord } from './span-record.ts';
import { setOwnKey } from '../../core/own-key.ts';

export interface TraceRow {
  trace_id: string;
  experiment_id: number;
  client_request_id: string | null;
  timestamp_ms: number;
  execution_time_ms: number | null;
  state: string;
  request_preview: string | null;
  response_preview: string | null;
}

export interface KeyValueRow {
  trace_id: string;
  key: string;
  value: string;
}

export interface AssessmentRow {
  assessment_id: string;
  trace_id: string;
  name: string;
  type: string;
  value: string | null;
  valid: number;
  overrides: string | null;
  span_id: string | null;
  source_type: string;
  source_id: string | null;
  rationale: string | null;
  metadata: string | null;
  error: string | null;
  create_time: number;
  last_update_time: number;
}

/** A span row as an engine reads it: nanosecond times (beyond 2^53) as BIGINT (SQLite's safe integers) or as text. */
export interface SpanRow {
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  name: string;
  type: string | null;
  status: string;
  start_time_ns: bigint | string;
  end_time_ns: bigint | string | null;
  content: string;
}

export function toSpanRecord(r: SpanRow): SpanRecord {
  return {
    traceId: r.trace_id,
    spanId: r.span_id,
    parentSpanId: r.parent_span_id,
    name: r.name,
    type: r.type,
    status: r.status as SpanRecord['status'],
    startTimeNs: BigInt(r.start_time_ns),
    endTimeNs: r.end_time_ns === null ? null : BigInt(r.end_time_ns),
    content: r.content,
  };
}

/** Appends `value` to the list under `key` (rows grouped by their trace, in row order). */
export function pushTo<K, V>(lists: Map<K, V[]>, key: K, value: V): void {
  const list = lists.get(key);
  if (list) list.push(value);
  else lists.set(key, [value]);
}

/** A tag or metadata table's rows as one object per trace; `traceOf` names the row's trace (its id or key). */
export function groupKeyValues<R extends { key: string; value: string }>(
  rows: readonly R[],
  traceOf: (row: R) => string,
): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  for (const r of rows) {
    let map = out.get(traceOf(r));
    if (!map) {
      map = {};
      out.set(traceOf(r), map);
    }
    setOwnKey(map, r.key, r.value);
  }
  return out;
}

export const TRACE_COLUMNS =
  't.trace_id, t.experiment_id, t.client_request_id, t.timestamp_ms, t.execution_time_ms, t.state, t.request_preview, t.response_preview';

export function toTraceInfo(
  row: TraceRow,
  tags: Record<string, string>,
  metadata: Record<string, string>,
  assessments: Assessment[],
): TraceInfo {
  return {
    trace_id: row.trace_id,
    ...(row.client_request_id !== null ? { client_request_id: row.client_request_id } : {}),
    trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: String(row.experiment_id) } },
    ...(row.request_preview !== null ? { request_preview: row.request_preview } : {}),
    ...(row.response_preview !== null ? { response_preview: row.response_preview } : {}),
    request_time: timestampText(row.timestamp_ms),
    ...(row.execution_time_ms !== null ? { execution_duration: durationText(row.execution_time_ms) } : {}),
    state: row.state as TraceState,
    trace_metadata: metadata,
    tags,
    ...(assessments.length > 0 ? { assessments } : {}),
  };
}

function parseJson(text: string | null): JsonValue | undefined {
  if (text === null) return undefined;
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return text;
  }
}

export function toAssessment(row: AssessmentRow): Assessment {
  const value = parseJson(row.value);
  const assessment: Assessment = {
    assessment_id: row.assessment_id,
    assessment_name: row.name,
    trace_id: row.trace_id,
    ...(row.span_id ? { span_id: row.span_id } : {}),
    source: {
      source_type: row.source_type as AssessmentSourceType,
      ...(row.source_id !== null ? { source_id: row.source_id } : {}),
    },
    create_time: timestampText(row.create_time),
    last_update_time: timestampText(row.last_update_time),
    valid: row.valid === 1,
  };
  if (row.type === 'feedback') {
    const error = parseJson(row.error);
    assessment.feedback = {
      ...(value !== undefined ? { value } : {}),
      ...(error !== undefined && typeof error === 'object' && error !== null && !Array.isArray(error)
        ? { error: error as Record<string, string> }
        : {}),
    };
  } else if (row.type === 'expectation') {
    // The SDK sends lists, objects and null as serialized_value; answer the same way.
    assessment.expectation =
      value === undefined || value === null || typeof value === 'object'
        ? { serialized_value: { serialization_format: 'JSON_FORMAT', value: row.value ?? 'null' } }
        : { value };
  } else if (row.type === 'issue') {
    assessment.issue = { issue_name: typeof value === 'string' ? value : row.name };
  }
  if (row.rationale !== null) assessment.rationale = row.rationale;
  const metadata = parseJson(row.metadata);
  if (metadata && typeof metadata === 'object' && !Array.isArray(metadata))
    assessment.metadata = metadata as Record<string, string>;
  if (row.overrides !== null) assessment.overrides = row.overrides;
  return assessment;
}
