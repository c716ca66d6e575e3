// The SavedViewStore contract on both engines: SQLite on a temporary file, PostgreSQL on a fresh
// database of the run's throwaway cluster. Both must answer alike.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../storage/postgres/test-database.ts';
import { PostgresSavedViewStore } from './postgres-saved-view-store.ts';
import type { SavedViewStore, StoredSavedView } from './saved-view-store.ts';
import { SqliteSavedViewStore } from './sqlite-saved-view-store.ts';

const engines: [string, () => Promise<{ store: SavedViewStore; cleanup: () => Promise<void> }>][] = [
  [
    'sqlite',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'trace-explorer-views-'));
      const store = new SqliteSavedViewStore(join(dir, 'views.db'));
      return { store, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  ],
  [
    'postgresql',
    async () => {
      const db = await createTestDatabase();
      // Opened twice, as two replicas starting together would: the migration runs once.
      const [store, other] = await Promise.all([
        PostgresSavedViewStore.open(db.url),
        PostgresSavedViewStore.open(db.url),
      ]);
      await other.close();
      return { store, cleanup: () => db.drop() };
    },
  ],
];

const view = (id: string, patch: Partial<StoredSavedView> = {}): StoredSavedView => ({
  viewId: id,
  experimentId: '1',
  name: id,
  owner: 'ann',
  visibility: 'shared',
  body: '{"version":1,"tab":"traces","params":{}}',
  isDefault: false,
  createdMs: 1000,
  updatedMs: 1000,
  ...patch,
});

describe.each(engines)('SavedViewStore on %s', (_name, open) => {
  let store: SavedViewStore;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ store, cleanup } = await open());
    await store.create(view('sv-01', { name: 'b errors' }));
    await store.create(view('sv-02', { name: 'a latency', visibility: 'private' }));
    await store.create(view('sv-03', { name: 'c mine', owner: 'bob', visibility: 'private' }));
    await store.create(view('sv-04', { name: 'other experiment', experimentId: '2' }));
  });
  afterAll(async () => {
    await store.close();
    await cleanup();
  });

  it("lists an experiment's shared views and the viewer's private ones, by name", async () => {
    expect((await store.list('1', 'ann', 10)).map((v) => v.viewId)).toEqual(['sv-02', 'sv-01']);
    expect((await store.list('1', 'bob', 10)).map((v) => v.viewId)).toEqual(['sv-01', 'sv-03']);
    expect((await store.list('1', null, 10)).map((v) => v.viewId)).toEqual(['sv-01']);
    expect((await store.list('2', 'ann', 10)).map((v) => v.viewId)).toEqual(['sv-04']);
    expect(await store.list('1', 'ann', 1)).toHaveLength(1);
    expect(await store.count('1')).toBe(3);
  });

  it('gets a view only within its experiment, with every field', async () => {
    expect(await store.get('1', 'sv-01')).toEqual(view('sv-01', { name: 'b errors' }));
    expect(await store.get('2', 'sv-01')).toBeUndefined();
  });

  it('updates the fields given, only within the experiment', async () => {
    expect(await store.update('2', 'sv-01', { name: 'x', updatedMs: 5 })).toBe(false);
    expect(await store.update('1', 'sv-01', { name: 'b errors 2', updatedMs: 2000 })).toBe(true);
    const updated = await store.get('1', 'sv-01');
    expect(updated).toMatchObject({ name: 'b errors 2', visibility: 'shared', updatedMs: 2000, createdMs: 1000 });
    expect(updated?.body).toBe(view('sv-01').body);
  });

  it('keeps one default per experiment; null clears it; an unknown view is refused', async () => {
    await store.create(view('sv-05', { name: 'd' }));
    expect(await store.setDefault('1', 'sv-01')).toBe(true);
    expect(await store.setDefault('1', 'sv-05')).toBe(true);
    const defaults = (await store.list('1', 'ann', 10)).filter((v) => v.isDefault).map((v) => v.viewId);
    expect(defaults).toEqual(['sv-05']);
    expect(await store.setDefault('1', 'sv-04')).toBe(false);
    expect(await store.setDefault('1', null)).toBe(true);
    expect((await store.list('1', 'ann', 10)).some((v) => v.isDefault)).toBe(false);
  });

  it('deletes within the experiment only', async () => {
    expect(await store.delete('2', 'sv-05')).toBe(false);
    expect(await store.delete('1', 'sv-05')).toBe(true);
    expect(await store.get('1', 'sv-05')).toBeUndefined();
  });
});
