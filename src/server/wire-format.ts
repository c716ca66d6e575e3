// MLflow's JSON encodings for protobuf well-known types (docs/mlflow-contract.md §1.3) and a JSON writer
// that keeps 64-bit nanosecond integers exact (JSON.stringify cannot emit a bigint).

/** google.protobuf.Timestamp as MLflow emits it: RFC 3339 UTC with 0 or 3 fractional digits. */
export function timestampText(ms: number): string {
  const iso = new Date(ms).toISOString();
  return ms % 1000 === 0 ? `${iso.slice(0, 19)}Z` : iso;
}

/** google.protobuf.Duration: decimal seconds with 0 or 3 fractional digits, e.g. "1.500s", "2s". */
export function durationText(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(Math.round(ms));
  return abs % 1000 === 0 ? `${sign}${abs / 1000}s` : `${sign}${(abs / 1000).toFixed(3)}s`;
}

const TIMESTAMP_RE = /^(\d{4}-\d{2}-\d{2})[Tt](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$/;

/** Parses an RFC 3339 timestamp to epoch ms; undefined when it is not one. */
export function parseTimestamp(text: string): number | undefined {
  const m = TIMESTAMP_RE.exec(text);
  if (!m) return undefined;
  const fraction = m[3] ? Number(`0.${m[3]}`) * 1000 : 0;
  const zone = m[4].toUpperCase() === 'Z' ? 'Z' : m[4];
  const base = Date.parse(`${m[1]}T${m[2]}${zone}`);
  if (Number.isNaN(base)) return undefined;
  return base + Math.floor(fraction);
}

const DURATION_RE = /^(-)?(\d+)(?:\.(\d{0,9}))?s$/;

/** Parses a Duration string ("1.5s", "0.123s", "2s") to ms; undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  const m = DURATION_RE.exec(text.trim());
  if (!m) return undefined;
  const ms = Number(m[2]) * 1000 + (m[3] ? Math.round(Number(`0.${m[3]}`) * 1000) : 0);
  return m[1] ? -ms : ms;
}

/** A JSON-like value that may hold bigints (written as bare integers). */
export type JsonOut = null | boolean | number | bigint | string | JsonOut[] | { [key: string]: JsonOut | undefined };

/** JSON text with bigints as exact integers and undefined object members omitted. */
export function jsonText(value: JsonOut | undefined): string {
  if (value === undefined || value === null) return 'null';
  switch (typeof value) {
    case 'bigint':
      return value.toString();
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    default:
      break;
  }
  if (Array.isArray(value)) return `[${value.map((v) => jsonText(v)).join(',')}]`;
  const parts: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    parts.push(`${JSON.stringify(k)}:${jsonText(v)}`);
  }
  return `{${parts.join(',')}}`;
}

const NANO_FIELDS_RE =
  /"(start_time_unix_nano|end_time_unix_nano|time_unix_nano|startTimeUnixNano|endTimeUnixNano|timeUnixNano)"\s*:\s*(-?\d+)/g;

/**
 * Parses JSON text in which the nanosecond fields may exceed 2^53: those members come back as
 * decimal strings, everything else as JSON.parse gives it.
 */
export function parseJsonKeepingNanos(text: string): unknown {
  return JSON.parse(text.replace(NANO_FIELDS_RE, '"$1":"$2"'));
}

/** A nanosecond value from a number, a decimal string or a bigint; undefined when absent or malformed. */
export function toNanos(value: unknown): bigint | undefined {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return BigInt(Math.trunc(value));
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
  return undefined;
}
