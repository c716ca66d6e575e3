// `--backend-store-uri` for PostgreSQL. Accepts what MLflow users already have:
//   postgresql://user:pass@host:5432/db       postgres://…       postgresql+psycopg2://… (driver ignored)
// with libpq's query parameters that matter to a server: sslmode, sslrootcert, sslcert, sslkey, host (a
// socket directory), port, connect_timeout, application_name. Anything else is refused by name, so a
// typo never silently drops an option (say, a misspelt sslmode that would otherwise connect in plain text).
import { UsageError } from '../../config.ts';

/** libpq's sslmode values (https://www.postgresql.org/docs/current/libpq-ssl.html). */
export type SslMode = 'disable' | 'allow' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';
const SSL_MODES: readonly SslMode[] = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'];

export interface PostgresUri {
  /** A host name, an IP address, or a socket directory (starts with `/`). */
  host: string;
  port: number;
  user: string | undefined;
  password: string | undefined;
  database: string;
  sslMode: SslMode;
  /** File paths, read when the pool is created. */
  sslRootCert: string | undefined;
  sslCert: string | undefined;
  sslKey: string | undefined;
  connectTimeoutSeconds: number | undefined;
  applicationName: string | undefined;
}

const SCHEME = /^(postgresql|postgres)(\+[a-z0-9_]+)?:\/\//i;
const QUERY_KEYS = new Set([
  'sslmode',
  'sslrootcert',
  'sslcert',
  'sslkey',
  'host',
  'port',
  'connect_timeout',
  'application_name',
]);
/** libpq's default socket directory on Debian, used when the URI names no host (as libpq does). */
const DEFAULT_SOCKET_DIR = '/var/run/postgresql';
const NO_HOST = 'no-host.invalid';

export function isPostgresUri(uri: string): boolean {
  return SCHEME.test(uri);
}

/** The URI with its password replaced, for logs and error messages. */
export function redactPostgresUri(uri: string): string {
  return uri.replace(/^([^:]+:\/\/[^:@/]*:)[^@/]*@/, '$1***@');
}

function decode(part: string, what: string, uri: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new UsageError(`--backend-store-uri '${redactPostgresUri(uri)}' has a badly percent-encoded ${what}.`);
  }
}

function port(text: string, uri: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 65535)
    throw new UsageError(`--backend-store-uri '${redactPostgresUri(uri)}' has an invalid port '${text}'.`);
  return n;
}

/** Parses a PostgreSQL URI; throws UsageError (with the password redacted) on anything it cannot honour. */
export function parsePostgresUri(uri: string): PostgresUri {
  const scheme = SCHEME.exec(uri);
  const shown = redactPostgresUri(uri);
  if (!scheme) throw new UsageError(`--backend-store-uri '${shown}' is not a postgresql:// URI.`);
  // WHATWG URL parses any scheme's authority; normalising the scheme keeps `+psycopg2` out of its way.
  // It refuses `user@` with no host, which libpq reads as "the default socket": a placeholder stands in.
  const rest = uri.slice(scheme[0].length).replace(/^([^/?#]*@)?(?=[/?#]|$)/, `$1${NO_HOST}`);
  let url: URL;
  try {
    url = new URL(`postgresql://${rest}`);
  } catch {
    throw new UsageError(
      `--backend-store-uri '${shown}' is not a valid URI (expected postgresql://user:password@host:port/database; ` +
        'percent-encode special characters in the user name and password).',
    );
  }
  if (url.hash) throw new UsageError(`--backend-store-uri '${shown}' has a '#' fragment (percent-encode it as %23).`);
  const database = decode(url.pathname.replace(/^\//, ''), 'database name', uri);
  if (database === '' || database.includes('/'))
    throw new UsageError(`--backend-store-uri '${shown}' must name one database: postgresql://…/<database>.`);

  const query = url.searchParams;
  for (const key of query.keys()) {
    if (!QUERY_KEYS.has(key))
      throw new UsageError(
        `--backend-store-uri '${shown}' has an unsupported parameter '${key}' (supported: ${[...QUERY_KEYS].join(', ')}).`,
      );
  }
  const sslModeText = query.get('sslmode') ?? 'prefer';
  if (!(SSL_MODES as readonly string[]).includes(sslModeText))
    throw new UsageError(
      `--backend-store-uri '${shown}' has sslmode '${sslModeText}'; expected one of ${SSL_MODES.join(', ')}.`,
    );
  const timeoutText = query.get('connect_timeout');
  const connectTimeoutSeconds = timeoutText === null ? undefined : Number(timeoutText);
  if (connectTimeoutSeconds !== undefined && !(Number.isInteger(connectTimeoutSeconds) && connectTimeoutSeconds >= 0))
    throw new UsageError(`--backend-store-uri '${shown}' has an invalid connect_timeout '${timeoutText}'.`);

  // Brackets are URL syntax around an IPv6 address, not part of the address.
  const hostInUri = url.hostname === NO_HOST ? '' : url.hostname.replace(/^\[(.*)\]$/, '$1');
  return {
    host: query.get('host') ?? (hostInUri === '' ? DEFAULT_SOCKET_DIR : decode(hostInUri, 'host', uri)),
    port: query.has('port') ? port(query.get('port') ?? '', uri) : url.port ? port(url.port, uri) : 5432,
    user: url.username ? decode(url.username, 'user name', uri) : undefined,
    password: url.password ? decode(url.password, 'password', uri) : undefined,
    database,
    sslMode: sslModeText as SslMode,
    sslRootCert: query.get('sslrootcert') ?? undefined,
    sslCert: query.get('sslcert') ?? undefined,
    sslKey: query.get('sslkey') ?? undefined,
    connectTimeoutSeconds,
    applicationName: query.get('application_name') ?? undefined,
  };
}
