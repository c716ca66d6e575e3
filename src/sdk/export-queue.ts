import { ExportDisabledError } from './failing-transport.ts';
import type { FinishedTrace, TraceTransport } from './trace-transport.ts';

export interface ExportQueueOptions {
  /** Traces waiting for export; beyond this new traces are dropped (and counted) rather than growing memory. */
  maxQueueSize?: number;
  /** Traces sent per drain round: their spans go in one OTLP request (split at maxSpansPerRequest). */
  maxBatchTraces?: number;
  maxSpansPerRequest?: number;
  /** How long a lone trace may wait for company before export. */
  scheduleDelayMs?: number;
  /** Parallel StartTraceV3 calls. */
  concurrency?: number;
  warn?: (message: string) => void;
}

export interface ExportStats {
  /** Traces whose info reached the server. */
  exportedTraces: number;
  /** Traces dropped because the queue was full. */
  droppedTraces: number;
  /** Traces whose StartTraceV3 call failed. */
  failedTraces: number;
  /** OTLP requests that failed (their spans are lost). */
  failedSpanRequests: number;
  queued: number;
}

type FailureKind = 'spans' | 'trace info' | 'queue full';

/**
 * A bounded, asynchronous export queue. Application code only ever calls `enqueue`, which is synchronous
 * and cannot throw; all network work happens in the background, and each kind of failure is logged once
 * and then only counted, so an unreachable server never floods the application's logs.
 */
export class ExportQueue {
  private readonly items: FinishedTrace[] = [];
  private draining: Promise<void> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly warned = new Set<FailureKind>();
  private readonly counters = { exportedTraces: 0, droppedTraces: 0, failedTraces: 0, failedSpanRequests: 0 };
  private readonly options: Required<ExportQueueOptions>;

  constructor(
    private readonly transport: TraceTransport,
    options: ExportQueueOptions = {},
  ) {
    this.options = {
      maxQueueSize: options.maxQueueSize ?? 2048,
      maxBatchTraces: options.maxBatchTraces ?? 100,
      maxSpansPerRequest: options.maxSpansPerRequest ?? 2000,
      scheduleDelayMs: options.scheduleDelayMs ?? 200,
      concurrency: options.concurrency ?? 8,
      warn: options.warn ?? ((message) => console.warn(message)),
    };
  }

  /** Adds a finished trace; returns false when it was dropped because the queue is full. */
  enqueue(item: FinishedTrace): boolean {
    if (this.items.length >= this.options.maxQueueSize) {
      if (item.info) this.counters.droppedTraces++;
      this.warnOnce(
        'queue full',
        `queue limit of ${this.options.maxQueueSize} traces reached; dropping traces (call flush() more often or raise maxQueueSize)`,
      );
      return false;
    }
    this.items.push(item);
    if (this.items.length >= this.options.maxBatchTraces) void this.drain();
    else this.schedule();
    return true;
  }

  /** Resolves once everything queued so far has been sent (or has failed). Never rejects. */
  async flush(): Promise<void> {
    this.clearTimer();
    while (this.items.length > 0 || this.draining) await this.drain();
  }

  stats(): ExportStats {
    return { ...this.counters, queued: this.items.length };
  }

  async shutdown(): Promise<void> {
    await this.flush();
    try {
      await this.transport.shutdown?.();
    } catch {
      // Shutting down a transport that cannot reach its server is not worth reporting.
    }
  }

  private schedule(): void {
    if (this.timer || this.draining) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.drain();
    }, this.options.scheduleDelayMs);
    // A pending export must not keep a finished process alive; `flush()` is how callers wait for it.
    this.timer.unref?.();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private drain(): Promise<void> {
    if (this.draining) return this.draining;
    this.clearTimer();
    this.draining = (async () => {
      while (this.items.length > 0) {
        await this.exportBatch(this.items.splice(0, this.options.maxBatchTraces));
      }
    })().finally(() => {
      this.draining = undefined;
    });
    return this.draining;
  }

  private async exportBatch(batch: FinishedTrace[]): Promise<void> {
    // Spans first, then the trace infos: a server that sees the info last marks the trace finalized
    // with the SDK's own times, previews and token usage (docs/mlflow-contract.md §3.2 step 4).
    const spans = batch.flatMap((item) => item.spans);
    for (let i = 0; i < spans.length; i += this.options.maxSpansPerRequest) {
      try {
        await this.transport.exportSpans(spans.slice(i, i + this.options.maxSpansPerRequest));
      } catch (error) {
        this.counters.failedSpanRequests++;
        this.warnOnce('spans', `span export failed: ${describe(error)}`, error);
      }
    }
    const infos = batch.flatMap((item) => (item.info ? [item.info] : []));
    let next = 0;
    const worker = async () => {
      while (next < infos.length) {
        const info = infos[next++];
        try {
          await this.transport.startTrace(info);
          this.counters.exportedTraces++;
        } catch (error) {
          this.counters.failedTraces++;
          this.warnOnce('trace info', `trace ${info.trace_id} export failed: ${describe(error)}`, error);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.options.concurrency, infos.length) }, worker));
  }

  private warnOnce(kind: FailureKind, message: string, error?: unknown): void {
    // Its cause was reported when the transport was set up; saying it again per kind would only be noise.
    if (error instanceof ExportDisabledError) return;
    if (this.warned.has(kind)) return;
    this.warned.add(kind);
    try {
      this.options.warn(
        `[trace-explorer sdk] ${message}. Further ${kind} failures are counted silently (see getExportStats()).`,
      );
    } catch {
      // A broken logger must not break export.
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
