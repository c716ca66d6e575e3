import { context, trace as otelTrace } from '@opentelemetry/api';
import { getSdk } from './init.ts';
import { LiveSpan, millisToHrTime } from './live-span.ts';
import type { SpanType } from './span-type.ts';

export interface StartSpanOptions {
  name: string;
  spanType?: SpanType;
  inputs?: unknown;
  attributes?: Record<string, unknown>;
  /** Epoch ms; default now. Lets importers and the demo place traces in the past. */
  startTimeMs?: number;
  /** Explicit parent; default the active span, if any. */
  parent?: LiveSpan;
}

/**
 * Starts a span that the caller must `end()`. It does not become the active span: use `withSpan` for
 * that, or pass it as `parent` to children.
 */
export function startSpan(options: StartSpanOptions): LiveSpan {
  const { tracer } = getSdk();
  const parentContext = options.parent
    ? otelTrace.setSpan(context.active(), options.parent.otelSpan)
    : context.active();
  const otelSpan = tracer.startSpan(
    options.name,
    { startTime: options.startTimeMs === undefined ? undefined : millisToHrTime(options.startTimeMs) },
    parentContext,
  );
  const span = new LiveSpan(otelSpan);
  span.setSpanType(options.spanType ?? 'UNKNOWN');
  if (options.inputs !== undefined) span.setInputs(options.inputs);
  if (options.attributes) span.setAttributes(options.attributes);
  return span;
}

/** Runs `fn` with a new span active (so nested spans and updateCurrentTrace find it), ending it afterwards. */
export function withSpan<T>(options: StartSpanOptions, fn: (span: LiveSpan) => T): T {
  const span = startSpan(options);
  const run = () => fn(span);
  let result: T;
  try {
    result = context.with(otelTrace.setSpan(context.active(), span.otelSpan), run);
  } catch (error) {
    span.recordException(error);
    span.end();
    throw error;
  }
  if (result instanceof Promise) {
    return result.then(
      (value: unknown) => {
        span.end();
        return value;
      },
      (error: unknown) => {
        span.recordException(error);
        span.end();
        throw error;
      },
    ) as T;
  }
  span.end();
  return result;
}

/** The active span's MLflow wrapper, or undefined outside a trace. */
export function getCurrentSpan(): LiveSpan | undefined {
  const otelSpan = otelTrace.getSpan(context.active());
  return otelSpan && otelSpan.spanContext().traceId ? new LiveSpan(otelSpan) : undefined;
}
