import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { TraceInfo } from '../core/model.ts';
import { MlflowRestClient } from './mlflow-rest-client.ts';
import type { TraceTransport } from './trace-transport.ts';

export interface HttpTransportOptions {
  trackingUri: string;
  experimentId: string;
  timeoutMs?: number;
  /** The Authorization header for both the OTLP export and StartTraceV3. */
  authorization?: string;
}

/**
 * Exports like MLflow's Python SDK against an MLflow ≥ 3.4 server (docs/mlflow-contract.md §4.1): spans as
 * OTLP/protobuf to /v1/traces with the experiment in `x-mlflow-experiment-id`, then StartTraceV3.
 * Throws when the tracking URI is not an http(s) URL.
 */
export function createHttpTransport(options: HttpTransportOptions): TraceTransport {
  assertHttpUrl(options.trackingUri);
  const client = new MlflowRestClient(options.trackingUri, fetch, options.timeoutMs ?? 10_000, options.authorization);
  const exporter = new OTLPTraceExporter({
    url: `${client.baseUrl}/v1/traces`,
    headers: {
      'x-mlflow-experiment-id': options.experimentId,
      ...(options.authorization ? { authorization: options.authorization } : {}),
    },
    timeoutMillis: options.timeoutMs ?? 10_000,
  });
  return {
    exportSpans: (spans: ReadableSpan[]) =>
      new Promise<void>((resolve, reject) => {
        exporter.export(spans, (result) => {
          // ExportResultCode.SUCCESS is 0; @opentelemetry/core is not a direct dependency.
          if (result.code === 0) resolve();
          else reject(result.error ?? new Error('OTLP export failed'));
        });
      }),
    startTrace: async (info: TraceInfo) => {
      await client.request('POST', '/api/3.0/mlflow/traces', { body: { trace: { trace_info: info } } });
    },
    shutdown: () => exporter.shutdown(),
  };
}

// Checked up front because the OTLP exporter either throws an unhelpful message from its constructor
// ('not a url') or accepts the URI and fails every request with "Protocol not supported" ('localhost:5000').
function assertHttpUrl(uri: string): void {
  let protocol: string | undefined;
  try {
    protocol = new URL(uri).protocol;
  } catch {
    throw new Error(`tracking URI '${uri}' is not a valid URL`);
  }
  if (protocol !== 'http:' && protocol !== 'https:')
    throw new Error(`tracking URI '${uri}' is not an http:// or https:// URL`);
}
