import { Worker } from 'node:worker_threads';
import type { SeedDemoOptions, SeedDemoResult } from './seed-demo.ts';

type WorkerMessage =
  | { kind: 'progress'; done: number; total: number }
  | { kind: 'done'; result: SeedDemoResult }
  | { kind: 'error'; message: string };

/**
 * Runs seedDemo on a worker thread. `npm run demo` hosts the server in the same process, and on a
 * two-core machine building and encoding spans on the second core roughly halves the seeding time.
 */
export function seedInWorker(options: SeedDemoOptions): Promise<SeedDemoResult> {
  const { onProgress, ...data } = options;
  // tsx's loader hooks do not follow into worker threads: the worker registers them before loading the TS entry.
  const entry = new URL('./seed-worker.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  const worker = new Worker(bootstrap, { eval: true, workerData: data });
  return new Promise<SeedDemoResult>((resolve, reject) => {
    worker.on('message', (message: WorkerMessage) => {
      if (message.kind === 'progress') onProgress?.(message.done, message.total);
      else if (message.kind === 'done') resolve(message.result);
      else reject(new Error(message.message));
    });
    worker.on('error', reject);
    worker.on('exit', (code) => reject(new Error(`demo seeding worker exited with code ${code}`)));
  }).finally(() => void worker.terminate());
}
