import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

/**
 * Playwright drives Debian's Chromium (it cannot download its own browser here). Installs the
 * apt package when it is missing, so a fresh machine needs no manual step.
 */
export function ensureChromium(path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'): string {
  if (existsSync(path)) return path;
  console.log(`Chromium not found at ${path}: installing Debian's chromium package…`);
  const asRoot = process.getuid?.() === 0;
  const run = (args: string[]) =>
    execFileSync(asRoot ? args[0] : 'sudo', asRoot ? args.slice(1) : args, {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  run(['apt-get', 'update', '-qq']);
  run(['apt-get', 'install', '-y', '-qq', 'chromium']);
  if (!existsSync(path)) throw new Error(`Chromium is still missing at ${path} after apt-get install.`);
  return path;
}
