// Experiments on SQLite: create, read, search and the lifecycle (delete, restore, rename).
// The rules are in ../rules/experiment-lifecycle.ts; this module only runs SQL.
import type { Experiment } from '../../../core/model.ts';
import { artifactRoot, defaultArtifactLocation } from '../rules/artifact-location.ts';
import {
  checkNewName,
  checkRename,
  DEFAULT_EXPERIMENT,
  experimentIdNumber,
  isExperimentIdText,
  lifecycleTransition,
  requireActiveForWrites,
  type ExperimentState,
  type LifecycleStage,
} from '../rules/experiment-lifecycle.ts';
import { checkExperimentTagValue, requireActiveForTags } from '../rules/experiment-tags.ts';
import { experimentTagNotFound } from '../rules/mlflow-errors.ts';
import type { ExperimentOrder, ExperimentOrderKey, SearchExperimentsQuery } from '../trace-store.ts';
import type { SqliteContext } from './sqlite-context.ts';

export interface ExperimentRow {
  experiment_id: number;
  name: string;
  artifact_location: string;
  lifecycle_stage: LifecycleStage;
  creation_time: number;
  last_update_time: number;
}

/** The only columns SearchExperiments filters and orders by (identifiers from this allowlist only). */
const EXPERIMENT_COLUMNS: Record<ExperimentOrderKey, string> = {
  name: 'e.name',
  experiment_id: 'e.experiment_id',
  creation_time: 'e.creation_time',
  last_update_time: 'e.last_update_time',
};
const DEFAULT_EXPERIMENT_ORDER: ExperimentOrder[] = [
  { key: 'creation_time', ascending: false },
  { key: 'experiment_id', ascending: true },
];

/** `col <op> ?` with MLflow's string semantics: = and LIKE case-sensitive (case_sensitive_like is on), ILIKE folded. */
function stringCondition(column: string, comparator: '=' | '!=' | 'LIKE' | 'ILIKE'): string {
  return comparator === 'ILIKE' ? `lower(${column}) LIKE lower(?)` : `${column} ${comparator} ?`;
}

const state = (row: ExperimentRow): ExperimentState => ({
  experimentId: row.experiment_id,
  lifecycleStage: row.lifecycle_stage,
});

export class SqliteExperiments {
  private readonly ctx: SqliteContext;
  /** Active experiments seen by trace writes; the lifecycle calls drop their entry. */
  private readonly active = new Map<string, ExperimentRow>();
  /** Experiment id → artifact root; an experiment's artifact location never changes once created. */
  private readonly artifactRoots = new Map<number, string>();

  constructor(ctx: SqliteContext) {
    this.ctx = ctx;
    // A read worker's connection is read-only; the writer's store created the default already.
    if (ctx.db.readonly) return;
    const t = ctx.now();
    ctx.db
      .prepare(
        `INSERT OR IGNORE INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
         VALUES (?, ?, ?, 'active', ?, ?)`,
      )
      .run(DEFAULT_EXPERIMENT.id, DEFAULT_EXPERIMENT.name, defaultArtifactLocation(DEFAULT_EXPERIMENT.id), t, t);
  }

  private byId(id: number): ExperimentRow | undefined {
    return this.ctx.stmt('SELECT * FROM experiments WHERE experiment_id = ?').get(id) as ExperimentRow | undefined;
  }

  private byName(name: string): ExperimentRow | undefined {
    return this.ctx.stmt('SELECT * FROM experiments WHERE name = ?').get(name) as ExperimentRow | undefined;
  }

  /** Inside a write transaction. */
  create(input: { name: string; artifactLocation?: string; tags?: { key: string; value: string }[] }): string {
    const t = this.ctx.now();
    const holder = this.byName(input.name);
    checkNewName(input.name, holder && state(holder));
    const next = this.ctx.stmt('SELECT COALESCE(MAX(experiment_id), 0) + 1 AS id FROM experiments').get() as {
      id: number;
    };
    this.ctx
      .stmt(
        `INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
         VALUES (?, ?, ?, 'active', ?, ?)`,
      )
      .run(next.id, input.name, input.artifactLocation ?? defaultArtifactLocation(next.id), t, t);
    const insertTag = this.ctx.stmt(
      'INSERT OR REPLACE INTO experiment_tags (experiment_id, key, value) VALUES (?, ?, ?)',
    );
    for (const tag of input.tags ?? []) insertTag.run(next.id, tag.key, tag.value);
    return String(next.id);
  }

  /** DeleteExperiment / RestoreExperiment, inside a write transaction. */
  setStage(experimentId: string, action: 'delete' | 'restore'): void {
    const row = isExperimentIdText(experimentId) ? this.byId(Number(experimentId)) : undefined;
    const stage = lifecycleTransition(experimentId, row && state(row), action);
    this.ctx
      .stmt('UPDATE experiments SET lifecycle_stage = ?, last_update_time = ? WHERE experiment_id = ?')
      .run(stage, this.ctx.now(), Number(experimentId));
    this.active.delete(experimentId);
  }

