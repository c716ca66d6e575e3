import type { Tracer } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ExportQueue, type ExportQueueOptions, type ExportStats } from './export-queue.ts';
import { createFailingTransport } from './failing-transport.ts';
import { createHttpTransport, type HttpTransportOptions } from './http-transport.ts';
import { MlflowRestClient } from './mlflow-rest-client.ts';
import { MlflowSpanProcessor } from './mlflow-span-processor.ts';
import { sourceMetadata } from './source-metadata.ts';
import type { TraceTransport } from './trace-transport.ts';
import { authorizationHeader, type Credentials } from './credentials.ts';

export interface InitOptions extends ExportQueueOptions, Credentials {
  /** MLflow tracking server, e.g. http://127.0.0.1:5000. Default: MLFLOW_TRACKING_URI, else http://localhost:5000. */
  trackingUri?: string;
  /** Default: MLFLOW_EXPERIMENT_ID, else "0" (MLflow's Default experiment). */
  experimentId?: string;
  /** Metadata added to every trace (before the automatic keys are overridden by updateCurrentTrace). */
  metadata?: Record<string, string>;
  /** Directory whose git checkout is described in source metadata. Default: process.cwd(). */
  cwd?: string;
  /** Per-request export deadline, retries included (OTLP retries refused connections and 429/5xx). Default 10 s. */
  exportTimeoutMs?: number;
  /** Replaces the HTTP transport, e.g. with an in-memory fake in tests. */
  transport?: TraceTransport;
  /** Replaces global fetch for the REST calls (logFeedback, searchTraces, ...). */
  fetch?: typeof fetch;
}

export interface Sdk {
  trackingUri: string;
  experimentId: string;
  tracer: Tracer;
  processor: MlflowSpanProcessor;
  queue: ExportQueue;
  client: MlflowRestClient;
  provider: NodeTracerProvider;
}

let current: Sdk | undefined;
let contextRegistered = false;
let exitHookInstalled = false;

/** Configures tracing. Calling it again replaces the previous configuration (its queue is flushed in the background). */
export function init(options: InitOptions = {}): Sdk {
  const previous = current;
  // An empty variable (`MLFLOW_TRACKING_URI=` in a compose file) means "not set", as an absent one does.
  const trackingUri = (options.trackingUri ?? (process.env.MLFLOW_TRACKING_URI || 'http://localhost:5000')).replace(
    /\/+$/,
    '',
  );
  const experimentId = options.experimentId ?? (process.env.MLFLOW_EXPERIMENT_ID || '0');
  // username/password/token, else MLFLOW_TRACKING_USERNAME/_PASSWORD or MLFLOW_TRACKING_TOKEN.
  const authorization = authorizationHeader(options);
  const transport =
    options.transport ??
    httpTransportOrFailing(
      { trackingUri, experimentId, timeoutMs: options.exportTimeoutMs, authorization },
      options.warn,
    );
  const queue = new ExportQueue(transport, options);
  const cwd = options.cwd ?? process.cwd();
  const extra = options.metadata ?? {};
  const processor = new MlflowSpanProcessor(queue, experimentId, () => ({ ...sourceMetadata(cwd), ...extra }));
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': process.env.OTEL_SERVICE_NAME ?? 'trace-explorer-sdk' }),
    spanProcessors: [processor],
  });
  if (!contextRegistered) {
    // Registers the AsyncLocalStorage context manager so the active span survives `await`. The tracer
    // itself comes from our own provider, so re-initialising never fights over the global provider.
    provider.register({ propagator: null });
    contextRegistered = true;
  }
  current = {
    trackingUri,
    experimentId,
    tracer: provider.getTracer('trace-explorer-sdk'),
    processor,
    queue,
    client: new MlflowRestClient(trackingUri, options.fetch ?? fetch, undefined, authorization),
    provider,
  };
  installExitHook();
  if (previous) void previous.provider.shutdown().catch(() => undefined);
  return current;
}

/** The active configuration; the first use without init() configures from the environment, as MLflow does. */
export function getSdk(): Sdk {
  return current ?? init();
}

/** Waits until every finished trace has been sent (or has failed). Never rejects. */
export async function flush(): Promise<void> {
  if (current) await current.queue.flush();
}

/** Flushes and stops the exporter. */
export async function shutdown(): Promise<void> {
  const sdk = current;
  current = undefined;
  if (sdk) await sdk.provider.shutdown().catch(() => undefined);
}

export function getExportStats(): ExportStats {
  return current
    ? current.queue.stats()
    : { exportedTraces: 0, droppedTraces: 0, failedTraces: 0, failedSpanRequests: 0, queued: 0 };
}

/**
 * init() runs on the first traced call of an app that never called it, so a bad URI must not throw there:
 * it is reported once, and every export then fails and is counted like any other export failure.
 */
function httpTransportOrFailing(
  options: HttpTransportOptions,
  warn: (message: string) => void = (m) => console.warn(m),
): TraceTransport {
  try {
    return createHttpTransport(options);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    try {
      warn(
        `[trace-explorer sdk] ${reason} (set MLFLOW_TRACKING_URI or init({ trackingUri }), e.g. http://127.0.0.1:5000). Traces will not be exported; each one is counted as failed (see getExportStats()).`,
      );
    } catch {
      // A broken logger must not break tracing.
    }
    return createFailingTransport(`export disabled: ${reason}`);
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Short scripts end before the background timer fires: give queued traces one last chance.
  process.on('beforeExit', () => {
    if (current && current.queue.stats().queued > 0) void current.queue.flush();
  });
}
