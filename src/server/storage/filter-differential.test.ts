// Differential test of the one filter semantics (src/core/filter/compare-rules.ts) across its three
// evaluators: the SQL compiler (both modes) on a real SQLite database, the in-memory reference
// evaluator, and the metrics accelerator's column mask (metrics-filter-mask.ts, for the filters
// its columns hold). All must select the same traces for random filters over random traces.
import Database from 'better-sqlite3';
import * as fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { checkFilter } from '../../core/filter/check-filter.ts';
import { evaluateFilter, type EvalAssessment, type EvalTrace } from '../../core/filter/evaluate-filter.ts';
import { re2Search } from '../re2-search.ts';
import { parseOrderBy } from '../../core/filter/parse-order-by.ts';
import { quoteValue } from '../../core/filter/quote.ts';
import {
  columnComparisonArb,
  filterArb,
  filterOf,
  tracesArb,
  type GeneratedAssessment,
} from '../../core/filter/filter-arbitraries.test.ts';
import type { CheckedFilter } from '../../core/filter/check-filter.ts';
import { columnFilterMask, type FilterColumns } from './metrics-filter-mask.ts';
import { openSqlite } from './open-sqlite.ts';
import { compileFilter } from './sql/compile-filter.ts';
import { compileOrderBy } from './sql/compile-order-by.ts';
import { sqliteDialect } from './sql/sql-dialect.ts';

function openDb(): Database.Database {
  // The server's own connection setup (LIKE semantics, regexp()) and migration runner.
  const db = openSqlite(':memory:');
  db.prepare(
    'INSERT INTO experiments (experiment_id, name, artifact_location, creation_time, last_update_time) VALUES (1, ?, ?, 0, 0)',
  ).run('e', 'x');
  return db;
}

const db = openDb();
afterAll(() => db.close());

const insert = {
  trace: db.prepare(
    'INSERT INTO traces (trace_id, experiment_id, client_request_id, timestamp_ms, execution_time_ms, state) VALUES (?, 1, ?, ?, ?, ?)',
  ),
  tag: db.prepare('INSERT INTO trace_tags (trace_key, key, value) VALUES (?, ?, ?)'),
  meta: db.prepare('INSERT INTO trace_metadata (trace_key, key, value) VALUES (?, ?, ?)'),
  span: db.prepare(
    'INSERT INTO spans (trace_key, span_id, name, type, status, start_time_ns, content) VALUES (?, ?, ?, ?, ?, 0, ?)',
  ),
  assessment: db.prepare(
    "INSERT INTO assessments (assessment_id, trace_key, name, type, value, valid, metadata, source_type, create_time, last_update_time) VALUES (?, ?, ?, ?, ?, ?, ?, 'HUMAN', 0, 0)",
  ),
  run: db.prepare('INSERT INTO trace_run_links (trace_key, run_id) VALUES (?, ?)'),
  prompt: db.prepare('INSERT INTO trace_prompt_links (trace_key, name, version) VALUES (?, ?, ?)'),
};

const load = db.transaction((traces: EvalTrace[]) => {
  for (const table of [
    'trace_prompt_links',
    'trace_run_links',
    'assessments',
    'spans',
    'trace_metadata',
    'trace_tags',
    'traces',
  ])
    db.exec(`DELETE FROM ${table}`);
  let n = 0;
  for (const t of traces) {
    const key = insert.trace.run(
      t.trace_id,
      t.client_request_id,
      t.timestamp_ms,
      t.execution_time_ms,
      t.state,
    ).lastInsertRowid;
    for (const [k, v] of Object.entries(t.tags)) insert.tag.run(key, k, v);
    for (const [k, v] of Object.entries(t.metadata)) insert.meta.run(key, k, v);
    t.spans.forEach((s, i) => insert.span.run(key, `s${i}`, s.name, s.type, s.status, s.content));
    for (const a of t.assessments as (EvalAssessment & Partial<GeneratedAssessment>)[]) {
      const metadata = a.session
        ? JSON.stringify({ 'mlflow.assessment.sourceRunId': 'r9', 'mlflow.trace.session': a.session })
        : null;
      insert.assessment.run(`a${n++}`, key, a.name, a.type, a.value, a.valid ? 1 : 0, metadata);
    }
    for (const r of t.run_ids) insert.run.run(key, r);
    for (const p of t.prompts) insert.prompt.run(key, p.name, p.version);
  }
});

function checked(text: string): CheckedFilter | null {
  const r = checkFilter(text, 'extended');
  if (!r.ok) throw new Error(`filter rejected: ${text}: ${r.diagnostic.message}`);
  return r.expr;
}

