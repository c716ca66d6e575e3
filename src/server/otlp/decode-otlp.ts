// Decodes an OTLP ExportTraceServiceRequest (protobuf or JSON) into one plain shape. protobufjs
// is loaded with camelCase field names, which is also OTLP/JSON's spelling, so both encodings
// meet in the same normaliser; only ids (bytes vs hex) and int64s (Long vs string) differ.
import protobuf from 'protobufjs';
import { readFileSync } from 'node:fs';

export interface OtlpSpan {
  /** Lowercase hex; '' when absent or malformed. */
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  startTimeNs: bigint;
  endTimeNs: bigint | null;
  attributes: Record<string, unknown>;
  events: { name: string; timeNs: bigint; attributes: Record<string, unknown> }[];
  /** 0 unset, 1 ok, 2 error. */
  statusCode: number;
  statusMessage: string;
  resourceAttributes: Record<string, unknown>;
}

const root = protobuf.parse(readFileSync(new URL('./otlp-trace.proto', import.meta.url), 'utf8'), {
  keepCase: false,
}).root;
const RequestType = root.lookupType('opentelemetry.proto.ExportTraceServiceRequest');
const ResponseType = root.lookupType('opentelemetry.proto.ExportTraceServiceResponse');

export class OtlpFormatError extends Error {}

type Obj = Record<string, unknown>;

const TO_OBJECT: protobuf.IConversionOptions = {
  longs: String,
  enums: Number,
  bytes: Array,
  defaults: false,
  arrays: true,
};
const SpanType = root.lookupType('opentelemetry.proto.Span');
const ResourceType = root.lookupType('opentelemetry.proto.Resource');

interface DecodedRequest {
  resourceSpans?: { resource?: protobuf.Message; scopeSpans?: { spans?: (protobuf.Message | undefined)[] }[] }[];
}

/**
 * Decodes a protobuf body; throws OtlpFormatError when it is not one. Spans become plain objects one at a time
 * (each span message is dropped once normalised), not as one object tree beside the decoded message: for a
 * 100,000-span body that tree was the largest of the decode's copies.
 */
export function decodeOtlpProtobuf(body: Uint8Array): OtlpSpan[] {
  let message: DecodedRequest;
  try {
    message = RequestType.decode(body) as DecodedRequest;
  } catch {
    throw new OtlpFormatError('Invalid OpenTelemetry format');
  }
  const out: OtlpSpan[] = [];
  for (const rs of message.resourceSpans ?? []) {
    const resource = rs.resource ? (ResourceType.toObject(rs.resource, TO_OBJECT) as Obj) : {};
    const resourceAttributes = keyValues(resource.attributes);
    for (const ss of rs.scopeSpans ?? []) {
      const spans = ss.spans ?? [];
      for (let i = 0; i < spans.length; i++) {
        out.push(normaliseSpan(SpanType.toObject(spans[i]!, TO_OBJECT) as Obj, resourceAttributes));
        spans[i] = undefined;
      }
    }
  }
  if (out.length === 0) throw new OtlpFormatError('Invalid OpenTelemetry format - no spans found');
  return out;
}

/** Decodes an OTLP/JSON body (hex ids, per the OTLP spec; base64 accepted too). */
export function decodeOtlpJson(text: string): OtlpSpan[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new OtlpFormatError('Invalid OpenTelemetry format');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new OtlpFormatError('Invalid OpenTelemetry format');
  return normalise(parsed as Obj);
}

export function encodeOtlpResponse(rejectedSpans: number, errorMessage: string): Uint8Array {
  const payload = rejectedSpans > 0 ? { partialSuccess: { rejectedSpans, errorMessage } } : {};
  return ResponseType.encode(ResponseType.fromObject(payload)).finish();
}

function list(value: unknown): Obj[] {
  return Array.isArray(value) ? value.filter((v): v is Obj => typeof v === 'object' && v !== null) : [];
}

function pick(o: Obj, camel: string, snake: string): unknown {
  return o[camel] !== undefined ? o[camel] : o[snake];
}

