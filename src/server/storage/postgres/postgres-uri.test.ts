import { describe, expect, it } from 'vitest';
import { parseServerArgs, UsageError } from '../../config.ts';
import { openStore } from '../open-store.ts';
import { tlsOptions } from './postgres-pool.ts';
import { isPostgresUri, parsePostgresUri, redactPostgresUri, type PostgresUri } from './postgres-uri.ts';

describe('parsePostgresUri', () => {
  const cases: [string, Partial<PostgresUri>][] = [
    [
      'postgresql://alice:s3cret@db.internal:6432/traces',
      { host: 'db.internal', port: 6432, user: 'alice', password: 's3cret', database: 'traces', sslMode: 'prefer' },
    ],
    ['postgres://alice@localhost/traces', { host: 'localhost', port: 5432, user: 'alice', password: undefined }],
    // MLflow's SQLAlchemy form: the driver after '+' is ignored.
    [
      'postgresql+psycopg2://u:p@h:5433/mlflow',
      { host: 'h', port: 5433, user: 'u', password: 'p', database: 'mlflow' },
    ],
    ['POSTGRESQL+pg8000://u:p@h/db', { host: 'h', database: 'db' }],
    // Percent-encoded credentials and database names are decoded.
    ['postgresql://a%40b:p%2Fw%3Ad%40@h/my%20db', { user: 'a@b', password: 'p/w:d@', database: 'my db' }],
    ['postgresql://u:p@[::1]:5432/db', { host: '::1', port: 5432 }],
    // No host: libpq's socket directory; ?host= names another one.
    ['postgresql:///traces', { host: '/var/run/postgresql', user: undefined, database: 'traces' }],
    ['postgresql://u@/traces?host=/tmp/pg&port=5544', { host: '/tmp/pg', port: 5544 }],
    [
      'postgresql://u@h/db?sslmode=verify-full&sslrootcert=/ca.pem&sslcert=/c.pem&sslkey=/k.pem',
      { sslMode: 'verify-full', sslRootCert: '/ca.pem', sslCert: '/c.pem', sslKey: '/k.pem' },
    ],
    [
      'postgresql://u@h/db?connect_timeout=5&application_name=replica-2',
      { connectTimeoutSeconds: 5, applicationName: 'replica-2' },
    ],
  ];
  it.each(cases)('%s', (uri, expected) => {
    expect(parsePostgresUri(uri)).toMatchObject(expected);
  });

  const bad: [string, RegExp][] = [
    ['mysql://u:p@h/db', /not a postgresql:\/\/ URI/],
    ['postgresql://u:p@h', /must name one database/],
    ['postgresql://u:p@h/', /must name one database/],
    ['postgresql://u:p@h/a/b', /must name one database/],
    ['postgresql://u:p@h:99999/db', /not a valid URI|invalid port/],
    ['postgresql://u:p@h/db?port=0', /invalid port '0'/],
    ['postgresql://u:p@h/db?sslmode=requir', /sslmode 'requir'; expected one of disable, allow/],
    ['postgresql://u:p@h/db?ssl=true', /unsupported parameter 'ssl'/],
    ['postgresql://u:p@h/db?connect_timeout=-1', /invalid connect_timeout/],
    ['postgresql://u:p%zz@h/db', /badly percent-encoded password/],
    ['postgresql://u:p#x@h/db', /'#' fragment|not a valid URI/],
  ];
  it.each(bad)('refuses %s', (uri, message) => {
    expect(() => parsePostgresUri(uri)).toThrow(UsageError);
    expect(() => parsePostgresUri(uri)).toThrow(message);
  });

  it('never repeats the password in its errors', () => {
    expect(() => parsePostgresUri('postgresql://u:hunter2@h/db?sslmode=nope')).toThrow(/postgresql:\/\/u:\*\*\*@h\/db/);
    expect(() => parsePostgresUri('postgresql://u:hunter2@h/db?sslmode=nope')).not.toThrow(/hunter2/);
  });

  it('recognises the schemes and redacts passwords', () => {
    expect(['postgresql://h/d', 'postgres://h/d', 'postgresql+psycopg2://h/d'].map(isPostgresUri)).toEqual([
      true,
      true,
      true,
    ]);
    expect(['sqlite:///x.db', 'postgresqlx://h/d', 'file:///postgresql://'].map(isPostgresUri)).toEqual([
      false,
      false,
      false,
    ]);
    expect(redactPostgresUri('postgresql+psycopg2://user:pa:ss@h/db')).toBe('postgresql+psycopg2://user:***@h/db');
    expect(redactPostgresUri('postgresql://user@h/db')).toBe('postgresql://user@h/db');
  });
});

describe('tlsOptions (sslmode → node TLS)', () => {
  const files: Record<string, string> = { '/ca.pem': 'CA', '/c.pem': 'CERT', '/k.pem': 'KEY' };
  const read = (path: string) => files[path];
  const tls = (query: string) => tlsOptions(parsePostgresUri(`postgresql://u@h/db${query}`), read);

  it('connects in plain text for disable, allow, prefer and by default', () => {
    expect(['?sslmode=disable', '?sslmode=allow', '?sslmode=prefer', ''].map(tls)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });
  it('encrypts without checking the certificate for require', () => {
    expect(tls('?sslmode=require')).toEqual({ rejectUnauthorized: false });
  });
  it('checks the chain but not the name for verify-ca, and for require with a root certificate (libpq)', () => {
    for (const query of ['?sslmode=verify-ca&sslrootcert=/ca.pem', '?sslmode=require&sslrootcert=/ca.pem']) {
      const options = tls(query);
      expect(options).toMatchObject({ ca: 'CA', rejectUnauthorized: true });
      expect(options && options.checkServerIdentity?.('other-name', {} as never)).toBeUndefined();
    }
  });
  it('checks chain and host name for verify-full, with client certificates', () => {
    const options = tls('?sslmode=verify-full&sslrootcert=/ca.pem&sslcert=/c.pem&sslkey=/k.pem');
    expect(options).toEqual({ ca: 'CA', cert: 'CERT', key: 'KEY', rejectUnauthorized: true });
  });
  it('names an unreadable certificate file', () => {
    expect(() =>
      tlsOptions(parsePostgresUri('postgresql://u@h/db?sslmode=verify-full&sslrootcert=/nonexistent/ca.pem')),
    ).toThrow(/Cannot read sslrootcert '\/nonexistent\/ca.pem'/);
  });
});

describe('--pool-size', () => {
  it('defaults to 10, reads the flag, then MLflow’s environment variable', () => {
    expect(parseServerArgs([], {}).poolSize).toBe(10);
    expect(parseServerArgs(['--pool-size', '25'], {}).poolSize).toBe(25);
    expect(parseServerArgs([], { MLFLOW_SQLALCHEMYSTORE_POOL_SIZE: '7' }).poolSize).toBe(7);
    expect(parseServerArgs(['--pool-size', '3'], { MLFLOW_SQLALCHEMYSTORE_POOL_SIZE: '7' }).poolSize).toBe(3);
  });
  it.each(['0', '-1', '2.5', 'ten', '1001'])('refuses %s', (value) => {
    expect(() => parseServerArgs([`--pool-size=${value}`], {})).toThrow(
      /--pool-size must be an integer from 1 to 1000/,
    );
  });
});

describe('openStore with a PostgreSQL URI', () => {
  it('names what is wrong with a malformed URI before connecting', async () => {
    await expect(openStore('postgresql://u:p@h/db?sslmode=bogus')).rejects.toThrow(/sslmode 'bogus'/);
  });
});