/** Matches of both compiler modes; the correlated form must select what the membership form selects. */
function sqlMatches(text: string, expr = checked(text)): string[] {
  const run = (mode: 'membership' | 'correlated') => {
    const { sql, params } = compileFilter(expr, { dialect: sqliteDialect, mode });
    const rows = db
      .prepare(`SELECT t.trace_id AS id FROM traces t WHERE ${sql} ORDER BY t.trace_id`)
      .all(...params) as {
      id: string;
    }[];
    return rows.map((row) => row.id);
  };
  const membership = run('membership');
  const correlated = run('correlated');
  if (correlated.join() !== membership.join())
    throw new Error(`compiler modes disagree on ${text}: ${membership.join()} vs ${correlated.join()}`);
  return membership;
}

function evalMatches(text: string, traces: EvalTrace[], expr = checked(text)): string[] {
  return traces
    .filter((t) => evaluateFilter(expr, t, re2Search))
    .map((t) => t.trace_id)
    .sort();
}

const STATE_NAMES = ['', 'OK', 'ERROR', 'IN_PROGRESS', 'STATE_UNSPECIFIED'];

/** The accelerator's columns for these traces (rowid = index), built as metrics-columns.ts loads them. */
function columnsOf(traces: EvalTrace[]): FilterColumns {
  const dims = new Map<string, { codes: Int32Array; dict: string[] }>();
  return {
    capacity: traces.length,
    state: Uint8Array.from(traces, (t) => STATE_NAMES.indexOf(t.state)),
    stateNames: STATE_NAMES,
    ts: Float64Array.from(traces, (t) => t.timestamp_ms),
    dur: Float64Array.from(traces, (t) => t.execution_time_ms ?? Number.NaN),
    column(kind, key) {
      const name = `${kind}\u0000${key}`;
      let col = dims.get(name);
      if (!col) {
        const dict: string[] = [];
        const codes = Int32Array.from(traces, (t) => {
          const record = kind === 'tag' ? t.tags : t.metadata;
          if (!Object.hasOwn(record, key)) return -1;
          const at = dict.indexOf(record[key]);
          return at >= 0 ? at : dict.push(record[key]) - 1;
        });
        col = { codes, dict };
        dims.set(name, col);
      }
      return col;
    },
  };
}

/** The column mask's matches, or undefined when the filter needs SQL. */
function columnMatches(expr: CheckedFilter | null, traces: EvalTrace[]): string[] | undefined {
  if (expr === null) return traces.map((t) => t.trace_id).sort();
  const mask = columnFilterMask(expr, new Uint8Array(traces.length).fill(1), columnsOf(traces));
  if (mask === undefined) return undefined;
  return traces
    .filter((_, i) => mask[i] === 1)
    .map((t) => t.trace_id)
    .sort();
}

// 10,000 filters per run (the issue's floor for a property), as 250 random trace sets x 40 filters.
// What keeps it quick is one parse and no deep toEqual per filter; the set/filter split matters little.
const TRACE_SETS = 250;
const FILTERS_PER_SET = 40;

/** Runs the three evaluators on every filter; returns how many filters the columns answered. */
function agreeOn(traces: EvalTrace[], filters: string[]): number {
  load(traces);
  // One expect per trace set: a deep toEqual per filter costs more than the queries themselves.
  const disagreements: { f: string; sql: string[]; evaluator: string[]; columns?: string[] }[] = [];
  let byColumns = 0;
  for (const f of filters) {
    const expr = checked(f);
    const sql = sqlMatches(f, expr);
    const evaluator = evalMatches(f, traces, expr);
    const columns = columnMatches(expr, traces);
    if (columns) byColumns++;
    if (sql.join() !== evaluator.join() || (columns && columns.join() !== sql.join()))
      disagreements.push({ f, sql, evaluator, columns });
  }
  expect(disagreements).toEqual([]);
  return byColumns;
}

