import { parentPort, workerData } from 'node:worker_threads';
import { shutdown } from '../../src/sdk/index.ts';
import { seedDemo, type SeedDemoOptions } from './seed-demo.ts';

// Worker side of seedInWorker: seeds and reports progress and the result as messages.
const options = workerData as Omit<SeedDemoOptions, 'onProgress'>;
try {
  const result = await seedDemo({
    ...options,
    onProgress: (done, total) => parentPort?.postMessage({ kind: 'progress', done, total }),
  });
  await shutdown();
  parentPort?.postMessage({ kind: 'done', result });
} catch (error) {
  parentPort?.postMessage({ kind: 'error', message: error instanceof Error ? error.message : String(error) });
}