  /** UpdateExperiment (rename), inside a write transaction. */
  rename(experimentId: string, newName: string): void {
    const row = isExperimentIdText(experimentId) ? this.byId(Number(experimentId)) : undefined;
    const holder = this.byName(newName);
    checkRename(experimentId, row && state(row), newName, holder && state(holder));
    this.ctx
      .stmt('UPDATE experiments SET name = ?, last_update_time = ? WHERE experiment_id = ?')
      .run(newName, this.ctx.now(), Number(experimentId));
    this.active.delete(experimentId);
  }

  /** SetExperimentTag (an upsert), inside a write transaction. */
  setTag(experimentId: string, key: string, value: string): void {
    checkExperimentTagValue(value);
    const row = isExperimentIdText(experimentId) ? this.byId(Number(experimentId)) : undefined;
    requireActiveForTags(experimentId, row && state(row));
    this.ctx
      .stmt('INSERT OR REPLACE INTO experiment_tags (experiment_id, key, value) VALUES (?, ?, ?)')
      .run(Number(experimentId), key, value);
  }

  /** DeleteExperimentTag, inside a write transaction. */
  deleteTag(experimentId: string, key: string): void {
    const row = isExperimentIdText(experimentId) ? this.byId(Number(experimentId)) : undefined;
    requireActiveForTags(experimentId, row && state(row));
    const { changes } = this.ctx
      .stmt('DELETE FROM experiment_tags WHERE experiment_id = ? AND key = ?')
      .run(Number(experimentId), key);
    if (changes === 0) throw experimentTagNotFound(experimentId, key);
  }

  get(experimentId: string): Experiment | undefined {
    if (!isExperimentIdText(experimentId)) return undefined;
    const row = this.byId(Number(experimentId));
    return row && this.toExperiment(row);
  }

  getByName(name: string): Experiment | undefined {
    const row = this.byName(name);
    return row && this.toExperiment(row);
  }

  search(input: SearchExperimentsQuery): Experiment[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (input.viewType !== 'ALL') {
      where.push('e.lifecycle_stage = ?');
      params.push(input.viewType === 'ACTIVE_ONLY' ? 'active' : 'deleted');
    }
    for (const c of input.filter ?? []) {
      if (c.kind === 'tag') {
        where.push(
          `EXISTS (SELECT 1 FROM experiment_tags g WHERE g.experiment_id = e.experiment_id AND g.key = ? AND ${stringCondition('g.value', c.comparator)})`,
        );
        params.push(c.key, c.value);
      } else {
        where.push(
          c.key === 'name' ? stringCondition('e.name', c.comparator) : `${EXPERIMENT_COLUMNS[c.key]} ${c.comparator} ?`,
        );
        params.push(c.value);
      }
    }
    // MLflow's default order, and experiment_id DESC as the tie-breaker when the order lacks it.
    const order = input.orderBy && input.orderBy.length > 0 ? input.orderBy : DEFAULT_EXPERIMENT_ORDER;
    const terms = order.map((o) => `${EXPERIMENT_COLUMNS[o.key]} ${o.ascending ? 'ASC' : 'DESC'}`);
    if (!order.some((o) => o.key === 'experiment_id')) terms.push('e.experiment_id DESC');
    const rows = this.ctx
      .stmt(
        `SELECT e.* FROM experiments e ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${terms.join(', ')} LIMIT ? OFFSET ?`,
      )
      .all(...params, input.maxResults, input.offset) as ExperimentRow[];
    return rows.map((row) => this.toExperiment(row));
  }

  /** The ids among `experimentIds` that name active experiments (deleted experiments' traces are not searchable). */
  activeIds(ids: readonly number[]): number[] {
    if (ids.length === 0) return [];
    return this.ctx
      .stmt(
        "SELECT experiment_id FROM experiments WHERE experiment_id IN (SELECT value FROM json_each(?)) AND lifecycle_stage = 'active'",
      )
      .pluck()
      .all(JSON.stringify(ids)) as number[];
  }

  /** The experiment a trace write names: MLflow's checks (integer id, exists, active). */
  requireActive(experimentId: string): ExperimentRow {
    const cached = this.active.get(experimentId);
    if (cached) return cached;
    const row = this.byId(experimentIdNumber(experimentId));
    const checked = requireActiveForWrites(experimentId, row && { ...state(row), row });
    this.active.set(experimentId, checked.row);
    return checked.row;
  }

  /** The experiment's artifact root (trace artifact locations extend it). */
  artifactRoot(experimentId: number): string {
    let root = this.artifactRoots.get(experimentId);
    if (root === undefined) {
      const row = this.ctx
        .stmt('SELECT artifact_location FROM experiments WHERE experiment_id = ?')
        .get(experimentId) as { artifact_location: string } | undefined;
      root = artifactRoot(row?.artifact_location ?? defaultArtifactLocation(experimentId));
      this.artifactRoots.set(experimentId, root);
    }
    return root;
  }

  private toExperiment(row: ExperimentRow): Experiment {
    const tags = this.ctx
      .stmt('SELECT key, value FROM experiment_tags WHERE experiment_id = ? ORDER BY key')
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
