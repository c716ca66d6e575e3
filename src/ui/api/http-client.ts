import type { ErrorEnvelope } from '../../core/model.ts';

/** An error answered by the server (MLflow's envelope) or a failure to reach it. */
export class ApiError extends Error {
  readonly status: number;
  readonly errorCode: string;
  constructor(status: number, errorCode: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.errorCode = errorCode;
  }
  /** True when the server could not be reached at all (status 0). */
  get unreachable(): boolean {
    return this.status === 0;
  }
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/**
 * Sends a request and returns the response with its body unread (a caller may stream it). Failing to
 * reach the server, or an error answer (MLflow's envelope), throws an ApiError.
 */
export async function apiResponse(
  method: Method,
  path: string,
  body?: unknown,
  signal?: AbortSignal,
): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      signal,
      headers: body === undefined ? undefined : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError(0, 'UNREACHABLE', 'The trace server could not be reached.');
  }
  if (!response.ok) {
    const envelope = parseJson(await response.text()) as Partial<ErrorEnvelope> | undefined;
    throw new ApiError(
      response.status,
      envelope?.error_code ?? `HTTP_${response.status}`,
      envelope?.message ?? `The server answered ${response.status}.`,
    );
  }
  return response;
}

/** The text's JSON (an empty body reads as `{}`), or undefined when it is not JSON. */
function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : {};
  } catch {
    return undefined;
  }
}

/**
 * Calls the trace server and returns parsed JSON. It only translates the wire: no toasts, no
 * redirects (UI reactions belong to the components that asked).
 */
export async function apiRequest<T>(method: Method, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const response = await apiResponse(method, path, body, signal);
  const parsed = parseJson(await response.text());
  if (parsed === undefined)
    throw new ApiError(response.status, 'BAD_RESPONSE', 'The server sent a response that is not JSON.');
  return parsed as T;
}

/** Path under the UI's API prefix, e.g. api('3.0/mlflow/traces/search'). */
export const api = (path: string): string => `/ajax-api/${path}`;
