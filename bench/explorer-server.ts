// The UI benchmarks' server: the explorer built into `dir/dist` and the real server on a fresh SQLite file
// in `dir`, listening on a free port, with the Chromium flags they launch with.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export async function startExplorerServer(dir: string): Promise<{ url: string; close: () => Promise<void> }> {
  const dist = join(dir, 'dist');
  execFileSync('npx', ['vite', 'build', '--logLevel', 'warn', '--outDir', dist, '--emptyOutDir'], {
    stdio: 'inherit',
  });
  const { startServer } = await import('../src/server/main.ts');
  return startServer([
    '--port',
    '0',
    '--backend-store-uri',
    `sqlite:///${join(dir, 'bench.db')}`,
    '--synchronous',
    'NORMAL',
    '--static-dir',
    dist,
  ]);
}
