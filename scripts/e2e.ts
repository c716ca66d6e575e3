import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureChromium } from './ensure-chromium.ts';
import { freePort } from './free-port.ts';
import { startPostgresCluster, type PostgresCluster } from './postgres-cluster.ts';

// Builds the explorer, then runs Playwright against real servers: one on a fresh SQLite file, one with
// --auth on another, and two replicas on one throwaway PostgreSQL database (the `replicas` project,
// e2e/replica-*.spec.ts). The cluster is removed afterwards whatever happens (the finally below; its
// exit and signal handlers; a later run reaps one whose runner was killed).

/** Whether these Playwright arguments can select a replica spec (a cluster is started only then). */
function wantsReplicas(args: string[]): boolean {
  const projects = args.flatMap((a, i) =>
    a === '--project' ? [args[i + 1]] : a.startsWith('--project=') ? [a.slice('--project='.length)] : [],
  );
  if (projects.length > 0 && !projects.includes('replicas')) return false;
  const files = args.filter((a, i) => !a.startsWith('-') && !args[i - 1]?.startsWith('--project'));
  return files.length === 0 || files.some((f) => /replica-/.test(f));
}

const args = process.argv.slice(2);
const chromium = ensureChromium();
const dir = mkdtempSync(join(tmpdir(), 'trace-explorer-e2e-'));
// A build folder per run, so that runs side by side never serve each other's half-written assets.
const dist = join(dir, 'dist');
const ports = new Set<number>();
while (ports.size < 4) ports.add(await freePort());
const [port, authPort, replicaAPort, replicaBPort] = [...ports];
let cluster: PostgresCluster | undefined;
try {
  execFileSync('npx', ['vite', 'build', '--logLevel', 'warn', '--outDir', dist, '--emptyOutDir'], {
    stdio: 'inherit',
  });
  if (wantsReplicas(args)) cluster = await startPostgresCluster();
  execFileSync('npx', ['playwright', 'test', '--output', join('test-results', `run-${process.pid}`), ...args], {
    stdio: 'inherit',
    env: {
      ...process.env,
      E2E_PORT: String(port),
      E2E_DB: join(dir, 'e2e.db'),
      E2E_AUTH_PORT: String(authPort),
      E2E_AUTH_DB: join(dir, 'e2e-auth.db'),
      ...(cluster && {
        E2E_PG_URL: cluster.url,
        E2E_REPLICA_A_PORT: String(replicaAPort),
        E2E_REPLICA_B_PORT: String(replicaBPort),
      }),
      E2E_DIST: dist,
      CHROMIUM_PATH: chromium,
    },
  });
} catch (error) {
  // Playwright has reported its failures; anything else (the build, the cluster) says why here.
  if ((error as { status?: unknown }).status === undefined) console.error(error);
  process.exitCode = 1;
} finally {
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
}
