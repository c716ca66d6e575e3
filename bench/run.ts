// `npm run bench -- [filter|server|ui-traces|ui-compare|ui-trace-detail|ui-review-queue|load|live-tail|bulk|export|big-write|ingest|all] [--traces N] [--spans N] [--url U --experiment E [--trace T]]`
// (`server --backend postgresql://…` adds PostgreSQL beside SQLite: bench/server-postgres.ts):
// runs the named benchmarks and prints their markdown tables (copy them into bench/RESULTS.md).
// `--url`/`--experiment` point the UI benchmarks at an already-seeded server (e.g. one serving the
// 1M-trace database built by the server benchmark), which is too slow to seed per run. `load` also
// takes `--clients C --seconds S --adversarial-seconds A --db base.db` (see bench/load.ts); `all` leaves it and `live-tail` out.
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';

type BenchModule = Record<string, (options: Record<string, unknown>) => Promise<string>>;

const SUITES: Record<string, { file: string; exportName: string }> = {
  filter: { file: 'filter.ts', exportName: 'runFilterBench' },
  server: { file: 'server.ts', exportName: 'runServerBench' },
  'ui-traces': { file: 'ui-traces.ts', exportName: 'runUiTracesBench' },
  'ui-compare': { file: 'ui-compare.ts', exportName: 'runUiCompareBench' },
  'ui-trace-detail': { file: 'ui-trace-detail.ts', exportName: 'runUiTraceDetailBench' },
  'ui-review-queue': { file: 'ui-review-queue.ts', exportName: 'runUiReviewQueueBench' },
  load: { file: 'load.ts', exportName: 'runLoadBench' },
  'live-tail': { file: 'live-tail.ts', exportName: 'runLiveTailBench' },
  bulk: { file: 'bulk.ts', exportName: 'runBulkBench' },
  export: { file: 'export.ts', exportName: 'runExportBench' },
  'big-write': { file: 'big-write.ts', exportName: 'runBigWriteBench' },
  ingest: { file: 'ingest.ts', exportName: 'runIngestBench' },
};

const args = process.argv.slice(2);
const names = args.filter((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
const flag = (name: string): string | undefined => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const options: Record<string, unknown> = {};
if (flag('--traces') !== undefined) options.traces = Number(flag('--traces'));
if (flag('--spans') !== undefined) options.spans = Number(flag('--spans'));
if (flag('--trace') !== undefined) options.traceId = flag('--trace');
if (flag('--url') !== undefined) options.url = flag('--url');
if (flag('--experiment') !== undefined) options.experimentId = flag('--experiment');
if (flag('--export') !== undefined) options.export = Number(flag('--export'));
if (flag('--clients') !== undefined) options.clients = Number(flag('--clients'));
if (flag('--seconds') !== undefined) options.seconds = Number(flag('--seconds'));
if (flag('--backend') !== undefined) options.backend = flag('--backend');
if (flag('--db') !== undefined) options.db = flag('--db');
if (flag('--root') !== undefined) options.root = flag('--root');
if (flag('--adversarial-seconds') !== undefined) options.adversarialSeconds = Number(flag('--adversarial-seconds'));
// The load test, the live tail's (which seeds 100,000 traces and measures CPU over a minute), the bulk and
// the export benchmarks take the machine: run them by name only.
const BY_NAME_ONLY = new Set(['load', 'live-tail', 'bulk', 'export', 'big-write', 'ingest']);
const selected =
  names.length === 0 || names.includes('all') ? Object.keys(SUITES).filter((s) => !BY_NAME_ONLY.has(s)) : names;

for (const name of selected) {
  const suite = SUITES[name];
  if (!suite) {
    console.error(`Unknown benchmark '${name}'. Known: ${Object.keys(SUITES).join(', ')}`);
    process.exit(2);
  }
  const path = join(import.meta.dirname, suite.file);
  if (!existsSync(path)) {
    console.log(`## ${name}\n\n(not written yet)\n`);
    continue;
  }
  const module = (await import(pathToFileURL(path).href)) as BenchModule;
  console.log(`## ${name}\n\n${await module[suite.exportName](options)}\n`);
}
