// The AuthStore contract, run against SQLite always and against PostgreSQL when TEST_POSTGRES_URL
// names a throwaway database: both engines must answer alike.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthStore } from './auth-store.ts';
import { PostgresAuthStore } from './postgres-auth-store.ts';
import { SqliteAuthStore } from './sqlite-auth-store.ts';

const engines: [string, () => Promise<{ store: AuthStore; cleanup: () => Promise<void> }>][] = [
  [
    'sqlite',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'trace-explorer-auth-store-'));
      const store = new SqliteAuthStore(join(dir, 'auth.db'));
      return { store, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  ],
];
const pgUrl = process.env.TEST_POSTGRES_URL;
if (pgUrl) {
  engines.push([
    'postgresql',
    async () => {
      const admin = new Client({ connectionString: pgUrl });
      await admin.connect();
      await admin.query(
        'DROP TABLE IF EXISTS auth_audit, auth_sessions, auth_tokens, auth_experiment_permissions, auth_users, auth_schema_version',
      );
      await admin.end();
      // Opened twice, as two replicas starting together would: the migration runs once.
      const [store, other] = await Promise.all([PostgresAuthStore.open(pgUrl), PostgresAuthStore.open(pgUrl)]);
      await other.close();
      return { store, cleanup: async () => undefined };
    },
  ]);
}

describe.each(engines)('AuthStore on %s', (_name, open) => {
  let store: AuthStore;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ store, cleanup } = await open());
  });
  afterAll(async () => {
    await store.close();
    await cleanup();
  });

  it('users: unique names, updates, admin count, cascade on delete', async () => {
    const ann = await store.createUser('ann', 'h1', true);
    expect(ann).toMatchObject({ username: 'ann', passwordHash: 'h1', isAdmin: true });
    expect(await store.createUser('ann', 'h2', false)).toBeUndefined();
    const bob = (await store.createUser('bob', 'h3', false))!;
    expect(await store.getUserById(bob.id)).toEqual(bob);
    expect(await store.countAdmins()).toBe(1);
    expect(await store.updateUser('bob', { isAdmin: true })).toBe(true);
    expect(await store.updateUser('bob', { passwordHash: 'h4' })).toBe(true);
    expect(await store.getUser('bob')).toMatchObject({ passwordHash: 'h4', isAdmin: true });
    expect(await store.updateUser('nobody', { isAdmin: true })).toBe(false);
    expect((await store.listUsers(10)).map((u) => u.username)).toEqual(['ann', 'bob']);
    await store.putGrant('1', bob.id, 'EDIT');
    await store.createSession('s1', bob.id, Date.now() + 1000);
    await store.createToken({
      id: 't1',
      userId: bob.id,
      name: 'n',
      level: 'read',
      experimentIds: ['1'],
      secretHash: 'x',
      createdAtMs: 1,
    });
    expect(await store.deleteUser('bob')).toBe(true);
    expect(await store.getGrant('1', bob.id)).toBeUndefined();
    expect(await store.getSession('s1')).toBeUndefined();
    expect(await store.getToken('t1')).toBeUndefined();
    expect(await store.deleteUser('bob')).toBe(false);
  });

  it('grants: create once, put replaces, update and delete report whether a row existed', async () => {
    const cat = (await store.createUser('cat', 'h', false))!;
    expect(await store.createGrant('7', cat.id, 'READ')).toBe(true);
    expect(await store.createGrant('7', cat.id, 'EDIT')).toBe(false);
    expect(await store.getGrant('7', cat.id)).toBe('READ');
    await store.putGrant('7', cat.id, 'MANAGE');
    await store.putGrant('8', cat.id, 'NO_PERMISSIONS');
    expect(await store.grantsOfUser(cat.id, 10)).toEqual([
      { experimentId: '7', userId: cat.id, username: 'cat', permission: 'MANAGE' },
      { experimentId: '8', userId: cat.id, username: 'cat', permission: 'NO_PERMISSIONS' },
    ]);
    expect(await store.grantsOfExperiment('7', 10)).toHaveLength(1);
    expect(await store.updateGrant('7', cat.id, 'READ')).toBe(true);
    expect(await store.updateGrant('9', cat.id, 'READ')).toBe(false);
    expect(await store.deleteGrant('7', cat.id)).toBe(true);
    expect(await store.deleteGrant('7', cat.id)).toBe(false);
  });

  it('tokens, sessions and the audit trail', async () => {
    const dan = (await store.createUser('dan', 'h', false))!;
    await store.createToken({
      id: 'a',
      userId: dan.id,
      name: 'one',
      level: 'ingest',
      experimentIds: ['1', '2'],
      secretHash: 's',
      createdAtMs: 10,
    });
    await store.createToken({
      id: 'b',
      userId: dan.id,
      name: 'two',
      level: 'edit',
      experimentIds: ['3'],
      secretHash: 's',
      createdAtMs: 20,
    });
    await store.touchToken('a', 99);
    expect(await store.getToken('a')).toEqual({
      id: 'a',
      userId: dan.id,
      username: 'dan',
      name: 'one',
      level: 'ingest',
      experimentIds: ['1', '2'],
      secretHash: 's',
      createdAtMs: 10,
      lastUsedAtMs: 99,
    });
    expect((await store.listTokens(dan.id, 10)).map((t) => t.id)).toEqual(['b', 'a']);
    expect((await store.listTokens(undefined, 1)).map((t) => t.id)).toEqual(['b']);
    expect(await store.deleteToken('a')).toBe(true);
    expect(await store.deleteToken('a')).toBe(false);
    await store.createSession('old', dan.id, 5);
    await store.createSession('new', dan.id, 50);
    await store.deleteExpiredSessions(10);
    expect(await store.getSession('old')).toBeUndefined();
    expect(await store.getSession('new')).toEqual({ userId: dan.id, expiresAtMs: 50 });
    await store.deleteSessionsOfUser(dan.id);
    expect(await store.getSession('new')).toBeUndefined();
    for (const action of ['tag.set', 'tag.delete'])
      await store.recordAudit({ timeMs: 1, username: 'dan', action, experimentId: '1', traceId: 'tr-1', detail: null });
    expect((await store.auditOfTrace('tr-1', 10)).map((e) => e.action)).toEqual(['tag.delete', 'tag.set']);
    expect(await store.auditOfTrace('tr-2', 10)).toEqual([]);
  });
});
