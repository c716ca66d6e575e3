import type { TraceInfo } from '../core/model.ts';
import { getSdk } from './init.ts';
import { MlflowApiError } from './mlflow-rest-client.ts';

export interface SearchTracesOptions {
  /** MLflow filter string, e.g. `client_request_id = 'abc'` or `metadata.app_version = '1.2.0'`. */
  filter?: string;
  /** e.g. ['timestamp_ms DESC']. */
  orderBy?: string[];
  /** At most 500 per page (the server's limit). */
  maxResults?: number;
  pageToken?: string;
  /** Default: the experiment given to init(). */
  experimentIds?: string[];
}

export interface SearchTracesPage {
  traces: TraceInfo[];
  nextPageToken?: string;
}

/** One page of SearchTracesV3. */
export async function searchTraces(options: SearchTracesOptions = {}): Promise<SearchTracesPage> {
  const sdk = getSdk();
  const body = {
    locations: (options.experimentIds ?? [sdk.experimentId]).map((id) => ({
      type: 'MLFLOW_EXPERIMENT',
      mlflow_experiment: { experiment_id: id },
    })),
    ...(options.filter ? { filter: options.filter } : {}),
    ...(options.orderBy ? { order_by: options.orderBy } : {}),
    max_results: options.maxResults ?? 100,
    ...(options.pageToken ? { page_token: options.pageToken } : {}),
  };
  const response = await sdk.client.request<{ traces?: TraceInfo[]; next_page_token?: string }>(
    'POST',
    '/api/3.0/mlflow/traces/search',
    { body },
  );
  return {
    traces: response.traces ?? [],
    ...(response.next_page_token ? { nextPageToken: response.next_page_token } : {}),
  };
}

/** A trace in OTel proto JSON (docs/mlflow-contract.md §2.3b); nanosecond times may have lost precision in JSON.parse. */
export interface TraceWithSpans {
  trace_info: TraceInfo;
  spans: Record<string, unknown>[];
}

/**
 * Fetches a trace with its spans (GetTrace, MLflow ≥ 3.7). Older servers without that route give back the
 * trace info alone, with an empty span list.
 */
export async function getTrace(traceId: string): Promise<TraceWithSpans> {
  const { client } = getSdk();
  try {
    const response = await client.request<{ trace: TraceWithSpans }>('GET', '/api/3.0/mlflow/traces/get', {
      query: { trace_id: traceId },
    });
    return { trace_info: response.trace.trace_info, spans: response.trace.spans ?? [] };
  } catch (error) {
    const oldServer =
      error instanceof MlflowApiError &&
      (error.errorCode === 'ENDPOINT_NOT_FOUND' || error.message.includes("Trace with ID 'get' not found"));
    if (!oldServer) throw error;
    const info = await client.request<{ trace: { trace_info: TraceInfo } }>(
      'GET',
      `/api/3.0/mlflow/traces/${encodeURIComponent(traceId)}`,
    );
    return { trace_info: info.trace.trace_info, spans: [] };
  }
}
