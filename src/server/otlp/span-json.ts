// Span encodings on the wire (docs/mlflow-contract.md §2.3): the stored span dict (§2.3a) and the OTel
// proto JSON that GetTrace and BatchGet answer with (§2.3b).
import { parseJsonKeepingNanos, toNanos, type JsonOut } from '../wire-format.ts';

type Dict = Record<string, unknown>;

/** An attribute value as protobuf AnyValue JSON (snake_case, int64 as numbers like MLflow). */
export function anyValue(value: unknown): JsonOut {
  if (value === null || value === undefined) return {};
  switch (typeof value) {
    case 'string':
      return { string_value: value };
    case 'boolean':
      return { bool_value: value };
    case 'number':
      return Number.isInteger(value) ? { int_value: value } : { double_value: value };
    case 'bigint':
      return { int_value: value };
    default:
      break;
  }
  if (Array.isArray(value)) return { array_value: { values: value.map(anyValue) } };
  return { kvlist_value: { values: Object.entries(value as Dict).map(([key, v]) => ({ key, value: anyValue(v) })) } };
}

const STATUS_CODES = new Set(['STATUS_CODE_OK', 'STATUS_CODE_ERROR']);

function decodeAttribute(text: unknown): unknown {
  if (typeof text !== 'string') return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Converts one stored span dict (JSON text) into OTel proto JSON, keeping nanosecond integers exact. */
export function spanDictToOtel(content: string): JsonOut {
  const span = parseJsonKeepingNanos(content) as Dict;
  const attributes = (span.attributes ?? {}) as Dict;
  const status = (span.status ?? {}) as Dict;
  const code = typeof status.code === 'string' && STATUS_CODES.has(status.code) ? status.code : undefined;
  const message = typeof status.message === 'string' && status.message !== '' ? status.message : undefined;
  const events = Array.isArray(span.events) ? (span.events as Dict[]) : [];
  const parent =
    typeof span.parent_span_id === 'string' && span.parent_span_id !== '' ? span.parent_span_id : undefined;
  return {
    trace_id: String(span.trace_id ?? ''),
    span_id: String(span.span_id ?? ''),
    ...(parent ? { parent_span_id: parent } : {}),
    name: String(span.name ?? ''),
    start_time_unix_nano: toNanos(span.start_time_unix_nano) ?? 0n,
    ...(toNanos(span.end_time_unix_nano) !== undefined ? { end_time_unix_nano: toNanos(span.end_time_unix_nano) } : {}),
    attributes: Object.entries(attributes).map(([key, v]) => ({ key, value: anyValue(decodeAttribute(v)) })),
    events: events.map((e) => ({
      time_unix_nano: toNanos(e.time_unix_nano) ?? 0n,
      name: String(e.name ?? ''),
      attributes: Object.entries((e.attributes ?? {}) as Dict).map(([key, v]) => ({ key, value: anyValue(v) })),
    })),
    status: { ...(code ? { code } : {}), ...(message ? { message } : {}) },
  };
}

// traces.json, `{"spans": [...]}`, from stored span-dict texts without re-parsing them; written in
// parts because a large trace's file is streamed (routes/artifact-routes.ts).
export const SPAN_FILE_OPEN = '{"spans": [';
export const SPAN_FILE_SEPARATOR = ', ';
export const SPAN_FILE_CLOSE = ']}';
