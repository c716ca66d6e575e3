import {
  flush,
  getExportStats,
  init,
  logExpectation,
  logFeedback,
  MlflowApiError,
  startSpan,
  type LiveSpan,
} from '../../src/sdk/index.ts';
import { MlflowRestClient } from '../../src/sdk/mlflow-rest-client.ts';
import { DEMO_EXPERIMENT } from './find-seeded-demo.ts';
import { generateDemo, type DemoOptions, type DemoTrace } from './generate-demo.ts';
import { summarizeDemo, type DemoSummary } from './summarize-demo.ts';

export interface SeedDemoOptions extends DemoOptions {
  trackingUri: string;
  experimentName?: string;
  onProgress?: (done: number, total: number) => void;
}

export interface SeedDemoResult {
  experimentId: string;
  traceIds: string[];
  summary: DemoSummary;
  seconds: number;
  failedTraces: number;
  failedAssessments: number;
}

// Traces handed to the SDK between flushes: bounds memory and keeps the SDK's queue from overflowing.
const FLUSH_EVERY = 250;
const ASSESSMENT_CONCURRENCY = 8;

async function ensureExperiment(trackingUri: string, name: string): Promise<string> {
  const client = new MlflowRestClient(trackingUri);
  try {
    const created = await client.request<{ experiment_id: string }>('POST', '/api/2.0/mlflow/experiments/create', {
      body: { name },
    });
    return created.experiment_id;
  } catch (error) {
    if (!(error instanceof MlflowApiError) || error.errorCode !== 'RESOURCE_ALREADY_EXISTS') throw error;
    const found = await client.request<{ experiment: { experiment_id: string } }>(
      'GET',
      '/api/2.0/mlflow/experiments/get-by-name',
      { query: { experiment_name: name } },
    );
    return found.experiment.experiment_id;
  }
}

/** A stack trace from the demo app's own (fictional) source files rather than from this seeder. */
function demoError(type: string, message: string, spanName: string): Error {
  const error = new Error(message);
  error.name = type;
  error.stack = `${type}: ${message}\n    at ${spanName} (chat-assistant/src/agent/${spanName}.ts:${40 + spanName.length}:11)\n    at async runAgent (chat-assistant/src/agent/run-agent.ts:72:20)\n    at async handleChat (chat-assistant/src/routes/chat.ts:31:18)`;
  return error;
}

/** Emits one planned trace through the SDK with its recorded (past) timestamps; returns the MLflow trace id. */
function emitTrace(trace: DemoTrace): string {
  const live: LiveSpan[] = [];
  for (const span of trace.spans) {
    const created = startSpan({
      name: span.name,
      spanType: span.type,
      inputs: span.inputs,
      attributes: span.attributes,
      startTimeMs: span.startMs,
      parent: span.parent === undefined ? undefined : live[span.parent],
    });
    if (span.tokenUsage) created.setTokenUsage(span.tokenUsage);
    live.push(created);
  }
  live[0].updateTrace({ clientRequestId: trace.clientRequestId, metadata: trace.metadata, tags: trace.tags });
  // Children end before their parents, the root last: its end is what finalizes the trace.
  for (let i = trace.spans.length - 1; i >= 0; i--) {
    const span = trace.spans[i];
    if (span.error) live[i].recordException(demoError(span.error.type, span.error.message, span.name), span.endMs);
    live[i].end({ outputs: span.outputs, endTimeMs: span.endMs });
  }
  return live[0].traceId;
}

async function runPool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

/**
 * Seeds the demo experiment through the SDK, so the data travels the real ingestion path (OTLP spans,
 * StartTraceV3, assessments REST), then logs feedback and expectations on the stored traces.
 */
export async function seedDemo(options: SeedDemoOptions): Promise<SeedDemoResult> {
  const started = performance.now();
  const plan = generateDemo(options);
  const experimentId = await ensureExperiment(options.trackingUri, options.experimentName ?? DEMO_EXPERIMENT);
  init({
    trackingUri: options.trackingUri,
    experimentId,
    maxQueueSize: FLUSH_EVERY * 2,
    maxBatchTraces: 200,
    concurrency: 16,
    scheduleDelayMs: 20,
  });

  const traceIds: string[] = [];
  for (let i = 0; i < plan.length; i++) {
    traceIds.push(emitTrace(plan[i]));
    if ((i + 1) % FLUSH_EVERY === 0 || i === plan.length - 1) {
      await flush();
      options.onProgress?.(i + 1, plan.length);
    }
  }

  const assessments = plan.flatMap((trace, i) => [
    ...(trace.feedback
      ? [
          () =>
            logFeedback({
              traceId: traceIds[i],
              name: 'user_satisfaction',
              value: trace.feedback?.value ?? false,
              rationale: trace.feedback?.rationale,
              source: { sourceType: 'HUMAN', sourceId: trace.feedback?.sourceId },
            }),
        ]
      : []),
    ...trace.expectations.map(
      (e) => () =>
        logExpectation({
          traceId: traceIds[i],
          name: e.name,
          value: e.value,
          source: { sourceType: 'HUMAN', sourceId: e.sourceId },
        }),
    ),
  ]);
  let failedAssessments = 0;
  await runPool(assessments, ASSESSMENT_CONCURRENCY, async (log) => {
    try {
      await log();
    } catch (error) {
      // Report the first failure and keep going: the traces themselves are already stored.
      if (failedAssessments++ === 0)
        console.warn(`\nLogging demo assessments failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  });

  return {
    experimentId,
    traceIds,
    summary: summarizeDemo(plan),
    seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
    failedTraces: getExportStats().failedTraces + getExportStats().droppedTraces,
    failedAssessments,
  };
}
