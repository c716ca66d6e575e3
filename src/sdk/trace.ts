import { SPAN_ATTRIBUTES } from '../core/model.ts';
import { namedInputs, parameterNames } from './parameter-names.ts';
import type { SpanType } from './span-type.ts';
import { withSpan } from './start-span.ts';

export interface TraceOptions {
  /** Span name; default the function's name. */
  name?: string;
  spanType?: SpanType;
  attributes?: Record<string, unknown>;
}

/**
 * Wraps a sync or async function so that each call is a span: inputs by parameter name, the return
 * value as outputs, duration, and on a throw or rejection an ERROR status with an `exception` event
 * (the error is rethrown unchanged). Calls made inside become child spans, across `await` too.
 */
export function trace<A extends unknown[], R>(fn: (...args: A) => R, options: TraceOptions = {}): (...args: A) => R {
  const names = parameterNames(fn as (...args: never[]) => unknown);
  const name = options.name ?? (fn.name || 'anonymous');
  const wrapped = function (this: unknown, ...args: A): R {
    return withSpan(
      {
        name,
        spanType: options.spanType ?? 'UNKNOWN',
        inputs: namedInputs(names, args),
        attributes: { [SPAN_ATTRIBUTES.functionName]: fn.name || name, ...options.attributes },
      },
      (span) => {
        const result = fn.apply(this, args);
        if (result instanceof Promise) {
          return result.then((value: unknown) => {
            span.setOutputs(value);
            return value;
          }) as R;
        }
        span.setOutputs(result);
        return result;
      },
    );
  };
  Object.defineProperty(wrapped, 'name', { value: fn.name });
  return wrapped;
}
