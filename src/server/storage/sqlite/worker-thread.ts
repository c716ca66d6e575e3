// What the SQLite engine's worker threads (read-pool.ts, write-thread.ts) share: how a thread loads
// TypeScript, and how an error crosses the thread boundary.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { MlflowError, type ErrorCode } from '../../errors.ts';

// Workers load TypeScript like the rest of the server: this bootstrap registers tsx's ESM hooks in
// the new thread (on Node 20 `--import tsx` registers them in the main thread only), then imports
// the worker module. The same works under `npm start`, `node --import tsx`, the tsx CLI and vitest.
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
require('node:module').register(workerData.tsx, { data: {} });
import(workerData.entry);
`;
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm')).href;

/** Starts `entry` (a module URL) in a new thread with `data` as its workerData; unref'd until busy. */
export function startWorker(entry: URL, data: object, resourceLimits?: ResourceLimits): Worker {
  const worker = new Worker(BOOTSTRAP, {
    eval: true,
    workerData: { ...data, tsx: TSX, entry: entry.href },
    resourceLimits,
  });
  worker.unref();
  return worker;
}

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
