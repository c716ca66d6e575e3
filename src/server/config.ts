import { parseArgs } from 'node:util';

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
}

const USAGE = `Usage: trace-explorer [--host 127.0.0.1] [--port 5000] [--backend-store-uri sqlite:///traces.db]
  [--synchronous FULL|NORMAL] [--allowed-hosts localhost,127.0.0.1] [--static-dir dist]`;

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
  const host = values.host ?? '127.0.0.1';
  const allowedHosts = (values['allowed-hosts'] ?? env.TRACE_EXPLORER_ALLOWED_HOSTS ?? 'localhost,127.0.0.1,[::1]')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  // Binding a non-loopback address means the operator wants remote access: allow that name too.
  if (!allowedHosts.includes('*') && !['127.0.0.1', 'localhost', '::1'].includes(host))
    allowedHosts.push(host.toLowerCase());
  return {
    host,
    port,
    backendStoreUri: values['backend-store-uri'] ?? env.MLFLOW_BACKEND_STORE_URI ?? 'sqlite:///traces.db',
    synchronous,
    allowedHosts,
    staticDir: values['static-dir'],
  };
}
