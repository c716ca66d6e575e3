import type Database from 'better-sqlite3';
import type { SavedViewVisibility } from '../../core/saved-view.ts';
import { LockRetry } from '../storage/lock-retry.ts';
import { openSqlite } from '../storage/open-sqlite.ts';
import type { SavedViewChange, SavedViewStore, StoredSavedView } from './saved-view-store.ts';

interface Row {
  view_id: string;
  experiment_id: string;
  name: string;
  owner: string | null;
  visibility: string;
  body: string;
  is_default: number;
  created_ms: number;
  updated_ms: number;
}

const toView = (r: Row): StoredSavedView => ({
  viewId: r.view_id,
  experimentId: r.experiment_id,
  name: r.name,
  owner: r.owner,
  visibility: r.visibility as SavedViewVisibility,
  body: r.body,
  isDefault: r.is_default === 1,
  createdMs: r.created_ms,
  updatedMs: r.updated_ms,
});

/**
 * SavedViewStore on SQLite, on its own connection to the server's database file (like the auth
 * store: view writes are rare and small, so the trace store's write queue is not involved).
 * Opening applies the trace schema's migrations, which hold the saved_views table.
 */
export class SqliteSavedViewStore implements SavedViewStore {
  private readonly db: Database.Database;
  private readonly writes: LockRetry;

  /** `lockBudgetMs`: how long a write keeps trying while another connection holds the write lock. */
  constructor(path: string, lockBudgetMs?: number) {
    this.db = openSqlite(path);
    this.writes = new LockRetry(this.db, lockBudgetMs);
  }

  async list(experimentId: string, viewer: string | null, limit: number): Promise<StoredSavedView[]> {
    const rows = this.db
      .prepare(
        `SELECT * FROM saved_views WHERE experiment_id = ? AND (visibility = 'shared' OR owner = ?)
         ORDER BY name, view_id LIMIT ?`,
      )
      .all(experimentId, viewer, limit) as Row[];
    return rows.map(toView);
  }

  async get(experimentId: string, viewId: string): Promise<StoredSavedView | undefined> {
    const row = this.db
      .prepare('SELECT * FROM saved_views WHERE experiment_id = ? AND view_id = ?')
      .get(experimentId, viewId) as Row | undefined;
    return row && toView(row);
  }

  async count(experimentId: string): Promise<number> {
    return (
      this.db.prepare('SELECT count(*) AS n FROM saved_views WHERE experiment_id = ?').get(experimentId) as {
        n: number;
      }
    ).n;
  }

  async create(v: StoredSavedView): Promise<void> {
    await this.writes.write(() =>
      this.db
        .prepare(
          `INSERT INTO saved_views (view_id, experiment_id, name, owner, visibility, body, is_default, created_ms, updated_ms)
           VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)`,
        )
        .run(v.viewId, v.experimentId, v.name, v.owner, v.visibility, v.body, v.createdMs, v.updatedMs),
    );
  }

  async update(experimentId: string, viewId: string, change: SavedViewChange): Promise<boolean> {
    const result = await this.writes.write(() =>
      this.db
        .prepare(
          `UPDATE saved_views SET name = COALESCE(?, name), visibility = COALESCE(?, visibility),
             body = COALESCE(?, body), updated_ms = ? WHERE experiment_id = ? AND view_id = ?`,
        )
        .run(
          change.name ?? null,
          change.visibility ?? null,
          change.body ?? null,
          change.updatedMs,
          experimentId,
          viewId,
        ),
    );
    return result.changes > 0;
  }

  async delete(experimentId: string, viewId: string): Promise<boolean> {
    const result = await this.writes.write(() =>
      this.db.prepare('DELETE FROM saved_views WHERE experiment_id = ? AND view_id = ?').run(experimentId, viewId),
    );
    return result.changes > 0;
  }

  async setDefault(experimentId: string, viewId: string | null): Promise<boolean> {
    // IMMEDIATE: a deferred transaction that reads, then writes could meet SQLITE_BUSY half-way (the
    // trace store's writer thread committed since it read); this way it meets it before it begins.
    return this.writes.write(() =>
      this.db
        .transaction(() => {
          if (
            viewId !== null &&
            !this.db
              .prepare('SELECT 1 FROM saved_views WHERE experiment_id = ? AND view_id = ?')
              .get(experimentId, viewId)
          )
            return false;
          this.db
            .prepare('UPDATE saved_views SET is_default = 0 WHERE experiment_id = ? AND is_default = 1')
            .run(experimentId);
          if (viewId !== null)
            this.db
              .prepare('UPDATE saved_views SET is_default = 1 WHERE experiment_id = ? AND view_id = ?')
              .run(experimentId, viewId);
          return true;
        })
        .immediate(),
    );
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
