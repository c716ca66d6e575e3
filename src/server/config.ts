import { parseArgs } from 'node:util';
import { DEFAULT_HTTP_LIMITS, type HttpLimits } from './http-limits.ts';
import { DEFAULT_MAX_SPANS_PER_TRACE } from './routes/span-cap.ts';
import { authConfig, type AuthConfig } from './auth/auth-config.ts';
import { DEFAULT_READ_BUDGET_MS, DEFAULT_READ_WORKERS } from './storage/sqlite/read-pool.ts';

export interface ServerConfig {
  host: string;
  port: number;
  /** e.g. `sqlite:///traces.db` (relative), `sqlite:////abs/path.db`, `sqlite:///:memory:`, a plain path (storage/open-store.ts). */
  backendStoreUri: string;
  /** SQLite `synchronous` pragma: FULL survives power loss, NORMAL only process crashes. */
  synchronous: 'FULL' | 'NORMAL';
  /** Host-header allowlist against DNS rebinding; `*` allows any. */
  allowedHosts: string[];
  /** Built explorer to serve; absent means API only. */
  staticDir: string | undefined;
  auth: AuthConfig;
  /** PostgreSQL connections per process (ignored for SQLite). */
  poolSize: number;
  /** PostgreSQL: the longest one statement may run before it is cancelled and answered 503 (`--statement-timeout`). */
  statementTimeoutMs: number;
  /** HTTP timeouts and the connection cap (`http-limits.ts`). */
  limits: HttpLimits;
  /** Serve the explorer's source maps (`--serve-source-maps`). */
  serveSourceMaps: boolean;
  /** Spans one trace may hold (`--max-spans-per-trace`). */
  maxSpansPerTrace: number;
  /** SQLite read worker threads (`--read-workers`; 0 reads on the event loop; ignored for PostgreSQL). */
  readWorkers: number;
  /** Budget of one SQLite read in a worker, queueing included (`--read-timeout`, seconds). */
  readBudgetMs: number;
  /** How long SIGTERM/SIGINT waits for requests in flight before cutting them (`--shutdown-timeout`). */
  shutdownTimeoutMs: number;
}

const USAGE = `Usage: trace-explorer [--host 127.0.0.1] [--port 5000] [--backend-store-uri sqlite:///traces.db]
  [--synchronous FULL|NORMAL] [--allowed-hosts localhost,127.0.0.1] [--static-dir dist] [--serve-source-maps]
  [--headers-timeout 10] [--request-timeout 20] [--keep-alive-timeout 65] [--handler-timeout 25] (seconds)
  [--max-connections 1000] [--max-spans-per-trace 100000] [--pool-size 10] [--statement-timeout 25]
  [--shutdown-timeout 25]
  [--read-workers ${DEFAULT_READ_WORKERS}] [--read-timeout ${DEFAULT_READ_BUDGET_MS / 1000}] (SQLite reads off the event loop)
  [--auth] [--default-permission READ|EDIT|MANAGE|NO_PERMISSIONS] [--insecure-no-auth]`;

/** Flag name → HttpLimits field; timeouts are given in seconds. */
const LIMIT_FLAGS = {
  'headers-timeout': 'headersTimeoutMs',
  'request-timeout': 'requestTimeoutMs',
  'keep-alive-timeout': 'keepAliveTimeoutMs',
  'handler-timeout': 'handlerTimeoutMs',
  'max-connections': 'maxConnections',
} as const satisfies Record<string, keyof HttpLimits>;

export class UsageError extends Error {}

