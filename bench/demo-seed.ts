// `npx tsx bench/demo-seed.ts [--traces 3000]`: seeds the demo into a fresh server on a temporary SQLite
// file and reports how long it took (the target: 3,000 traces in under 30 s on two cores).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../src/server/main.ts';
import { shutdown } from '../src/sdk/index.ts';
import { seedDemo } from '../scripts/demo/seed-demo.ts';
import { seedInWorker } from '../scripts/demo/seed-in-worker.ts';

const flag = process.argv.indexOf('--traces');
const traces = flag >= 0 ? Number(process.argv[flag + 1]) : 3000;
const dir = mkdtempSync(join(tmpdir(), 'demo-seed-bench-'));
const server = await startServer([
  '--port',
  '0',
  '--backend-store-uri',
  `sqlite:///${join(dir, 'bench.db')}`,
  '--synchronous',
  'NORMAL',
]);
try {
  const result = await (process.argv.includes('--same-thread') ? seedDemo : seedInWorker)({
    trackingUri: server.url,
    traces,
    onProgress: (done, total) => process.stderr.write(`\r${done}/${total}`),
  });
  process.stderr.write('\n');
  console.log(`| traces | spans | assessments | seconds | traces/s |\n|---|---|---|---|---|`);
  const { summary } = result;
  console.log(
    `| ${summary.traces} | ${summary.spans} | ${summary.feedback + summary.expectations} | ${result.seconds} | ${Math.round(summary.traces / result.seconds)} |`,
  );
  if (result.failedTraces) console.log(`(${result.failedTraces} traces failed to export)`);
} finally {
  await shutdown();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
