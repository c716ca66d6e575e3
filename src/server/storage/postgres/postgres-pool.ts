// One `pg` Pool per server process. Every replica holds its own pool, so the database sees
// replicas × size connections: keep size × replicas under the server's max_connections (100 by default).
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { Pool } from 'pg';
import { UsageError } from '../../config.ts';
import type { PostgresUri } from './postgres-uri.ts';

export interface PostgresPoolOptions {
  /** Connections this process may hold (`--pool-size`). */
  size: number;
  /**
   * Server-side cap on every statement of every connection, so no query runs unbounded even outside a
   * request budget (`withStatementTimeout` sets a tighter one per request). 0 disables it.
   */
  statementTimeoutMs: number;
  /** How long a request waits for a free connection before failing (pg's default waits forever). */
  connectionTimeoutMs?: number;
  /** Called for errors on idle connections (a restarted database); without a listener they would crash the process. */
  onIdleError?: (error: Error) => void;
}

const DEFAULT_CONNECTION_TIMEOUT_MS = 10_000;

function readTlsFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read ${what} '${path}' named in --backend-store-uri: ${(error as Error).message}`);
  }
}

/**
 * libpq's sslmode in node's TLS terms. `allow` and `prefer` connect in plain text: pg cannot retry
 * without TLS the way libpq does, and neither mode protects against an active attacker anyway. `require`
 * encrypts without checking the certificate, except that with sslrootcert it checks the chain, as libpq does.
 */
export function tlsOptions(uri: PostgresUri, read = readTlsFile): false | ConnectionOptions {
  if (uri.sslMode === 'disable' || uri.sslMode === 'allow' || uri.sslMode === 'prefer') return false;
  const options: ConnectionOptions = {};
  if (uri.sslRootCert) options.ca = read(uri.sslRootCert, 'sslrootcert');
  if (uri.sslCert) options.cert = read(uri.sslCert, 'sslcert');
  if (uri.sslKey) options.key = read(uri.sslKey, 'sslkey');
  const mode = uri.sslMode === 'require' && uri.sslRootCert ? 'verify-ca' : uri.sslMode;
  if (mode === 'require') options.rejectUnauthorized = false;
  else {
    options.rejectUnauthorized = true;
    // verify-ca: the chain must lead to a trusted root, whatever name the certificate carries.
    if (mode === 'verify-ca') options.checkServerIdentity = () => undefined;
  }
  return options;
}

/** The pool for a parsed URI. Connects lazily: the first query (or the migration run) opens connections. */
export function createPostgresPool(uri: PostgresUri, options: PostgresPoolOptions): Pool {
  if (!Number.isInteger(options.size) || options.size < 1)
    throw new UsageError(`--pool-size must be a positive integer.`);
  const pool = new Pool({
    host: uri.host,
    port: uri.port,
    user: uri.user,
    password: uri.password,
    database: uri.database,
    ssl: tlsOptions(uri),
    max: options.size,
    // libpq's connect_timeout (0 waits for ever, as in libpq) when the URI has one.
    connectionTimeoutMillis:
      options.connectionTimeoutMs ??
      (uri.connectTimeoutSeconds === undefined ? DEFAULT_CONNECTION_TIMEOUT_MS : uri.connectTimeoutSeconds * 1000),
    application_name: uri.applicationName ?? 'trace-explorer',
    statement_timeout: options.statementTimeoutMs > 0 ? options.statementTimeoutMs : undefined,
    // A transaction left open by a bug or a lost client must not hold row locks for ever.
    idle_in_transaction_session_timeout: 60_000,
    // Notices dead peers (a failed-over database, a dropped NAT entry) instead of waiting on them.
    keepAlive: true,
  });
  pool.on('error', (error) =>
    (options.onIdleError ?? ((e) => console.warn(`PostgreSQL connection lost: ${e.message}`)))(error),
  );
  return pool;
}
