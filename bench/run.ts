// `npm run bench -- [filter|server|ui-traces|ui-compare|all] [--traces N]`: runs the named
// benchmarks and prints their markdown tables (copy them into bench/RESULTS.md).
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';

type BenchModule = Record<string, (options: Record<string, unknown>) => Promise<string>>;

const SUITES: Record<string, { file: string; exportName: string }> = {
  filter: { file: 'filter.ts', exportName: 'runFilterBench' },
  server: { file: 'server.ts', exportName: 'runServerBench' },
  'ui-traces': { file: 'ui-traces.ts', exportName: 'runUiTracesBench' },
  'ui-compare': { file: 'ui-compare.ts', exportName: 'runUiCompareBench' },
};

const args = process.argv.slice(2);
const names = args.filter((a) => !a.startsWith('--') && !/^\d+$/.test(a));
const tracesFlag = args.indexOf('--traces');
const options: Record<string, unknown> = tracesFlag >= 0 ? { traces: Number(args[tracesFlag + 1]) } : {};
const selected = names.length === 0 || names.includes('all') ? Object.keys(SUITES) : names;

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