/** Parses MLflow-style server flags. Throws UsageError with a readable message on bad input. */
export function parseServerArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): ServerConfig {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        host: { type: 'string', short: 'h' },
        port: { type: 'string', short: 'p' },
        'backend-store-uri': { type: 'string' },
        synchronous: { type: 'string' },
        'allowed-hosts': { type: 'string' },
        'static-dir': { type: 'string' },
        'pool-size': { type: 'string' },
        'statement-timeout': { type: 'string' },
        'serve-source-maps': { type: 'boolean' },
        'headers-timeout': { type: 'string' },
        'request-timeout': { type: 'string' },
        'keep-alive-timeout': { type: 'string' },
        'handler-timeout': { type: 'string' },
        'max-connections': { type: 'string' },
        'max-spans-per-trace': { type: 'string' },
        'read-workers': { type: 'string' },
        'read-timeout': { type: 'string' },
        'shutdown-timeout': { type: 'string' },
        auth: { type: 'boolean' },
        'insecure-no-auth': { type: 'boolean' },
        'default-permission': { type: 'string' },
      },
      strict: true,
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${USAGE}`);
  }
  const port = Number(values.port ?? env.TRACE_EXPLORER_PORT ?? 5000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`Invalid --port '${values.port}'.\n${USAGE}`);
  const synchronous = (values.synchronous ?? 'FULL').toUpperCase();
  if (synchronous !== 'FULL' && synchronous !== 'NORMAL')
    throw new UsageError(`--synchronous must be FULL or NORMAL.\n${USAGE}`);
  // MLflow sizes its SQLAlchemy pool from this variable; honouring it lets an MLflow deployment keep its settings.
  const poolText = values['pool-size'] ?? env.MLFLOW_SQLALCHEMYSTORE_POOL_SIZE ?? '10';
  const poolSize = Number(poolText);
  if (!/^\d+$/.test(poolText) || poolSize < 1 || poolSize > 1000)
    throw new UsageError(`--pool-size must be an integer from 1 to 1000, not '${poolText}'.\n${USAGE}`);
  const host = values.host ?? '127.0.0.1';
  const allowedHosts = (values['allowed-hosts'] ?? env.TRACE_EXPLORER_ALLOWED_HOSTS ?? 'localhost,127.0.0.1,[::1]')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  // Binding a non-loopback address means the operator wants remote access: allow that name too.
  if (!allowedHosts.includes('*') && !['127.0.0.1', 'localhost', '::1'].includes(host))
    allowedHosts.push(host.toLowerCase());
  const limits = { ...DEFAULT_HTTP_LIMITS };
  for (const [flag, field] of Object.entries(LIMIT_FLAGS)) {
    const raw = values[flag as keyof typeof LIMIT_FLAGS];
    if (raw === undefined) continue;
    const n = Number(raw);
    const isCount = field === 'maxConnections';
    if (!Number.isFinite(n) || n <= 0 || (isCount && !Number.isInteger(n)))
      throw new UsageError(`--${flag} must be a positive ${isCount ? 'integer' : 'number of seconds'}.\n${USAGE}`);
    limits[field] = isCount ? n : Math.round(n * 1000);
  }
  const maxSpansPerTrace = Number(values['max-spans-per-trace'] ?? DEFAULT_MAX_SPANS_PER_TRACE);
  if (!Number.isInteger(maxSpansPerTrace) || maxSpansPerTrace <= 0)
    throw new UsageError(`--max-spans-per-trace must be a positive integer.\n${USAGE}`);
  const readWorkers = Number(values['read-workers'] ?? DEFAULT_READ_WORKERS);
  if (!Number.isInteger(readWorkers) || readWorkers < 0 || readWorkers > 64)
    throw new UsageError(`--read-workers must be an integer from 0 to 64.\n${USAGE}`);
  const readTimeout = Number(values['read-timeout'] ?? DEFAULT_READ_BUDGET_MS / 1000);
  if (!Number.isFinite(readTimeout) || readTimeout <= 0)
    throw new UsageError(`--read-timeout must be a positive number of seconds.\n${USAGE}`);
  // By default the handler budget: past it the client has had its 503, so the statement would only hold a
  // connection. Always some cap: no query may run unbounded.
  const statementTimeout = Number(values['statement-timeout'] ?? limits.handlerTimeoutMs / 1000);
  if (!Number.isFinite(statementTimeout) || statementTimeout < 0.001)
    throw new UsageError(`--statement-timeout must be a positive number of seconds.\n${USAGE}`);
  // A request in flight has at most the handler budget left, so by default the drain waits that long.
  const shutdownTimeout = Number(values['shutdown-timeout'] ?? limits.handlerTimeoutMs / 1000);
  if (!Number.isFinite(shutdownTimeout) || shutdownTimeout < 0)
    throw new UsageError(`--shutdown-timeout must be a number of seconds (0 or more).\n${USAGE}`);
  const auth = authConfig(values, host, env);
  if (typeof auth === 'string') throw new UsageError(`${auth}\n${USAGE}`);
  return {
    host,
    port,
    backendStoreUri: values['backend-store-uri'] ?? env.MLFLOW_BACKEND_STORE_URI ?? 'sqlite:///traces.db',
    synchronous,
    allowedHosts,
    staticDir: values['static-dir'],
    poolSize,
    statementTimeoutMs: Math.round(statementTimeout * 1000),
    limits,
    serveSourceMaps: values['serve-source-maps'] === true,
    maxSpansPerTrace,
    readWorkers,
    readBudgetMs: Math.round(readTimeout * 1000),
    shutdownTimeoutMs: Math.round(shutdownTimeout * 1000),
    auth,
  };
}
