import type { FastifyRequest } from 'fastify';
import { invalidParameter, type MlflowError } from '../errors.ts';
import { setOwnKey } from '../../core/own-key.ts';

export type RequestFields = Record<string, unknown>;

/** Every MLflow route is served under /api and /ajax-api (docs/mlflow-contract.md §1.1). */
export function bothPrefixes(path: string): string[] {
  return [`/api${path}`, `/ajax-api${path}`];
}

/** GET, and HEAD (Fastify serves it with the GET handler): the request's fields are in the query string. */
export function readsQuery(request: FastifyRequest): boolean {
  return request.method === 'GET' || request.method === 'HEAD';
}

/**
 * MLflow's request decoding (§1.2): GET with a query string reads the query (repeated keys
 * become arrays); everything else reads the JSON body, where absent or invalid JSON is {}.
 */
export function readRequest(request: FastifyRequest): RequestFields {
  const query = (request.query ?? {}) as RequestFields;
  if (readsQuery(request) && Object.keys(query).length > 0) return query;
  const body = asObject(request.body);
  if (body) return body;
  // DELETE /tags?key=... (one UI helper sends the key as a query parameter).
  return request.method === 'DELETE' ? query : {};
}

function asObject(value: unknown): RequestFields | undefined {
  if (typeof value === 'string') {
    try {
      return asObject(JSON.parse(value));
    } catch {
      return undefined;
    }
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value)
    ? (value as RequestFields)
    : undefined;
}

/**
 * The deepest nesting a request's JSON may have. JSON.parse takes any depth, but what then walks the
 * value recursively (JSON.stringify of an assessment value, an error message describing it) overflows
 * the stack at a few thousand levels; real requests nest a handful.
 */
export const MAX_JSON_DEPTH = 256;

/** Whether JSON text nests arrays and objects deeper than `limit` (brackets inside strings do not count). */
export function jsonTooDeep(text: string, limit = MAX_JSON_DEPTH): boolean {
  // No text this short can nest that deep: skip the scan for the common small body.
  if (text.length <= limit * 2) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/**
 * Decodes a JSON request body the way Flask's get_json(force, silent) does: bad JSON is {}, a JSON
 * string is decoded again. JSON nested deeper than MAX_JSON_DEPTH is refused (Flask fails it with a 500).
 */
export function lenientJson(text: string): unknown {
  if (text.trim() === '') return {};
  if (jsonTooDeep(text))
    throw invalidParameter(`Bad Request. The request's JSON is nested deeper than ${MAX_JSON_DEPTH} levels.`);
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'string') {
      // JSON sent as a JSON string: its depth was not seen above; too deep reads as bad JSON.
      if (jsonTooDeep(parsed)) return {};
      try {
        return JSON.parse(parsed);
      } catch {
        return {};
      }
    }
    return parsed;
  } catch {
    return {};
  }
}

const camelCache = new Map<string, string>();
/** The lowerCamelCase json_name protobuf also accepts for a snake_case field. */
export function camelName(name: string): string {
  let c = camelCache.get(name);
  if (c === undefined) {
    c = name.replace(/_([a-z0-9])/g, (_m, ch: string) => ch.toUpperCase());
    camelCache.set(name, c);
  }
  return c;
}

/** A field by its proto name or its lowerCamelCase json_name. */
export function field(fields: RequestFields, name: string): unknown {
  const v = fields[name];
  if (v !== undefined) return v;
  const camel = camelName(name);
  return camel === name ? undefined : fields[camel];
}

export function typeError(name: string, value: unknown): MlflowError {
  return invalidParameter(
    `Invalid value ${pyRepr(value)} for parameter '${name}' supplied:  Hint: Value was of type '${pyType(value)}'. See the API docs for more information about request parameters.`,
  );
}

export function missingParameter(name: string): MlflowError {
  return invalidParameter(
    `Missing value for required parameter '${name}'. See the API docs for more information about request parameters.`,
  );
}

export function requireString(fields: RequestFields, name: string): string {
  const value = optionalString(fields, name);
  if (value === undefined || value === '') throw missingParameter(name);
  return value;
}

export function optionalString(fields: RequestFields, name: string): string | undefined {
  const value = field(fields, name);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw typeError(name, value);
  return value;
}

/**
 * An int64 field: a JSON number or a numeric string (protobuf's JSON mapping allows both).
 * Only safe integers (|n| < 2^53) are accepted: larger ones (1e300, or digits beyond int64) are
 * a type error, as protobuf's parser rejects them, rather than a value SQL cannot bind.
 */
export function optionalInt(fields: RequestFields, name: string): number | undefined {
  const value = field(fields, name);
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim()) && Number.isSafeInteger(Number(value.trim())))
    return Number(value.trim());
  throw typeError(name, value);
}

export function optionalNumber(fields: RequestFields, name: string): number | undefined {
  const value = field(fields, name);
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  throw typeError(name, value);
}

/** A bool: JSON true/false, or 'true'/'false' (any case) from a query string. */
export function optionalBool(fields: RequestFields, name: string): boolean | undefined {
  const value = field(fields, name);
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const lower = value.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
    throw invalidParameter(`Invalid boolean value: ${value}, must be 'true' or 'false'.`);
  }
  throw typeError(name, value);
}

/**
 * A repeated string field. In a JSON body it must be an array; from a query string
 * (`fromQuery`), one value counts as a one-element list.
 */
export function optionalStringList(fields: RequestFields, name: string, fromQuery = false): string[] | undefined {
  const value = field(fields, name);
  if (value === undefined || value === null) return undefined;
  const list = fromQuery && typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || !list.every((v) => typeof v === 'string')) throw typeError(name, value);
  return list as string[];
}

export function optionalObject(fields: RequestFields, name: string): RequestFields | undefined {
  const value = field(fields, name);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw typeError(name, value);
  return value as RequestFields;
}

export function optionalArray(fields: RequestFields, name: string): unknown[] | undefined {
  const value = field(fields, name);
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw typeError(name, value);
  return value;
}

/** A map<string,string> field; non-string values are a type error. */
export function optionalStringMap(fields: RequestFields, name: string): Record<string, string> | undefined {
  const value = optionalObject(fields, name);
  if (!value) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw typeError(name, value);
    setOwnKey(out, k, v);
  }
  return out;
}

/** The Python type name MLflow's messages use. */
export function pyType(value: unknown): string {
  if (Array.isArray(value)) return 'list';
  if (value === null) return 'NoneType';
  switch (typeof value) {
    case 'string':
      return 'str';
    case 'number':
      return Number.isInteger(value) ? 'int' : 'float';
    case 'boolean':
      return 'bool';
    default:
      return 'dict';
  }
}

/** Roughly Python's repr of a decoded JSON value, as MLflow prints it in "Invalid value" messages. */
export function pyRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  const text = `{${Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `'${k}': ${pyRepr(v)}`)
    .join(', ')}}`;
  return text.length > 300 ? `${text.slice(0, 300)}...` : text;
}
