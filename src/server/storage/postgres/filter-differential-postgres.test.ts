// The filter compiler's PostgreSQL dialect and schema against the reference evaluator, on a real PostgreSQL
// database migrated like production: random filters over random traces (both compiler modes) must select
// what src/core/filter/evaluate-filter.ts selects. The SQLite side of the same check is ../filter-differential.test.ts.
import * as fc from 'fast-check';
import type { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkFilter, type CheckedFilter } from '../../../core/filter/check-filter.ts';
import { evaluateFilter, type EvalAssessment, type EvalTrace } from '../../../core/filter/evaluate-filter.ts';
import { filterArb, tracesArb, type GeneratedAssessment } from '../../../core/filter/filter-arbitraries.test.ts';
import { re2Search } from '../../re2-search.ts';
import { compileFilter } from '../sql/compile-filter.ts';
import { postgresDialect } from '../sql/sql-dialect.ts';
import { POSTGRES_TRACE_SCHEMA } from '../sql/trace-schema.ts';
import { migratePostgres } from './migrate-postgres.ts';
import { createPostgresPool } from './postgres-pool.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

let db: TestDatabase;
let pool: Pool;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = createPostgresPool(db.uri, { size: 2, statementTimeoutMs: 30_000 });
  await migratePostgres(pool);
  await pool.query(
    "INSERT INTO experiments (experiment_id, name, artifact_location, creation_time, last_update_time) VALUES (1, 'e', 'x', 0, 0)",
  );
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});

/** Replaces the traces with these, child rows keyed by trace_key as the store writes them. */
async function load(traces: EvalTrace[]): Promise<void> {
  await pool.query('TRUNCATE traces CASCADE');
  const rows = { tags: [] as object[], meta: [] as object[], spans: [] as object[], assessments: [] as object[] };
  const runs: object[] = [];
  const prompts: object[] = [];
  let n = 0;
  for (const t of traces) {
    for (const [key, value] of Object.entries(t.tags)) rows.tags.push({ trace_id: t.trace_id, key, value });
    for (const [key, value] of Object.entries(t.metadata)) rows.meta.push({ trace_id: t.trace_id, key, value });
    t.spans.forEach((s, i) => rows.spans.push({ trace_id: t.trace_id, span_id: `s${i}`, ...s }));
    for (const a of t.assessments as (EvalAssessment & Partial<GeneratedAssessment>)[]) {
      const metadata = a.session
        ? JSON.stringify({ 'mlflow.assessment.sourceRunId': 'r9', 'mlflow.trace.session': a.session })
        : null;
      rows.assessments.push({ id: `a${n++}`, trace_id: t.trace_id, ...a, metadata });
    }
    for (const r of t.run_ids) runs.push({ trace_id: t.trace_id, run_id: r });
    for (const p of t.prompts) prompts.push({ trace_id: t.trace_id, ...p });
  }
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO traces (trace_id, experiment_id, client_request_id, timestamp_ms, execution_time_ms, state)
       SELECT trace_id, 1, client_request_id, timestamp_ms, execution_time_ms, state FROM json_to_recordset($1::json)
         AS x(trace_id text, client_request_id text, timestamp_ms bigint, execution_time_ms bigint, state text)`,
      [JSON.stringify(traces)],
    );
    const keyed = (table: string, columns: string, select: string, types: string, data: object[]) =>
      client.query(
        `INSERT INTO ${table} (trace_key, ${columns}) SELECT t.trace_key, ${select} FROM json_to_recordset($1::json) AS x(trace_id text, ${types})
         JOIN traces t ON t.trace_id = x.trace_id`,
        [JSON.stringify(data)],
      );
    await keyed('trace_tags', 'key, value', 'x.key, x.value', 'key text, value text', rows.tags);
    await keyed('trace_metadata', 'key, value', 'x.key, x.value', 'key text, value text', rows.meta);
    await keyed(
      'spans',
      'span_id, experiment_id, name, type, status, start_time_ns, content',
      'x.span_id, 1, x.name, x.type, x.status, 0, x.content',
      'span_id text, name text, type text, status text, content text',
      rows.spans,
    );
    await keyed(
      'assessments',
      'assessment_id, experiment_id, name, type, value, valid, metadata, source_type, create_time, last_update_time',
      "x.id, 1, x.name, x.type, x.value, x.valid, x.metadata, 'HUMAN', 0, 0",
      'id text, name text, type text, value text, valid boolean, metadata text',
      rows.assessments,
    );
    await keyed('trace_run_links', 'run_id', 'x.run_id', 'run_id text', runs);
    await keyed('trace_prompt_links', 'name, version', 'x.name, x.version', 'name text, version text', prompts);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

function checked(text: string): CheckedFilter | null {
  const r = checkFilter(text, 'extended');
  if (!r.ok) throw new Error(`filter rejected: ${text}: ${r.diagnostic.message}`);
  return r.expr;
}

/** Matches of both compiler modes on PostgreSQL (they must agree), scoped to the experiment as the store does. */
async function sqlMatches(text: string): Promise<string[]> {
  const expr = checked(text);
  const run = async (mode: 'membership' | 'correlated') => {
    const { sql, params } = compileFilter(expr, {
      dialect: postgresDialect,
      schema: POSTGRES_TRACE_SCHEMA,
      mode,
      startIndex: 2,
      experimentIds: [1],
    });
    const { rows } = await pool.query<{ id: string }>(
      `SELECT t.trace_id AS id FROM traces t WHERE t.experiment_id = $1 AND ${sql} ORDER BY t.trace_id`,
      [1, ...params],
    );
    return rows.map((r) => r.id);
  };
  const membership = await run('membership');
  const correlated = await run('correlated');
  if (correlated.join() !== membership.join())
    throw new Error(`compiler modes disagree on ${text}: ${membership.join()} vs ${correlated.join()}`);
  return membership;
}

function evalMatches(text: string, traces: EvalTrace[]): string[] {
  const expr = checked(text);
  return traces
    .filter((t) => evaluateFilter(expr, t, re2Search))
    .map((t) => t.trace_id)
    .sort();
}

describe('filter on PostgreSQL: SQL compiler vs reference evaluator', () => {
  it('select the same traces for random filters over random traces', { timeout: 120_000 }, async () => {
    let cases = 0;
    await fc.assert(
      fc.asyncProperty(tracesArb, fc.array(filterArb, { minLength: 25, maxLength: 25 }), async (traces, filters) => {
        await load(traces);
        const disagreements: { f: string; sql: string[]; evaluator: string[] }[] = [];
        for (const f of filters) {
          const sql = await sqlMatches(f);
          const evaluator = evalMatches(f, traces);
          if (sql.join() !== evaluator.join()) disagreements.push({ f, sql, evaluator });
        }
        expect(disagreements).toEqual([]);
        cases += filters.length;
      }),
      { seed: 20261202, numRuns: 40 },
    );
    expect(cases).toBe(1000);
  });
});
