// Reads a traces.json upload (`{"spans": [...]}` in MLflow's span-dict encoding, §2.3a) into
// span records, accepting the older encodings Span.from_dict accepts: hex ids and `tr-` trace ids
// (3.5.0), and the v2 schema (context.span_id, parent_id, start_time, status_code).
import type { SpanRecord } from '../storage/span-record.ts';
import { jsonText, parseJsonKeepingNanos, toNanos, type JsonOut } from '../wire-format.ts';

type Obj = Record<string, unknown>;

function idBytesHex(value: unknown, bytes: number): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  let v = value.startsWith('tr-') ? value.slice(3) : value;
  if (v.startsWith('0x')) v = v.slice(2);
  if (v.length === bytes * 2 && /^[0-9a-fA-F]+$/.test(v)) return v.toLowerCase();
  const hex = Buffer.from(v, 'base64').toString('hex');
  return hex.length === bytes * 2 ? hex : undefined;
}

const STATUS: Record<string, 'OK' | 'ERROR' | 'UNSET'> = {
  STATUS_CODE_OK: 'OK',
  STATUS_CODE_ERROR: 'ERROR',
  STATUS_CODE_UNSET: 'UNSET',
  OK: 'OK',
  ERROR: 'ERROR',
  UNSET: 'UNSET',
};

/** Parses the upload; throws Error with a readable message when it is not a span file. */
export function parseSpanDictFile(text: string, traceId: string): SpanRecord[] {
  const parsed = parseJsonKeepingNanos(text) as Obj | null;
  if (typeof parsed !== 'object' || parsed === null || !Array.isArray(parsed.spans))
    throw new Error('Expected a JSON object with a "spans" array.');
  return spanRecordsFromDicts(parsed.spans as unknown[], traceId);
}

/** Span dicts already parsed with parseJsonKeepingNanos (an upload's `spans`, an import line's `data.spans`). */
export function spanRecordsFromDicts(spans: readonly unknown[], traceId: string): SpanRecord[] {
  const records: SpanRecord[] = [];
  for (const raw of spans) {
    if (typeof raw !== 'object' || raw === null) throw new Error('Each span must be a JSON object.');
    const s = raw as Obj;
    const context = (s.context ?? {}) as Obj;
    const traceHex =
      idBytesHex(s.trace_id ?? context.trace_id, 16) ??
      (traceId.startsWith('tr-') ? idBytesHex(traceId, 16) : undefined) ??
      '0'.repeat(32);
    const spanHex = idBytesHex(s.span_id ?? context.span_id, 8);
    if (!spanHex) throw new Error('A span has no valid span_id.');
    const parentHex = idBytesHex(s.parent_span_id ?? s.parent_id, 8) ?? null;
    const start = toNanos(s.start_time_unix_nano) ?? toNanos(s.start_time) ?? 0n;
    const end = toNanos(s.end_time_unix_nano) ?? toNanos(s.end_time) ?? null;
    const statusObj = (typeof s.status === 'object' && s.status !== null ? s.status : {}) as Obj;
    const statusCode = STATUS[String(statusObj.code ?? s.status_code ?? 'UNSET')] ?? 'UNSET';
    const statusMessage = String(statusObj.message ?? s.status_message ?? '');
    const attributes: Record<string, JsonOut> = {};
    for (const [k, v] of Object.entries((s.attributes ?? {}) as Obj))
      attributes[k] = typeof v === 'string' ? v : JSON.stringify(v);
    let type: string | null = null;
    try {
      const t: unknown =
        attributes['mlflow.spanType'] === undefined ? undefined : JSON.parse(String(attributes['mlflow.spanType']));
      type = typeof t === 'string' ? t : null;
    } catch {
      type = null;
    }
    const events = Array.isArray(s.events) ? (s.events as Obj[]) : [];
    const name = typeof s.name === 'string' ? s.name : '';
    const dict: JsonOut = {
      trace_id: Buffer.from(traceHex, 'hex').toString('base64'),
      span_id: Buffer.from(spanHex, 'hex').toString('base64'),
      parent_span_id: parentHex ? Buffer.from(parentHex, 'hex').toString('base64') : null,
      name,
      start_time_unix_nano: start,
      end_time_unix_nano: end,
      events: events.map((e) => ({
        name: String(e.name ?? ''),
        time_unix_nano: toNanos(e.time_unix_nano ?? e.timestamp) ?? 0n,
        attributes: (e.attributes ?? {}) as JsonOut,
      })),
      status: { code: `STATUS_CODE_${statusCode}`, message: statusMessage },
      attributes,
    };
    records.push({
      traceId,
      spanId: spanHex,
      parentSpanId: parentHex,
      name,
      type,
      status: statusCode,
      startTimeNs: start,
      endTimeNs: end,
      content: jsonText(dict),
    });
  }
  return records;
}
