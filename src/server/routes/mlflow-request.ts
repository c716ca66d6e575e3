import type { FastifyRequest } from 'fastify';
import { invalidParameter } from '../errors.ts';

export type RequestFields = Record<string, unknown>;

/** Every MLflow route is served under /api and /ajax-api (mlflow-api.md §1.1). */
export function bothPrefixes(path: string): string[] {
  return [`/api${path}`, `/ajax-api${path}`];
}

/**
 * MLflow's request decoding (§1.2): GET with a query string reads the query (repeated keys
 * become arrays); everything else reads the JSON body, where absent or invalid JSON is {}.
 */
export function readRequest(request: FastifyRequest): RequestFields {
  const query = (request.query ?? {}) as RequestFields;
  if (request.method === 'GET' && Object.keys(query).length > 0) return query;
  const body = request.body;
  if (typeof body === 'string') {
    try {
      const parsed: unknown = JSON.parse(body);
      return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as RequestFields) : {};
    } catch {
      return {};
    }
  }
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as RequestFields) : query;
}

export function requireString(fields: RequestFields, name: string): string {
  const value = fields[name];
  if (value === undefined || value === null || value === '') {
    throw invalidParameter(`Missing value for required parameter '${name}'. See the API docs for more information about request parameters.`);
  }
  if (typeof value !== 'string') {
    throw invalidParameter(
      `Invalid value ${JSON.stringify(value)} for parameter '${name}' supplied:  Hint: Value was of type '${pyType(value)}'. See the API docs for more information about request parameters.`,
    );
  }
  return value;
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
