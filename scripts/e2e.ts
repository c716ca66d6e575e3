import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureChromium } from './ensure-chromium.ts';
import { freePort } from './free-port.ts';

// Builds the explorer, then runs Playwright against the real server on a fresh SQLite file.
const chromium = ensureChromium();
const dir = mkdtempSync(join(tmpdir(), 'trace-explorer-e2e-'));
// A build folder per run, so that runs side by side never serve each other's half-written assets.
const dist = join(dir, 'dist');
execFileSync('npx', ['vite', 'build', '--logLevel', 'warn', '--outDir', dist, '--emptyOutDir'], { stdio: 'inherit' });
const port = await freePort();
let authPort = await freePort();
while (authPort === port) authPort = await freePort();
try {
  execFileSync(
    'npx',
    ['playwright', 'test', '--output', join('test-results', `run-${process.pid}`), ...process.argv.slice(2)],
    {
      stdio: 'inherit',
      env: {
        ...process.env,
        E2E_PORT: String(port),
        E2E_DB: join(dir, 'e2e.db'),
        E2E_AUTH_PORT: String(authPort),
        E2E_AUTH_DB: join(dir, 'e2e-auth.db'),
        E2E_DIST: dist,
        CHROMIUM_PATH: chromium,
      },
    },
  );
} catch {
  process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