describe('filter: SQL compiler vs reference evaluator vs metrics columns', () => {
  it('select the same traces for random filters over random traces', { timeout: 60_000 }, () => {
    let cases = 0;
    fc.assert(
      fc.property(
        tracesArb,
        fc.array(filterArb, { minLength: FILTERS_PER_SET, maxLength: FILTERS_PER_SET }),
        (traces, filters) => {
          agreeOn(traces, filters);
          cases += filters.length;
        },
      ),
      { seed: 20260401, numRuns: TRACE_SETS },
    );
    expect(cases).toBeGreaterThanOrEqual(10_000);
  });

  it('agree on random filters over the fields the metrics columns hold', { timeout: 60_000 }, () => {
    let cases = 0;
    let byColumns = 0;
    fc.assert(
      fc.property(
        tracesArb,
        fc.array(filterOf(columnComparisonArb), { minLength: FILTERS_PER_SET, maxLength: FILTERS_PER_SET }),
        (traces, filters) => {
          byColumns += agreeOn(traces, filters);
          cases += filters.length;
        },
      ),
      { seed: 20260403, numRuns: 100 },
    );
    // Every such filter is one the columns answer themselves (no SQL fallback).
    expect(byColumns).toBe(cases);
  });

  it('compares a quoted value with a numeric attribute as SQLite does (property)', () => {
    // The reference is SQLite itself: the raw text bound against the INTEGER column, which SQLite
    // converts when it reads as a number and otherwise compares as text (after every number).
    const base = {
      tags: {},
      metadata: {},
      spans: [],
      assessments: [],
      run_ids: [],
      prompts: [],
      client_request_id: null,
      state: 'OK',
    };
    const traces: EvalTrace[] = [-3, 0, 5, 10, 100].map((ts, i) => ({
      ...base,
      trace_id: `tr-${i}`,
      timestamp_ms: ts,
      execution_time_ms: i === 2 ? null : ts,
    }));
    load(traces);
    const numberish = fc
      .array(
        fc.constantFrom('0', '1', '5', '10', '.', 'e', 'E', '+', '-', ' ', '\t', '\n', 'x', 'a', '\u00a0', 'inf'),
        { maxLength: 7 },
      )
      .map((xs) => xs.join(''));
    fc.assert(
      fc.property(
        numberish,
        fc.constantFrom('timestamp_ms', 'execution_time_ms'),
        fc.constantFrom('=', '!=', '<', '<=', '>', '>='),
        (value, column, op) => {
          const f = `${column} ${op} ${quoteValue(value)}`;
          const native = (
            db.prepare(`SELECT trace_id AS id FROM traces WHERE ${column} ${op} ? ORDER BY trace_id`).all(value) as {
              id: string;
            }[]
          ).map((r) => r.id);
          const expr = checked(f);
          expect({
            f,
            sql: sqlMatches(f, expr),
            evaluator: evalMatches(f, traces, expr),
            columns: columnMatches(expr, traces),
          }).toEqual({ f, sql: native, evaluator: native, columns: native });
        },
      ),
      { seed: 20260402, numRuns: 10_000 },
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
          {
            name: 'b',
            type: 'TOOL',
            status: 'ERROR',
            content: JSON.stringify({ name: 'b', attributes: { model: '"gpt-4"' } }),
            attributes: { model: '"gpt-4"' },
          },
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
      // quoted values on numeric attributes: numerals compare as numbers, anything else as text above every number
      ["timestamp_ms = ' 10 '", ['tr-0']],
      ["timestamp_ms = '0x0A'", []],
      ["timestamp_ms = 'abc'", []],
      ["timestamp_ms <= 'abc'", ['tr-0', 'tr-1']],
      ["timestamp_ms > 'abc'", []],
      ["execution_time_ms < 'abc'", ['tr-0']],
      ["NOT execution_time_ms < 'abc'", ['tr-1']],
      ["end_time_ms != ''", ['tr-0', 'tr-1']],
    ];
    for (const [f, expected] of cases) {
      const columns = columnMatches(checked(f), traces);
      expect({ f, sql: sqlMatches(f), evaluator: evalMatches(f, traces), columns: columns ?? expected }).toEqual({
        f,
        sql: expected,
        evaluator: expected,
        columns: expected,
      });
    }
  });

  it('applies session-scoped assessments to every trace of the session', () => {
    const base = {
      client_request_id: null,
      timestamp_ms: 0,
      execution_time_ms: null,
      state: 'OK',
      tags: {},
      spans: [],
      run_ids: [],
      prompts: [],
    };
    const shared: GeneratedAssessment = { name: 'rel', type: 'feedback', value: 'true', valid: true, session: 's1' };
    const traces = [
      { ...base, trace_id: 'tr-0', metadata: { 'mlflow.trace.session': 's1' }, assessments: [shared] },
      {
        ...base,
        trace_id: 'tr-1',
        metadata: { 'mlflow.trace.session': 's1' },
        assessments: [],
        session_assessments: [shared],
      },
      { ...base, trace_id: 'tr-2', metadata: { 'mlflow.trace.session': 's2' }, assessments: [] },
    ];
    load(traces);
    for (const [f, expected] of [
      ["feedback.rel = 'true'", ['tr-0', 'tr-1']],
      ['feedback.rel IS NULL', ['tr-2']],
    ] as const) {
      expect({ f, sql: sqlMatches(f), evaluator: evalMatches(f, traces) }).toEqual({
        f,
        sql: expected,
        evaluator: expected,
      });
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
