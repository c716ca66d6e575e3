import { execFile, execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from 'pg';
import { freePort } from './free-port.ts';

// A throwaway PostgreSQL for tests and benchmarks: a fresh cluster in a temporary directory, on a free
// loopback port, removed afterwards. PostgreSQL refuses to run as root and CI runs as root, so as root
// the cluster belongs to the unprivileged `postgres` system user (Debian's package creates it).
// Nothing here touches the machine's own clusters: the socket, data and log stay in the temp dir.

const DIR_PREFIX = 'trace-explorer-pg-';
/** Templates are not reaped (they have no owner); bump TEMPLATE_FORMAT when what initdb or ensureTemplate does changes. */
const TEMPLATE_PREFIX = 'trace-explorer-pgtemplate-';
const TEMPLATE_FORMAT = 1;
/** Wall-clock limits, so a broken installation fails with a message instead of hanging the test run. */
const INITDB_TIMEOUT_MS = 60_000;
const START_TIMEOUT_S = 20;

export interface PostgresCluster {
  /** `postgresql://` URL of a non-superuser role (LOGIN, CREATEDB) and a database it owns. */
  url: string;
  port: number;
  /** Temp dir holding the data directory, the socket and `postgres.log`. */
  dir: string;
  /** Stops the server and removes its directory; safe to call twice. */
  stop(): Promise<void>;
}

class PostgresClusterError extends Error {
  override name = 'PostgresClusterError';
}

/** Debian keeps PostgreSQL's binaries off PATH in `/usr/lib/postgresql/<major>/bin`; the newest wins. */
export function findPostgresBinDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const override = env.POSTGRES_BIN_DIR;
  if (override) return existsSync(join(override, 'initdb')) ? override : undefined;
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const majors = readdirSync(root)
      .filter((v) => /^\d+$/.test(v) && existsSync(join(root, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (majors.length > 0) return join(root, majors[0], 'bin');
  }
  // Other distributions put initdb on PATH.
  for (const dir of (env.PATH ?? '').split(':')) if (dir && existsSync(join(dir, 'initdb'))) return dir;
  return undefined;
}

/** Installs Debian's PostgreSQL (with contrib, for pg_trgm) when initdb is missing, like ensure-chromium.ts. */
export function ensurePostgres(env: NodeJS.ProcessEnv = process.env): string {
  const found = findPostgresBinDir(env);
  if (found) return found;
  if (env.POSTGRES_BIN_DIR) throw new PostgresClusterError(`POSTGRES_BIN_DIR=${env.POSTGRES_BIN_DIR} holds no initdb.`);
  const hint =
    'Install Debian\'s "postgresql" and "postgresql-contrib" packages, set POSTGRES_BIN_DIR to a directory ' +
    'holding initdb, or set TEST_POSTGRES_URL to an existing database the tests may use.';
  if (!existsSync('/usr/bin/apt-get')) throw new PostgresClusterError(`PostgreSQL's initdb was not found. ${hint}`);
  console.log("PostgreSQL not found: installing Debian's postgresql and postgresql-contrib packages…");
  const asRoot = process.getuid?.() === 0;
  const apt = (args: string[]) =>
    // `sudo -n` never prompts: without passwordless sudo it fails at once with a message.
    execFileSync(asRoot ? args[0] : 'sudo', asRoot ? args.slice(1) : ['-n', ...args], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  try {
    apt(['apt-get', 'update', '-qq']);
    apt(['apt-get', 'install', '-y', '-qq', 'postgresql', 'postgresql-contrib']);
  } catch (error) {
    throw new PostgresClusterError(`Installing PostgreSQL with apt-get failed (${(error as Error).message}). ${hint}`);
  }
  const dir = findPostgresBinDir(env);
  if (!dir) throw new PostgresClusterError(`PostgreSQL's initdb is still missing after apt-get install. ${hint}`);
  return dir;
}

interface RunAs {
  uid: number;
  gid: number;
}

/** Root hands the cluster to `postgres` (or `nobody` when PostgreSQL came without its system user). */
function clusterUser(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of ['postgres', 'nobody']) {
    try {
      const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
      if (uid > 0) return { uid, gid };
    } catch {
      // No such user: try the next.
    }
  }
  throw new PostgresClusterError(
    'Running as root, but neither the postgres nor the nobody user exists to own the cluster.',
  );
}

function run(bin: string, args: string[], cwd: string, as: RunAs | undefined, timeout: number): Promise<string> {
  return new Promise((resolve, reject) => {
    // uid/gid make libuv drop to the user (and its supplementary groups) before exec: no runuser/sudo needed.
    execFile(bin, args, { cwd, timeout, killSignal: 'SIGKILL', ...as }, (error, stdout, stderr) => {
      if (error) reject(new PostgresClusterError(`${basename(bin)} failed: ${(stderr || error.message).trim()}`));
      else resolve(stdout);
    });
  });
}

function logTail(dir: string): string {
  try {
    return readFileSync(join(dir, 'postgres.log'), 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '(no server log)';
  }
}

/**
 * Where clusters live. As root the cluster user must be able to reach its directory: a TMPDIR that others
 * cannot enter (say, under /root) falls back to /tmp.
 */
function baseDir(): string {
  const dir = tmpdir();
  if (process.getuid?.() !== 0) return dir;
  try {
    return (statSync(dir).mode & 0o001) !== 0 ? dir : '/tmp';
  } catch {
    return '/tmp';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Stops and deletes clusters whose owning process died without cleaning up (kill -9, a crashed runner). */
function reapOrphans(): void {
  for (const name of readdirSync(baseDir())) {
    if (!name.startsWith(DIR_PREFIX)) continue;
    const dir = join(baseDir(), name);
    let owner: number;
    try {
      owner = Number(readFileSync(join(dir, 'owner.pid'), 'utf8'));
    } catch {
      continue; // Not ours to judge (another user's, or still being created).
    }
    if (!Number.isInteger(owner) || isAlive(owner)) continue;
    stopSync(dir, 'immediate');
  }
}

/**
 * Stops the postmaster by signal (SIGINT = fast shutdown, SIGQUIT = immediate). Signalling works whoever
 * owns the cluster (root may signal any process, a user its own), and it is synchronous, so it also runs
 * from an 'exit' handler.
 */
function stopPostmaster(dir: string, mode: 'fast' | 'immediate'): void {
  let pid = 0;
  try {
    pid = Number(readFileSync(join(dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return; // Never started, or already stopped.
  }
  if (!(pid > 0) || !isAlive(pid)) return;
  try {
    process.kill(pid, mode === 'fast' ? 'SIGINT' : 'SIGQUIT');
    const sleeper = new Int32Array(new SharedArrayBuffer(4));
    for (let waited = 0; waited < 10_000 && isAlive(pid); waited += 20) Atomics.wait(sleeper, 0, 0, 20);
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  } catch {
    // Gone in between.
  }
}

function stopSync(dir: string, mode: 'fast' | 'immediate'): void {
  stopPostmaster(dir, mode);
  rmSync(dir, { recursive: true, force: true });
}

/** A fresh directory owned by the cluster user, marked with our pid so a later run can reap it if we die. */
function makeClusterDir(as: RunAs | undefined): string {
  const dir = mkdtempSync(join(baseDir(), DIR_PREFIX));
  writeFileSync(join(dir, 'owner.pid'), String(process.pid));
  if (as) chownSync(dir, as.uid, as.gid);
  chmodSync(dir, 0o700);
  return dir;
}

/** Starts the server of `dir/data` on a free loopback port, its socket in `dir`; resolves once it accepts connections. */
async function startServer(bin: string, dir: string, as: RunAs | undefined): Promise<number> {
  const data = join(dir, 'data');
  // freePort releases the port before postgres binds it; another process may take it in between.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const options = [
      `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir}`,
      // A throwaway cluster needs no durability: these make migrations and inserts several times faster.
      '-c fsync=off -c synchronous_commit=off -c full_page_writes=off',
      // Test files run in parallel, each with its own pools.
      '-c max_connections=200',
    ].join(' ');
    try {
      await run(
        join(bin, 'pg_ctl'),
        ['-D', data, '-l', join(dir, 'postgres.log'), '-o', options, '-w', '-t', String(START_TIMEOUT_S), 'start'],
        dir,
        as,
        (START_TIMEOUT_S + 5) * 1000,
      );
    } catch (error) {
      const log = logTail(dir);
      if (attempt < 3 && /could not bind|Address already in use/.test(log)) continue;
      throw new PostgresClusterError(`${(error as Error).message}\nServer log:\n${log}`);
    }
    await run(join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port), '-t', '10'], dir, as, 15_000);
    return port;
  }
}

interface Credentials {
  /** The test role's password (the role is `trace_explorer`, its database `trace_explorer`). */
  password: string;
}

/**
 * initdb dominates a start (1.4 s idle, 6 s on this machine under load), so it runs once per machine: the
 * initialised data directory, with the role and database already made, is kept as a template and each
 * run copies it (≈ 0.4 s). Built in a reapable staging dir and renamed into place, so two runs starting
 * together never see half a template.
 */
async function ensureTemplate(bin: string, as: RunAs | undefined): Promise<{ data: string; credentials: Credentials }> {
  const id = createHash('sha256')
    .update(`${TEMPLATE_FORMAT}:${bin}:${process.getuid?.() ?? ''}`)
    .digest('hex')
    .slice(0, 12);
  const template = join(baseDir(), `${TEMPLATE_PREFIX}${id}`);
  const credentialsFile = join(template, 'credentials.json');
  if (existsSync(credentialsFile)) {
    return {
      data: join(template, 'data'),
      credentials: JSON.parse(readFileSync(credentialsFile, 'utf8')) as Credentials,
    };
  }
  const staging = makeClusterDir(as);
  try {
    const superPassword = randomBytes(18).toString('base64url');
    writeFileSync(join(staging, 'pwfile'), `${superPassword}\n`, { mode: 0o600 });
    if (as) chownSync(join(staging, 'pwfile'), as.uid, as.gid);
    await run(
      join(bin, 'initdb'),
      [
        '-D',
        join(staging, 'data'),
        '-U',
        'postgres',
        `--pwfile=${join(staging, 'pwfile')}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        // C.UTF-8: byte-order collation and Unicode case folding for ILIKE, whatever the machine's locale.
        '--locale=C.UTF-8',
        '--no-sync',
        '--no-instructions',
      ],
      staging,
      as,
      INITDB_TIMEOUT_MS,
    );
    rmSync(join(staging, 'pwfile'));
    const port = await startServer(bin, staging, as);
    const credentials: Credentials = { password: randomBytes(18).toString('base64url') };
    const admin = new Client({
      host: '127.0.0.1',
      port,
      user: 'postgres',
      password: superPassword,
      database: 'postgres',
    });
    await admin.connect();
    try {
      // Identifiers are fixed and the password is base64url: no quoting concerns. Not a superuser, like a
      // production role; CREATEDB so each test file can make its own database.
      await admin.query(`CREATE ROLE trace_explorer LOGIN CREATEDB PASSWORD '${credentials.password}'`);
      await admin.query('CREATE DATABASE trace_explorer OWNER trace_explorer');
    } finally {
      await admin.end();
    }
    stopPostmaster(staging, 'fast');
    rmSync(join(staging, 'postgres.log'), { force: true });
    rmSync(join(staging, 'owner.pid'));
    writeFileSync(join(staging, 'credentials.json'), JSON.stringify(credentials), { mode: 0o600 });
    try {
      renameSync(staging, template);
    } catch {
      // Another run finished its template first: use that one.
      rmSync(staging, { recursive: true, force: true });
    }
    return ensureTemplate(bin, as);
  } catch (error) {
    stopSync(staging, 'immediate');
    throw error;
  }
}

/**
 * Starts a throwaway cluster from the machine's template (made on first use), on a free loopback port.
 * Its role is not a superuser: `CREATE EXTENSION pg_trgm` works for it only because pg_trgm is a trusted
 * extension (PostgreSQL 13+) and the role owns its database, as documented for production in README.md.
 */
export async function startPostgresCluster(env: NodeJS.ProcessEnv = process.env): Promise<PostgresCluster> {
  const bin = ensurePostgres(env);
  reapOrphans();
  const as = clusterUser();
  const dir = makeClusterDir(as);

  let stopped = false;
  const stopNow = (mode: 'fast' | 'immediate') => {
    if (stopped) return;
    stopped = true;
    process.off('exit', onExit);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    stopSync(dir, mode);
  };
  const onExit = () => stopNow('immediate');
  const onSignal = (signal: NodeJS.Signals) => {
    stopNow('immediate');
    // Ours was the only handler: restore the default action (terminate) for the signal.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  process.on('exit', onExit);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let template: Awaited<ReturnType<typeof ensureTemplate>> | undefined;
  try {
    template = await ensureTemplate(bin, as);
    // cp -a keeps the owner (root copying for postgres) and the 0700 mode PostgreSQL insists on.
    await run('cp', ['-a', template.data, join(dir, 'data')], dir, undefined, 60_000);
    const port = await startServer(bin, dir, as);
    return {
      url: `postgresql://trace_explorer:${template.credentials.password}@127.0.0.1:${port}/trace_explorer`,
      port,
      dir,
      stop: async () => stopNow('fast'),
    };
  } catch (error) {
    stopNow('immediate');
    const hint = template ? `\n(The cluster was copied from ${dirname(template.data)}: delete it to rebuild it.)` : '';
    throw new PostgresClusterError(
      `${error instanceof PostgresClusterError ? '' : 'Starting the test PostgreSQL failed: '}${(error as Error).message}${hint}`,
    );
  }
}

// `tsx scripts/postgres-cluster.ts`: a cluster for manual work or benchmarks, until Ctrl-C.
if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = Date.now();
  const cluster = await startPostgresCluster();
  console.log(
    `PostgreSQL ready in ${Date.now() - started} ms: ${cluster.url}\n(Ctrl-C stops it and removes ${cluster.dir})`,
  );
  setInterval(() => {}, 1 << 30);
}
