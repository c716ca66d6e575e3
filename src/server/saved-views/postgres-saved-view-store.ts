import { Pool } from 'pg';
import type { SavedViewVisibility } from '../../core/saved-view.ts';
import { migratePostgres } from '../storage/postgres/migrate-postgres.ts';
import type { SavedViewChange, SavedViewStore, StoredSavedView } from './saved-view-store.ts';

type Row = Record<string, unknown>;
// BIGINT times arrive as strings from pg; milliseconds are far below 2^53.
const toView = (r: Row): StoredSavedView => ({
  viewId: String(r.view_id),
  experimentId: String(r.experiment_id),
  name: String(r.name),
  owner: r.owner === null ? null : String(r.owner),
  visibility: r.visibility as SavedViewVisibility,
  body: String(r.body),
  isDefault: r.is_default === true,
  createdMs: Number(r.created_ms),
  updatedMs: Number(r.updated_ms),
});

/** SavedViewStore on PostgreSQL: the same statements as the SQLite store, in PostgreSQL's dialect. */
export class PostgresSavedViewStore implements SavedViewStore {
  private readonly pool: Pool;

  private constructor(pool: Pool) {
    this.pool = pool;
  }

  /** Opens a small pool and applies the schema's migrations (they hold the saved_views table). */
  static async open(url: string): Promise<PostgresSavedViewStore> {
    const pool = new Pool({ connectionString: url, max: 4 });
    try {
      await migratePostgres(pool);
    } catch (error) {
      await pool.end();
      throw error;
    }
    return new PostgresSavedViewStore(pool);
  }

  async list(experimentId: string, viewer: string | null, limit: number): Promise<StoredSavedView[]> {
    const { rows } = await this.pool.query(
      `SELECT * FROM saved_views WHERE experiment_id = $1 AND (visibility = 'shared' OR owner = $2)
       ORDER BY name, view_id LIMIT $3`,
      [experimentId, viewer, limit],
    );
    return rows.map(toView);
  }

  async get(experimentId: string, viewId: string): Promise<StoredSavedView | undefined> {
    const { rows } = await this.pool.query('SELECT * FROM saved_views WHERE experiment_id = $1 AND view_id = $2', [
      experimentId,
      viewId,
    ]);
    return rows[0] && toView(rows[0]);
  }

  async count(experimentId: string): Promise<number> {
    const { rows } = await this.pool.query('SELECT count(*)::int AS n FROM saved_views WHERE experiment_id = $1', [
      experimentId,
    ]);
    return Number(rows[0].n);
  }

  async create(v: StoredSavedView): Promise<void> {
    await this.pool.query(
      `INSERT INTO saved_views (view_id, experiment_id, name, owner, visibility, body, is_default, created_ms, updated_ms)
       VALUES ($1, $2, $3, $4, $5, $6, FALSE, $7, $8)`,
      [v.viewId, v.experimentId, v.name, v.owner, v.visibility, v.body, v.createdMs, v.updatedMs],
    );
  }

  async update(experimentId: string, viewId: string, change: SavedViewChange): Promise<boolean> {
    const result = await this.pool.query(
      `UPDATE saved_views SET name = COALESCE($1, name), visibility = COALESCE($2, visibility),
         body = COALESCE($3, body), updated_ms = $4 WHERE experiment_id = $5 AND view_id = $6`,
      [change.name ?? null, change.visibility ?? null, change.body ?? null, change.updatedMs, experimentId, viewId],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async delete(experimentId: string, viewId: string): Promise<boolean> {
    const result = await this.pool.query('DELETE FROM saved_views WHERE experiment_id = $1 AND view_id = $2', [
      experimentId,
      viewId,
    ]);
    return (result.rowCount ?? 0) > 0;
  }

  async setDefault(experimentId: string, viewId: string | null): Promise<boolean> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // Serialises concurrent set-default calls of one experiment (the partial unique index would
      // otherwise refuse the loser of a race with an error instead of letting the last one win).
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`saved_views:${experimentId}`]);
      if (viewId !== null) {
        const found = await client.query('SELECT 1 FROM saved_views WHERE experiment_id = $1 AND view_id = $2', [
          experimentId,
          viewId,
        ]);
        if (found.rowCount === 0) {
          await client.query('ROLLBACK');
          return false;
        }
      }
      await client.query('UPDATE saved_views SET is_default = FALSE WHERE experiment_id = $1 AND is_default', [
        experimentId,
      ]);
      if (viewId !== null)
        await client.query('UPDATE saved_views SET is_default = TRUE WHERE experiment_id = $1 AND view_id = $2', [
          experimentId,
          viewId,
        ]);
      await client.query('COMMIT');
      return true;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
