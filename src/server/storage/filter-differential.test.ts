// Differential test: the SQL compiler on a real SQLite database and the in-memory reference
// evaluator must select the same traces for random filters over random traces.
import Database from 'better-sqlite3';
import * as fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { checkFilter } from '../../core/filter/check-filter.ts';
import { compileFilter } from '../../core/filter/compile-filter.ts';
import { compileOrderBy } from '../../core/filter/compile-order-by.ts';
import { evaluateFilter, type EvalAssessment, type EvalTrace } from '../../core/filter/evaluate-filter.ts';
import { parseOrderBy } from '../../core/filter/parse-order-by.ts';
import { sqliteDialect } from '../../core/filter/sql-dialect.ts';
import { filterArb, tracesArb, type GeneratedAssessment } from '../../core/filter/filter-arbitraries.test.ts';
import { MIGRATIONS } from './migrations.ts';
import { registerSqliteFunctions } from './sqlite-functions.ts';

function openDb(): Database.Database {
  const db = new Database(':memory:');
  db.pragma('case_sensitive_like = ON');
  registerSqliteFunctions(db);
  for (const m of MIGRATIONS) db.exec(m.sql);
  db.prepare('INSERT INTO experiments (experiment_id, name, artifact_location, creation_time, last_update_time) VALUES (1, ?, ?, 0, 0)').run('e', 'x');
  return db;
}

const db = openDb();
afterAll(() => db.close());

const insert = {
  trace: db.prepare('INSERT INTO traces (trace_id, experiment_id, client_request_id, timestamp_ms, execution_time_ms, state) VALUES (?, 1, ?, ?, ?, ?)'),
  tag: db.prepare('INSERT INTO trace_tags (trace_id, key, value) VALUES (?, ?, ?)'),
  meta: db.prepare('INSERT INTO trace_metadata (trace_id, key, value) VALUES (?, ?, ?)'),
  span: db.prepare('INSERT INTO spans (trace_id, span_id, name, type, status, start_time_ns, content) VALUES (?, ?, ?, ?, ?, 0, ?)'),
  assessment: db.prepare(
    "INSERT INTO assessments (assessment_id, trace_id, name, type, value, valid, metadata, source_type, create_time, last_update_time) VALUES (?, ?, ?, ?, ?, ?, ?, 'HUMAN', 0, 0)",
  ),
  run: db.prepare('INSERT INTO trace_run_links (trace_id, run_id) VALUES (?, ?)'),
  prompt: db.prepare('INSERT INTO trace_prompt_links (trace_id, name, version) VALUES (?, ?, ?)'),
};

const load = db.transaction((traces: EvalTrace[]) => {
  for (const table of ['trace_prompt_links', 'trace_run_links', 'assessments', 'spans', 'trace_metadata', 'trace_tags', 'traces']) db.exec(`DELETE FROM ${table}`);
  let n = 0;
  for (const t of traces) {
    insert.trace.run(t.trace_id, t.client_request_id, t.timestamp_ms, t.execution_time_ms, t.state);
    for (const [k, v] of Object.entries(t.tags)) insert.tag.run(t.trace_id, k, v);
    for (const [k, v] of Object.entries(t.metadata)) insert.meta.run(t.trace_id, k, v);
    t.spans.forEach((s, i) => insert.span.run(t.trace_id, `s${i}`, s.name, s.type, s.status, s.content));
    for (const a of t.assessments as (EvalAssessment & Partial<GeneratedAssessment>)[]) {
      const metadata = a.session ? JSON.stringify({ 'mlflow.assessment.sourceRunId': 'r9', 'mlflow.trace.session': a.session }) : null;
      insert.assessment.run(`a${n++}`, t.trace_id, a.name, a.type, a.value, a.valid ? 1 : 0, metadata);
    }
    for (const r of t.run_ids) insert.run.run(t.trace_id, r);
    for (const p of t.prompts) insert.prompt.run(t.trace_id, p.name, p.version);
  }
});

function sqlMatches(text: string): string[] {
  const r = checkFilter(text, 'extended');
  if (!r.ok) throw new Error(`generated filter rejected: ${text}: ${r.diagnostic.message}`);
  const { sql, params } = compileFilter(r.expr, sqliteDialect);
  const rows = db.prepare(`SELECT t.trace_id AS id FROM traces t WHERE ${sql} ORDER BY t.trace_id`).all(...params) as { id: string }[];
  return rows.map((row) => row.id);
}

function evalMatches(text: string, traces: EvalTrace[]): string[] {
  const r = checkFilter(text, 'extended');
  if (!r.ok) throw new Error(r.diagnostic.message);
  return traces
    .filter((t) => evaluateFilter(r.expr, t))
    .map((t) => t.trace_id)
    .sort();
}