function normalise(request: Obj): OtlpSpan[] {
  const resourceSpans = pick(request, 'resourceSpans', 'resource_spans');
  if (!Array.isArray(resourceSpans)) throw new OtlpFormatError('Invalid OpenTelemetry format - no spans found');
  const out: OtlpSpan[] = [];
  for (const rs of list(resourceSpans)) {
    const resource = (rs.resource ?? {}) as Obj;
    const resourceAttributes = keyValues(resource.attributes);
    for (const ss of list(pick(rs, 'scopeSpans', 'scope_spans'))) {
      for (const span of list(ss.spans)) out.push(normaliseSpan(span, resourceAttributes));
    }
  }
  if (out.length === 0) throw new OtlpFormatError('Invalid OpenTelemetry format - no spans found');
  return out;
}

const STATUS_NAMES: Record<string, number> = { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 };

function normaliseSpan(span: Obj, resourceAttributes: Record<string, unknown>): OtlpSpan {
  const status = (span.status ?? {}) as Obj;
  const code = status.code;
  const end = nanos(pick(span, 'endTimeUnixNano', 'end_time_unix_nano'));
  return {
    traceId: idHex(pick(span, 'traceId', 'trace_id'), 16),
    spanId: idHex(pick(span, 'spanId', 'span_id'), 8),
    parentSpanId: idHex(pick(span, 'parentSpanId', 'parent_span_id'), 8),
    name: typeof span.name === 'string' ? span.name : '',
    startTimeNs: nanos(pick(span, 'startTimeUnixNano', 'start_time_unix_nano')) ?? 0n,
    endTimeNs: end === undefined || end === 0n ? null : end,
    attributes: keyValues(span.attributes),
    events: list(span.events).map((e) => ({
      name: typeof e.name === 'string' ? e.name : '',
      timeNs: nanos(pick(e, 'timeUnixNano', 'time_unix_nano')) ?? 0n,
      attributes: keyValues(e.attributes),
    })),
    statusCode: typeof code === 'number' ? code : typeof code === 'string' ? (STATUS_NAMES[code] ?? 0) : 0,
    statusMessage: typeof status.message === 'string' ? status.message : '',
    resourceAttributes,
  };
}

function nanos(value: unknown): bigint | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return BigInt(Math.trunc(value));
  if (typeof value === 'string' && /^\d+$/.test(value)) return BigInt(value);
  return undefined;
}

/** An id as lowercase hex of the expected byte length; '' when absent, empty or malformed. */
function idHex(value: unknown, bytes: number): string {
  let hex = '';
  if (Array.isArray(value) || value instanceof Uint8Array) hex = Buffer.from(value as number[]).toString('hex');
  else if (typeof value === 'string' && value !== '') {
    if (value.length === bytes * 2 && /^[0-9a-fA-F]+$/.test(value)) hex = value.toLowerCase();
    else if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) hex = Buffer.from(value, 'base64').toString('hex');
  }
  if (hex.length !== bytes * 2 || /^0+$/.test(hex)) return '';
  return hex;
}

function keyValues(value: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of list(value)) {
    if (typeof kv.key !== 'string') continue;
    out[kv.key] = anyValueToJs(kv.value);
  }
  return out;
}

/** AnyValue → a JS value; int64s that do not fit a double stay exact as bigint. */
export function anyValueToJs(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Obj;
  const s = pick(v, 'stringValue', 'string_value');
  if (s !== undefined) return typeof s === 'string' ? s : String(s);
  const b = pick(v, 'boolValue', 'bool_value');
  if (b !== undefined) return b === true || b === 'true';
  const i = pick(v, 'intValue', 'int_value');
  if (i !== undefined) {
    const n = typeof i === 'string' ? Number(i) : i;
    if (typeof n === 'number' && Number.isSafeInteger(n)) return n;
    return typeof i === 'string' && /^-?\d+$/.test(i) ? BigInt(i) : null;
  }
  const d = pick(v, 'doubleValue', 'double_value');
  if (d !== undefined) return typeof d === 'number' ? d : Number(d);
  const a = pick(v, 'arrayValue', 'array_value');
  if (a !== undefined) return list((a as Obj).values).map(anyValueToJs);
  const kv = pick(v, 'kvlistValue', 'kvlist_value');
  if (kv !== undefined) return keyValues((kv as Obj).values);
  const bytes = pick(v, 'bytesValue', 'bytes_value');
  if (bytes !== undefined)
    return Array.isArray(bytes) ? Buffer.from(bytes as number[]).toString('base64') : String(bytes);
  return null;
}
