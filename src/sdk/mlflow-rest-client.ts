import type { ErrorEnvelope } from '../core/model.ts';

/** A non-2xx answer from the MLflow REST API, with MLflow's error code when the body carried one. */
export class MlflowApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly errorCode: string | undefined,
  ) {
    super(message);
    this.name = 'MlflowApiError';
  }
}

export type Fetch = typeof fetch;
type QueryValue = string | number | boolean | string[] | undefined;

/** Thin JSON-over-HTTP client for the MLflow tracking API. */
export class MlflowRestClient {
  readonly baseUrl: string;

  constructor(
    trackingUri: string,
    private readonly fetchImpl: Fetch = fetch,
    private readonly timeoutMs = 10_000,
    /** Sent on every request when the server has auth on (credentials.ts). */
    private readonly authorization?: string,
  ) {
    this.baseUrl = trackingUri.replace(/\/+$/, '');
  }

  async request<T>(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    path: string,
    options: { body?: unknown; query?: Record<string, QueryValue> } = {},
  ): Promise<T> {
    const url = new URL(this.baseUrl + path);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value === undefined) continue;
      for (const v of Array.isArray(value) ? value : [value]) url.searchParams.append(key, String(v));
    }
    const response = await this.fetchImpl(url, {
      method,
      headers: {
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.authorization ? { authorization: this.authorization } : {}),
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await response.text();
    if (!response.ok) {
      let envelope: Partial<ErrorEnvelope> = {};
      try {
        envelope = JSON.parse(text) as Partial<ErrorEnvelope>;
      } catch {
        // Non-JSON error pages (e.g. a proxy's HTML 404) keep only the status.
      }
      const message = envelope.message ?? (text.slice(0, 200) || response.statusText);
      throw new MlflowApiError(
        `${method} ${path} failed with ${response.status}: ${message}`,
        response.status,
        envelope.error_code,
      );
    }
    return (text ? JSON.parse(text) : {}) as T;
  }
}