describe('filter: SQL compiler vs reference evaluator', () => {
  it('select the same traces for random filters over random traces', { timeout: 60_000 }, () => {
    fc.assert(
      fc.property(tracesArb, fc.array(filterArb, { minLength: 25, maxLength: 25 }), (traces, filters) => {
        load(traces);
        for (const f of filters) expect({ f, sql: sqlMatches(f) }).toEqual({ f, sql: evalMatches(f, traces) });
      }),
      { seed: 20260401, numRuns: 160 },
    );
  });

  it('matches hand-picked semantics', () => {
    const traces: EvalTrace[] = [
      {
        trace_id: 'tr-0',
        client_request_id: null,
        timestamp_ms: 10,
        execution_time_ms: 5,
        state: 'OK',
        tags: { env: 'prod' },
        metadata: { 'mlflow.sourceRun': 'r1' },
        spans: [
          { name: 'a', type: 'LLM', status: 'OK', content: '{"name":"a"}', attributes: {} },
          { name: 'b', type: 'TOOL', status: 'ERROR', content: JSON.stringify({ name: 'b', attributes: { model: '"gpt-4"' } }), attributes: { model: '"gpt-4"' } },
        ],
        assessments: [{ name: 'rel', type: 'feedback', value: 'true', valid: true }],
        run_ids: [],
        prompts: [],
      },
      {
        trace_id: 'tr-1',
        client_request_id: 'c',
        timestamp_ms: 20,
        execution_time_ms: null,
        state: 'ERROR',
        tags: {},
        metadata: {},
        spans: [],
        assessments: [{ name: 'rel', type: 'feedback', value: '"high"', valid: false }],
        run_ids: ['r1'],
        prompts: [{ name: 'qa', version: '1' }],
      },
    ];
    load(traces);
    const cases: [string, string[]][] = [
      ["span.name = 'a' AND span.status = 'ERROR'", []],
      ["span.name = 'b' AND span.status = 'ERROR'", ['tr-0']],
      ["span.name = 'a' OR span.status = 'ERROR'", ['tr-0']],
      ["span.name != 'a'", ['tr-0']],
      ["span.attributes.model = 'gpt-4'", ['tr-0']],
      ["run_id = 'r1'", ['tr-0', 'tr-1']],
      ["run_id LIKE 'r1'", ['tr-0']],
      ["tag.env != 'dev'", ['tr-0']],
      ['tag.env IS NULL', ['tr-1']],
      ["client_request_id != 'x'", ['tr-1']],
      ["NOT client_request_id = 'c'", ['tr-0']],
      ["feedback.rel = 'true'", ['tr-0']],
      ["feedback.rel = 'high'", []],
      ['feedback.rel IS NULL', ['tr-1']],
      ["prompt = 'qa/1'", ['tr-1']],
      ['end_time_ms >= 15', ['tr-0', 'tr-1']],
      ["status LIKE 'o%'", []],
      ["status ILIKE 'o%'", ['tr-0']],
      ["status RLIKE '^E'", ['tr-1']],
      ["status RLIKE '['", []],
    ];
    for (const [f, expected] of cases) {
      expect({ f, sql: sqlMatches(f), evaluator: evalMatches(f, traces) }).toEqual({ f, sql: expected, evaluator: expected });
    }
  });

  it('applies session-scoped assessments to every trace of the session', () => {
    const base = { client_request_id: null, timestamp_ms: 0, execution_time_ms: null, state: 'OK', tags: {}, spans: [], run_ids: [], prompts: [] };
    const shared: GeneratedAssessment = { name: 'rel', type: 'feedback', value: 'true', valid: true, session: 's1' };
    const traces = [
      { ...base, trace_id: 'tr-0', metadata: { 'mlflow.trace.session': 's1' }, assessments: [shared] },
      { ...base, trace_id: 'tr-1', metadata: { 'mlflow.trace.session': 's1' }, assessments: [], session_assessments: [shared] },
      { ...base, trace_id: 'tr-2', metadata: { 'mlflow.trace.session': 's2' }, assessments: [] },
    ];
    load(traces);
    for (const [f, expected] of [
      ["feedback.rel = 'true'", ['tr-0', 'tr-1']],
      ['feedback.rel IS NULL', ['tr-2']],
    ] as const) {
      expect({ f, sql: sqlMatches(f), evaluator: evalMatches(f, traces) }).toEqual({ f, sql: expected, evaluator: expected });
    }
  });

  it('compiles order_by to expressions that run', () => {
    const r = parseOrderBy(['tag.env DESC', 'name', 'end_time']);
    expect(r.ok).toBe(true);
    const terms = r.ok ? compileOrderBy(r.terms, sqliteDialect) : [];
    const sql = `SELECT t.trace_id FROM traces t ORDER BY ${terms.map((t) => `${t.sql} ${t.ascending ? 'ASC' : 'DESC'}`).join(', ')}`;
    expect(() => db.prepare(sql).all(...terms.flatMap((t) => t.params))).not.toThrow();
  });
});
