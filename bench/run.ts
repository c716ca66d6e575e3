// `npm run bench -- [filter|server|ui-traces|ui-compare|ui-trace-detail|load|all] [--traces N] [--url U --experiment E]`
// (`server --backend postgresql://…` adds PostgreSQL beside SQLite: bench/server-postgres.ts):
// runs the named benchmarks and prints their markdown tables (copy them into bench/RESULTS.md).
// `--url`/`--experiment` point the UI benchmarks at an already-seeded server (e.g. one serving the
// 1M-trace database built by the server benchmark), which is too slow to seed per run. `load` also
// takes `--clients C --seconds S --adversarial-seconds A` (see bench/load.ts); `all` leaves it out.
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
  load: { file: 'load.ts', exportName: 'runLoadBench' },
};

const args = process.argv.slice(2);
const names = args.filter((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
const flag = (name: string): string | undefined => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const options: Record<string, unknown> = {};
if (flag('--traces') !== undefined) options.traces = Number(flag('--traces'));
if (flag('--url') !== undefined) options.url = flag('--url');
if (flag('--experiment') !== undefined) options.experimentId = flag('--experiment');
if (flag('--clients') !== undefined) options.clients = Number(flag('--clients'));
if (flag('--seconds') !== undefined) options.seconds = Number(flag('--seconds'));
if (flag('--backend') !== undefined) options.backend = flag('--backend');
if (flag('--adversarial-seconds') !== undefined) options.adversarialSeconds = Number(flag('--adversarial-seconds'));
// The load test takes minutes and the whole machine: run it by name only.
const selected = names.length === 0 || names.includes('all') ? Object.keys(SUITES).filter((s) => s !== 'load') : names;

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
