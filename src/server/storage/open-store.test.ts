import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../config.ts';
import { openStore, parseBackendUri } from './open-store.ts';
import { PostgresTraceStore } from './postgres/postgres-trace-store.ts';
import { createTestDatabase } from './postgres/test-database.ts';

describe('backend store URI', () => {
  it.each([
    ['sqlite:///traces.db', { engine: 'sqlite', path: 'traces.db' }],
    ['sqlite:////abs/t.db', { engine: 'sqlite', path: '/abs/t.db' }],
    ['sqlite:///:memory:', { engine: 'sqlite', path: ':memory:' }],
    ['data/traces.db', { engine: 'sqlite', path: 'data/traces.db' }],
    ['/var/lib/t.db', { engine: 'sqlite', path: '/var/lib/t.db' }],
    ['postgresql://u:p@db:5432/mlflow', { engine: 'postgresql', url: 'postgresql://u:p@db:5432/mlflow' }],
    ['postgres://db/mlflow', { engine: 'postgresql', url: 'postgres://db/mlflow' }],
    ['postgresql+psycopg2://db/mlflow', { engine: 'postgresql', url: 'postgresql+psycopg2://db/mlflow' }],
  ])('%s', (uri, expected) => {
    expect(parseBackendUri(uri)).toEqual(expected);
  });

  it('refuses unknown schemes and empty sqlite paths with a usage error', () => {
    expect(() => parseBackendUri('mysql://db/mlflow')).toThrow(UsageError);
    expect(() => parseBackendUri('sqlite:///')).toThrow(/names no file/);
  });

  it('opens SQLite from a plain path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'open-store-'));
    try {
      const store = await openStore(join(dir, 'plain.db'));
      expect((await store.getExperiment('0'))?.name).toBe('Default');
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each(['postgresql', 'postgres', 'postgresql+psycopg2'])(
    'opens PostgreSQL from a %s:// URI, migrated, with the Default experiment',
    async (scheme) => {
      const db = await createTestDatabase();
      try {
        const store = await openStore(db.url.replace(/^postgresql:/, `${scheme}:`));
        try {
          expect(store).toBeInstanceOf(PostgresTraceStore);
          expect((await store.getExperiment('0'))?.name).toBe('Default');
        } finally {
          await store.close();
        }
      } finally {
        await db.drop();
      }
    },
  );

  it('refuses a malformed PostgreSQL URI by name', async () => {
    await expect(openStore('postgresql://db/mlflow?sslmode=sometimes')).rejects.toThrow(UsageError);
  });
});
