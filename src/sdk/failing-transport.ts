import type { TraceTransport } from './trace-transport.ts';

/**
 * An export failure whose cause was already reported once when the transport was set up: the export queue
 * counts it like any other failure but does not warn again.
 */
export class ExportDisabledError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportDisabledError';
  }
}

/** A transport that fails every export, for when no working transport could be built (e.g. a malformed URI). */
export function createFailingTransport(reason: string): TraceTransport {
  const fail = () => Promise.reject(new ExportDisabledError(reason));
  return { exportSpans: fail, startTrace: fail };
}
