import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureChromium } from './ensure-chromium.ts';
import { freePort } from './free-port.ts';

// Builds the explorer, then runs Playwright against the real server on a fresh SQLite file.
const chromium = ensureChromium();
execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
const dir = mkdtempSync(join(tmpdir(), 'trace-explorer-e2e-'));
const port = await freePort();
try {
  execFileSync('npx', ['playwright', 'test', ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, E2E_PORT: String(port), E2E_DB: join(dir, 'e2e.db'), CHROMIUM_PATH: chromium },
  });
} catch {
  process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
