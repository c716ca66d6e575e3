// Experiments on PostgreSQL: create, read, search, tags and the lifecycle (delete, restore, rename). The
// rules are in ../rules/experiment-lifecycle.ts; this module runs SQL. Nothing about an experiment's state
// is cached in the process (another replica may delete or rename it); only the artifact root is, because
// it never changes once the experiment exists.
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
import { experimentNameExists, experimentTagNotFound } from '../rules/mlflow-errors.ts';
import { postgresDialect } from '../sql/sql-dialect.ts';
import type { ExperimentOrder, ExperimentOrderKey, SearchExperimentsQuery } from '../trace-store.ts';
import { num, type PgContext, type Sql } from './pg-context.ts';

interface ExperimentRow {
  experiment_id: string;
  name: string;
  artifact_location: string;
  lifecycle_stage: LifecycleStage;
  creation_time: string;
  last_update_time: string;
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
/** Artifact roots kept in memory: an experiment's location never changes, so the cache needs no invalidation. */
const MAX_CACHED_ROOTS = 10_000;
/** unique_violation: a concurrent create or rename took the name first. */
const UNIQUE_VIOLATION = '23505';

const state = (row: ExperimentRow): ExperimentState => ({
  experimentId: num(row.experiment_id),
  lifecycleStage: row.lifecycle_stage,
});

const isUniqueViolation = (error: unknown) => (error as { code?: string } | null)?.code === UNIQUE_VIOLATION;

/** `col <op> $n` with MLflow's string semantics: = and LIKE case-sensitive, ILIKE ASCII-folded (as on SQLite). */
function stringCondition(column: string, comparator: '=' | '!=' | 'LIKE' | 'ILIKE', placeholder: string): string {
  if (comparator === 'LIKE') return postgresDialect.like(column, placeholder);
  if (comparator === 'ILIKE') return postgresDialect.ilike(column, placeholder);
  return `${column} ${comparator} ${placeholder}`;
}

export class PgExperiments {
  private readonly rootCache = new Map<number, string>();

  constructor(private readonly ctx: PgContext) {}

  /** The Default experiment (id 0), created once per database whichever replica starts first. */
  async ensureDefault(): Promise<void> {
    const t = this.ctx.now();
    await this.ctx.write((sql) =>
      sql.run(
        `INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
         VALUES ($1, $2, $3, 'active', $4, $4) ON CONFLICT DO NOTHING`,
        [DEFAULT_EXPERIMENT.id, DEFAULT_EXPERIMENT.name, defaultArtifactLocation(DEFAULT_EXPERIMENT.id), t],
      ),
    );
  }

  private async byId(sql: Sql, id: number, lock = ''): Promise<ExperimentRow | undefined> {
    // Ids are an identity from 0; a larger number names nothing (and could not be bound as a BIGINT).
    if (!Number.isSafeInteger(id)) return undefined;
    return sql.one<ExperimentRow>(`SELECT * FROM experiments WHERE experiment_id = $1 ${lock}`, [id]);
  }

  private byName(sql: Sql, name: string): Promise<ExperimentRow | undefined> {
    return sql.one<ExperimentRow>('SELECT * FROM experiments WHERE name = $1', [name]);
  }

  create(input: { name: string; artifactLocation?: string; tags?: { key: string; value: string }[] }): Promise<string> {
    return this.ctx.write(async (sql) => {
      const holder = await this.byName(sql, input.name);
      checkNewName(input.name, holder && state(holder));
      const t = this.ctx.now();
      // A replica creating the same name at the same moment wins the unique index: that is MLflow's
      // RESOURCE_ALREADY_EXISTS here too, not a 500.
      const created = await sql
        .one<{ experiment_id: string }>(
          `INSERT INTO experiments (name, artifact_location, lifecycle_stage, creation_time, last_update_time)
           VALUES ($1, '', 'active', $2, $2) ON CONFLICT (name) DO NOTHING RETURNING experiment_id`,
          [input.name, t],
        )
        .then((row) => row ?? Promise.reject(experimentNameExists(input.name)));
      const id = num(created.experiment_id);
      // The default location names the id, known only now.
      await sql.run('UPDATE experiments SET artifact_location = $2 WHERE experiment_id = $1', [
        id,
        input.artifactLocation ?? defaultArtifactLocation(id),
      ]);
      const tags = new Map((input.tags ?? []).map((tag) => [tag.key, tag.value]));
      if (tags.size > 0)
        await sql.run(
          `INSERT INTO experiment_tags (experiment_id, key, value) SELECT $1, k, v FROM unnest($2::text[], $3::text[]) AS x(k, v)`,
          [id, [...tags.keys()], [...tags.values()]],
        );
      return String(id);
    });
  }

