// How the server starts a worker thread (the SQLite engine's read workers and writer thread, the
// OTLP decode threads): the thread must load TypeScript like the rest of the server.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';

// This bootstrap registers tsx's ESM hooks in the new thread (on Node 20 `--import tsx` registers
// them in the main thread only), then imports the worker module. The same works under `npm start`,
// `node --import tsx`, the tsx CLI and vitest.
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
