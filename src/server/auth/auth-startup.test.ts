import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseServerArgs, UsageError } from '../config.ts';
import { openAuth } from './open-auth.ts';
import { hashSecret, verifySecret } from './secret-hash.ts';
import { SignInLimiter } from './sign-in-limiter.ts';
import { SqliteAuthStore } from './sqlite-auth-store.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const dbPath = () => {
  const dir = mkdtempSync(join(tmpdir(), 'trace-explorer-auth-start-'));
  dirs.push(dir);
  return join(dir, 'auth.db');
};

describe('flags', () => {
  it.each([
    [['--host', '0.0.0.0'], 'Refusing to serve 0.0.0.0 without authentication'],
    [['--host', '192.168.1.5'], 'Refusing to serve 192.168.1.5'],
    [['--auth', '--default-permission', 'OWNER'], '--default-permission must be one of'],
  ])('%j is refused', (argv, message) => {
    expect(() => parseServerArgs(argv, {})).toThrow(UsageError);
    expect(() => parseServerArgs(argv, {})).toThrow(message);
  });

  it.each([
    [[], { enabled: false, insecureNoAuth: false, defaultPermission: 'READ' }],
    [['--host', '127.0.0.2'], { enabled: false, insecureNoAuth: false, defaultPermission: 'READ' }],
    [['--host', '0.0.0.0', '--auth'], { enabled: true, insecureNoAuth: false, defaultPermission: 'READ' }],
    [['--host', '0.0.0.0', '--insecure-no-auth'], { enabled: false, insecureNoAuth: true, defaultPermission: 'READ' }],
    [
      ['--auth', '--default-permission', 'no_permissions'],
      { enabled: true, insecureNoAuth: false, defaultPermission: 'NO_PERMISSIONS' },
    ],
  ])('%j is accepted', (argv, auth) => {
    expect(parseServerArgs(argv, {}).auth).toEqual(auth);
  });
});

describe('first admin', () => {
  const config = { enabled: true, insecureNoAuth: false, defaultPermission: 'READ' as const };

  it('refuses to start with no admin configured or stored, and with a weak or half-given admin', async () => {
    const store = new SqliteAuthStore(dbPath());
    await expect(openAuth(store, config, {})).rejects.toThrow('--auth needs an admin');
    await expect(openAuth(store, config, { TRACE_EXPLORER_ADMIN_USERNAME: 'root' })).rejects.toThrow('Set both');
    await expect(
      openAuth(store, config, { TRACE_EXPLORER_ADMIN_USERNAME: 'root', TRACE_EXPLORER_ADMIN_PASSWORD: 'password' }),
    ).rejects.toThrow('at least 12 characters');
    await store.close();
  });

  it('creates the admin on first start; later starts need no environment and never reset the password', async () => {
    const path = dbPath();
    const first = new SqliteAuthStore(path);
    const env = { TRACE_EXPLORER_ADMIN_USERNAME: 'root', TRACE_EXPLORER_ADMIN_PASSWORD: 'first-password-1' };
    const service = await openAuth(first, config, env);
    expect((await service.checkPassword('root', 'first-password-1', '127.0.0.1')).isAdmin).toBe(true);
    await first.updateUser('root', { passwordHash: await hashSecret('changed-password-2') });
    await first.close();
    const second = new SqliteAuthStore(path);
    const again = await openAuth(second, config, env);
    await expect(again.checkPassword('root', 'first-password-1', '127.0.0.1')).rejects.toThrow(
      'Invalid user name or password',
    );
    const third = await openAuth(second, config, {});
    expect((await third.checkPassword('root', 'changed-password-2', '127.0.0.1')).username).toBe('root');
    await second.close();
  });
});

describe('secret hashes', () => {
  it('verify the secret and nothing else; malformed hashes never match', async () => {
    const hash = await hashSecret('correct horse');
    expect(await verifySecret('correct horse', hash)).toBe(true);
    expect(await verifySecret('correct hors', hash)).toBe(false);
    expect(await hashSecret('correct horse')).not.toBe(hash);
    expect(await verifySecret('x', 'plain-text')).toBe(false);
    expect(await verifySecret('x', 'scrypt$0$8$1$AAAA$AAAA')).toBe(false);
  });
});

describe('sign-in limiter', () => {
  it('locks a name after distinct failed guesses, per address too, and unlocks later', () => {
    let now = 0;
    const limiter = new SignInLimiter({ perUser: 3, perAddress: 5, windowMs: 1000, lockMs: 500, now: () => now });
    limiter.recordFailure('u', 'a1', 'g1');
    limiter.recordFailure('u', 'a1', 'g1');
    limiter.recordFailure('u', 'a1', 'g2');
    expect(limiter.retryAfterMs('u', 'a9')).toBe(0);
    limiter.recordFailure('u', 'a1', 'g3');
    expect(limiter.retryAfterMs('u', 'a9')).toBe(500);
    for (let i = 0; i < 5; i++) limiter.recordFailure(`user${i}`, 'a2', 'g');
    expect(limiter.retryAfterMs('someone-else', 'a2')).toBe(500);
    now = 501;
    expect(limiter.retryAfterMs('u', 'a2')).toBe(0);
  });

  it('keeps memory bounded', () => {
    const limiter = new SignInLimiter();
    for (let i = 0; i < 30_000; i++) limiter.recordFailure(`user${i}`, `addr${i}`, 'g');
    expect(limiter.size).toBeLessThanOrEqual(10_000);
  });
});