  /** DeleteExperiment / RestoreExperiment. */
  setStage(experimentId: string, action: 'delete' | 'restore'): Promise<void> {
    return this.ctx.write(async (sql) => {
      const row = isExperimentIdText(experimentId)
        ? await this.byId(sql, Number(experimentId), 'FOR UPDATE')
        : undefined;
      const stage = lifecycleTransition(experimentId, row && state(row), action);
      await sql.run('UPDATE experiments SET lifecycle_stage = $1, last_update_time = $2 WHERE experiment_id = $3', [
        stage,
        this.ctx.now(),
        Number(experimentId),
      ]);
    });
  }

  /** UpdateExperiment (rename). */
  rename(experimentId: string, newName: string): Promise<void> {
    return this.ctx.write(async (sql) => {
      const row = isExperimentIdText(experimentId)
        ? await this.byId(sql, Number(experimentId), 'FOR UPDATE')
        : undefined;
      const holder = await this.byName(sql, newName);
      checkRename(experimentId, row && state(row), newName, holder && state(holder));
      try {
        await sql.run('UPDATE experiments SET name = $1, last_update_time = $2 WHERE experiment_id = $3', [
          newName,
          this.ctx.now(),
          Number(experimentId),
        ]);
      } catch (error) {
        throw isUniqueViolation(error) ? experimentNameExists(newName) : error;
      }
    });
  }

  /** SetExperimentTag: the experiment must exist and be active (MLflow). */
  setTag(experimentId: string, key: string, value: string): Promise<void> {
    return this.ctx.write(async (sql) => {
      await this.requireActive(sql, experimentId, 'FOR KEY SHARE');
      await sql.run(
        `INSERT INTO experiment_tags (experiment_id, key, value) VALUES ($1, $2, $3)
         ON CONFLICT (experiment_id, key) DO UPDATE SET value = excluded.value`,
        [Number(experimentId), key, value],
      );
    });
  }

  /** DeleteExperimentTag: the experiment must be active and have the tag (MLflow). */
  deleteTag(experimentId: string, key: string): Promise<void> {
    return this.ctx.write(async (sql) => {
      await this.requireActive(sql, experimentId, 'FOR KEY SHARE');
      const deleted = await sql.run('DELETE FROM experiment_tags WHERE experiment_id = $1 AND key = $2', [
        Number(experimentId),
        key,
      ]);
      if (deleted === 0) throw experimentTagNotFound(experimentId, key);
    });
  }

  async get(experimentId: string): Promise<Experiment | undefined> {
    if (!isExperimentIdText(experimentId)) return undefined;
    return this.ctx.read(async (sql) => {
      const row = await this.byId(sql, Number(experimentId));
      return row && (await this.toExperiments(sql, [row]))[0];
    });
  }

  getByName(name: string): Promise<Experiment | undefined> {
    return this.ctx.read(async (sql) => {
      const row = await this.byName(sql, name);
      return row && (await this.toExperiments(sql, [row]))[0];
    });
  }

