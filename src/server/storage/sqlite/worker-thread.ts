// What the SQLite engine's worker threads (read-pool.ts, write-thread.ts) share: how an error
// crosses the thread boundary (../../start-worker.ts starts them).
import { MlflowError, type ErrorCode } from '../../errors.ts';

/** An error as it crosses by structured clone (which keeps only Error's own message). */
export interface WireError {
  code?: ErrorCode;
  message: string;
  status?: number;
}

export function errorToWire(error: unknown): WireError {
  if (error instanceof MlflowError) return { code: error.errorCode, message: error.message, status: error.statusCode };
  // Another connection held the write lock past busy_timeout (an auxiliary store's write, a bulk
  // load): the caller may try again, so it is a 503, not our fault.
  if (String((error as { code?: unknown }).code ?? '').startsWith('SQLITE_BUSY'))
    return { code: 'TEMPORARILY_UNAVAILABLE', message: 'The database is busy; try again shortly.' };
  return { message: error instanceof Error ? error.message : String(error) };
}

/** Anything but MlflowError is our fault: the route answers 500 without this message's details. */
export function errorFromWire(wire: WireError): Error {
  return wire.code ? new MlflowError(wire.code, wire.message, wire.status) : new Error(wire.message);
}
