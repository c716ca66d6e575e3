import type Database from 'better-sqlite3';
import type { Experiment } from '../../core/model.ts';
import { MlflowError } from '../errors.ts';
import type { TraceStore } from './trace-store.ts';

interface ExperimentRow {
  experiment_id: number;
  name: string;
  artifact_location: string;
  lifecycle_stage: 'active' | 'deleted';
  creation_time: number;
  last_update_time: number;
}

export const DEFAULT_EXPERIMENT_ID = '0';

export class SqliteTraceStore implements TraceStore {
  readonly db: Database.Database;

  constructor(db: Database.Database, now: () => number = Date.now) {
    this.db = db;
    this.now = now;
    this.ensureDefaultExperiment();
  }

  private readonly now: () => number;

  private ensureDefaultExperiment(): void {
    const t = this.now();
    // MLflow's default experiment has id 0 and name "Default".
    this.db
      .prepare(
        `INSERT OR IGNORE INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
         VALUES (0, 'Default', 'mlflow-artifacts:/0', 'active', ?, ?)`,
      )
      .run(t, t);
  }

  createExperiment(input: { name: string; artifactLocation?: string; tags?: { key: string; value: string }[] }): string {
    const t = this.now();
    return this.db.transaction(() => {
      if (this.db.prepare('SELECT 1 FROM experiments WHERE name = ?').get(input.name)) {
        throw new MlflowError('RESOURCE_ALREADY_EXISTS', `Experiment(name=${input.name}) already exists.`);
      }
      const next = this.db.prepare('SELECT COALESCE(MAX(experiment_id), 0) + 1 AS id FROM experiments').get() as { id: number };
      this.db
        .prepare(
          `INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
           VALUES (?, ?, ?, 'active', ?, ?)`,
        )
        .run(next.id, input.name, input.artifactLocation ?? `mlflow-artifacts:/${next.id}`, t, t);
      const insertTag = this.db.prepare('INSERT OR REPLACE INTO experiment_tags (experiment_id, key, value) VALUES (?, ?, ?)');
      for (const tag of input.tags ?? []) insertTag.run(next.id, tag.key, tag.value);
      return String(next.id);
    })();
  }

  getExperiment(experimentId: string): Experiment | undefined {
    if (!/^\d+$/.test(experimentId)) return undefined;
    const row = this.db.prepare('SELECT * FROM experiments WHERE experiment_id = ?').get(Number(experimentId)) as ExperimentRow | undefined;
    return row && this.toExperiment(row);
  }

  getExperimentByName(name: string): Experiment | undefined {
    const row = this.db.prepare('SELECT * FROM experiments WHERE name = ?').get(name) as ExperimentRow | undefined;
    return row && this.toExperiment(row);
  }

  searchExperiments(input: { maxResults: number; offset: number; viewType: 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL' }): Experiment[] {
    const where = input.viewType === 'ALL' ? '' : `WHERE lifecycle_stage = '${input.viewType === 'ACTIVE_ONLY' ? 'active' : 'deleted'}'`;
    const rows = this.db
      .prepare(`SELECT * FROM experiments ${where} ORDER BY last_update_time DESC, experiment_id ASC LIMIT ? OFFSET ?`)
      .all(input.maxResults, input.offset) as ExperimentRow[];
    return rows.map((row) => this.toExperiment(row));
  }

  close(): void {
    this.db.close();
  }

  private toExperiment(row: ExperimentRow): Experiment {
    const tags = this.db
      .prepare('SELECT key, value FROM experiment_tags WHERE experiment_id = ? ORDER BY key')
      .all(row.experiment_id) as { key: string; value: string }[];
    return {
      experiment_id: String(row.experiment_id),
      name: row.name,
      artifact_location: row.artifact_location,
      lifecycle_stage: row.lifecycle_stage,
      creation_time: row.creation_time,
      last_update_time: row.last_update_time,
      ...(tags.length > 0 ? { tags } : {}),
    };
  }
}