  search(input: SearchExperimentsQuery): Promise<Experiment[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const bind = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    if (input.viewType !== 'ALL')
      where.push(`e.lifecycle_stage = ${bind(input.viewType === 'ACTIVE_ONLY' ? 'active' : 'deleted')}`);
    for (const c of input.filter ?? []) {
      if (c.kind === 'tag') {
        const key = bind(c.key);
        where.push(
          `EXISTS (SELECT 1 FROM experiment_tags g WHERE g.experiment_id = e.experiment_id AND g.key = ${key} AND ${stringCondition('g.value', c.comparator, bind(c.value))})`,
        );
      } else if (c.key === 'name') where.push(stringCondition('e.name', c.comparator, bind(c.value)));
      else where.push(`${EXPERIMENT_COLUMNS[c.key]} ${c.comparator} ${bind(c.value)}`);
    }
    // MLflow's default order, and experiment_id DESC as the tie-breaker when the order lacks it.
    const order = input.orderBy && input.orderBy.length > 0 ? input.orderBy : DEFAULT_EXPERIMENT_ORDER;
    const terms = order.map((o) => `${EXPERIMENT_COLUMNS[o.key]} ${o.ascending ? 'ASC' : 'DESC'}`);
    if (!order.some((o) => o.key === 'experiment_id')) terms.push('e.experiment_id DESC');
    const text = `SELECT e.* FROM experiments e ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY ${terms.join(', ')} LIMIT ${bind(input.maxResults)} OFFSET ${bind(input.offset)}`;
    return this.ctx.read(async (sql) => this.toExperiments(sql, await sql.rows<ExperimentRow>(text, params)));
  }

  /** The ids among `ids` that name active experiments (deleted experiments' traces are not searchable). */
  async activeIds(sql: Sql, ids: readonly number[]): Promise<number[]> {
    const bindable = ids.filter((id) => Number.isSafeInteger(id));
    if (bindable.length === 0) return [];
    const rows = await sql.rows<{ experiment_id: string }>(
      "SELECT experiment_id FROM experiments WHERE experiment_id = ANY($1::bigint[]) AND lifecycle_stage = 'active'",
      [bindable],
    );
    return rows.map((r) => num(r.experiment_id));
  }

  /**
   * The experiment a trace write names: MLflow's checks (integer id, exists, active). `FOR KEY SHARE`
   * keeps it from being deleted under the write, and lets concurrent writes into it proceed.
   */
  async requireActive(sql: Sql, experimentId: string, lock = 'FOR KEY SHARE'): Promise<number> {
    const id = experimentIdNumber(experimentId);
    const row = await this.byId(sql, id, lock);
    requireActiveForWrites(experimentId, row && state(row));
    return id;
  }

  /** Artifact roots of these experiments (trace artifact locations extend them); one statement for the unknown ones. */
  async artifactRoots(sql: Sql, experimentIds: Iterable<number>): Promise<Map<number, string>> {
    const wanted = [...new Set(experimentIds)];
    const missing = wanted.filter((id) => !this.rootCache.has(id));
    if (missing.length > 0) {
      const rows = await sql.rows<{ experiment_id: string; artifact_location: string }>(
        'SELECT experiment_id, artifact_location FROM experiments WHERE experiment_id = ANY($1::bigint[])',
        [missing],
      );
      if (this.rootCache.size + rows.length > MAX_CACHED_ROOTS) this.rootCache.clear();
      for (const r of rows) this.rootCache.set(num(r.experiment_id), artifactRoot(r.artifact_location));
    }
    return new Map(wanted.map((id) => [id, this.rootCache.get(id) ?? artifactRoot(defaultArtifactLocation(id))]));
  }

  private async toExperiments(sql: Sql, rows: ExperimentRow[]): Promise<Experiment[]> {
    if (rows.length === 0) return [];
    const tagRows = await sql.rows<{ experiment_id: string; key: string; value: string }>(
      'SELECT experiment_id, key, value FROM experiment_tags WHERE experiment_id = ANY($1::bigint[]) ORDER BY experiment_id, key',
      [rows.map((r) => r.experiment_id)],
    );
    const tags = new Map<string, { key: string; value: string }[]>();
    for (const t of tagRows) {
      const list = tags.get(t.experiment_id) ?? [];
      list.push({ key: t.key, value: t.value });
      tags.set(t.experiment_id, list);
    }
    return rows.map((row) => {
      const own = tags.get(row.experiment_id) ?? [];
      return {
        experiment_id: row.experiment_id,
        name: row.name,
        artifact_location: row.artifact_location,
        lifecycle_stage: row.lifecycle_stage,
        creation_time: num(row.creation_time),
        last_update_time: num(row.last_update_time),
        ...(own.length > 0 ? { tags: own } : {}),
      };
    });
  }
}
