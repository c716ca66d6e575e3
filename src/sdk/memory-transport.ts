import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { TraceInfo } from '../core/model.ts';
import type { TraceTransport } from './trace-transport.ts';

export interface MemoryTransport extends TraceTransport {
  spans: ReadableSpan[];
  infos: TraceInfo[];
}

/** Keeps exported traces in memory: for tests of instrumented code, `init({ transport: createMemoryTransport() })`. */
export function createMemoryTransport(): MemoryTransport {
  const spans: ReadableSpan[] = [];
  const infos: TraceInfo[] = [];
  return {
    spans,
    infos,
    exportSpans: async (batch) => {
      spans.push(...batch);
    },
    startTrace: async (info) => {
      infos.push(info);
    },
  };
}
