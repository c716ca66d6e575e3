// The SQL shapes the compiler emits: values only as parameters, identifiers from the schema
// description, the planner-friendly shapes described in compile-filter.ts, both modes and both
// dialects. (Whether the SQL selects the right traces is filter-differential.test.ts's job.)
import { describe, expect, it } from 'vitest';
import { checkFilter } from '../../../core/filter/check-filter.ts';
import { parseOrderBy } from '../../../core/filter/parse-order-by.ts';
import { compileFilter, type CompileOptions } from './compile-filter.ts';
import { compileOrderBy } from './compile-order-by.ts';
import { postgresDialect, sqliteDialect } from './sql-dialect.ts';
import { POSTGRES_TRACE_SCHEMA } from './trace-schema.ts';

function compile(text: string, options: Partial<CompileOptions> = {}): { sql: string; params: unknown[] } {
  const r = checkFilter(text, 'extended');
  if (!r.ok) throw new Error(r.diagnostic.message);
  return compileFilter(r.expr, { dialect: sqliteDialect, ...options });
}

const SESSION_PARAMS = ['mlflow.trace.session', '$."mlflow.trace.session"', 'rel', 'feedback', 'yes', '"yes"'];

describe('compileFilter', () => {
  it.each([
    ['', '1 = 1', []],
    ["status = 'OK'", 't.state = ?', ['OK']],
    ["client_request_id != 'c'", '(t.client_request_id IS NOT NULL AND t.client_request_id != ?)', ['c']],
    ["timestamp_ms > '5'", 't.timestamp_ms > ?', [5]],
    ['timestamp_ms > 2.5', 't.timestamp_ms > ?', [2]],
    ['timestamp_ms >= 2.5', 't.timestamp_ms >= ?', [3]],
    ['timestamp_ms = 2.5', '1 = 0', []],
    ["timestamp_ms > ' 1e2 '", 't.timestamp_ms > ?', [100]],
    // quoted non-numbers stay text in SQLite's comparison, above every number: folded, never bound
    ["timestamp_ms = 'abc'", '1 = 0', []],
    ["timestamp_ms >= '0x64'", '1 = 0', []],
    ["timestamp_ms < 'abc'", 't.timestamp_ms IS NOT NULL', []],
    ["execution_time_ms != ''", '(t.execution_time_ms IS NOT NULL AND t.execution_time_ms IS NOT NULL)', []],
    ['end_time <= 9', '(t.timestamp_ms + COALESCE(t.execution_time_ms, 0)) <= ?', [9]],
    ["status IN ('OK', 'ERROR')", 't.state IN (?, ?)', ['OK', 'ERROR']],
    ["status ILIKE 'o%'", 'LOWER(t.state) LIKE LOWER(?)', ['o%']],
    ["status RLIKE '^E'", 't.state REGEXP ?', ['^E']],
    [
      "tag.env = 'prod'",
      't.trace_key IN (SELECT x.trace_key FROM trace_tags x WHERE x.key = ? AND x.value = ?)',
      ['env', 'prod'],
    ],
    ['metadata.env IS NULL', 't.trace_key NOT IN (SELECT x.trace_key FROM trace_metadata x WHERE x.key = ?)', ['env']],
    [
      "run_id = 'r1'",
      't.trace_key IN (SELECT x.trace_key FROM trace_metadata x WHERE x.key = ? AND x.value = ? UNION SELECT r.trace_key FROM trace_run_links r WHERE r.run_id = ?)',
      ['mlflow.sourceRun', 'r1', 'r1'],
    ],
    [
      "span.name = 'a' AND span.status = 'OK'",
      't.trace_key IN (SELECT s.trace_key FROM spans s WHERE s.name = ? AND s.status = ?)',
      ['a', 'OK'],
    ],
    [
      "feedback.rel = 'yes'",
      't.trace_key IN (SELECT a.trace_key FROM assessments a WHERE a.name = ? AND a.type = ? AND a.valid = 1 AND a.value IN (?, ?)' +
        ' UNION SELECT m.trace_key FROM trace_metadata m WHERE m.key = ? AND m.value IN' +
        ' (SELECT (CASE WHEN json_valid(b.metadata) THEN json_extract(b.metadata, ?) END) FROM assessments b' +
        ' WHERE b.name = ? AND b.type = ? AND b.valid = 1 AND b.value IN (?, ?) AND instr(b.metadata, ?) > 0))',
      ['rel', 'feedback', 'yes', '"yes"', ...SESSION_PARAMS, 'mlflow.trace.session'],
    ],
    [
      "prompt = 'qa/2'",
      't.trace_key IN (SELECT l.trace_key FROM trace_prompt_links l WHERE l.name = ? AND l.version = ?)',
      ['qa', '2'],
    ],
    [
      "issue.id = 'loop'",
      't.trace_key IN (SELECT a.trace_key FROM assessments a WHERE a.name = ? AND a.type = ? AND a.valid = 1)',
      ['loop', 'issue'],
    ],
  ])('%s', (text, sql, params) => {
    expect(compile(text)).toEqual({ sql, params });
  });

  it.each([
    [
      "tag.env = 'prod'",
      'EXISTS (SELECT 1 FROM trace_tags x WHERE x.trace_key = t.trace_key AND x.key = ? AND x.value = ?)',
      ['env', 'prod'],
    ],
    [
      'tag.env IS NULL',
      'NOT EXISTS (SELECT 1 FROM trace_tags x WHERE x.trace_key = t.trace_key AND x.key = ?)',
      ['env'],
    ],
    [
      "span.name = 'a' AND span.attributes.k = 'v'",
      'EXISTS (SELECT 1 FROM spans s WHERE s.trace_key = t.trace_key AND s.name = ? AND EXISTS (SELECT 1 FROM' +
        " json_each(s.content, '$.attributes') j WHERE j.key = ? AND (CASE WHEN json_valid(j.value) THEN (CASE WHEN" +
        " json_type(j.value) = 'text' THEN json_extract(j.value, '$') ELSE j.value END) ELSE j.value END) = ?))",
      ['a', 'k', 'v'],
    ],
    [
      "run_id = 'r1'",
      '(EXISTS (SELECT 1 FROM trace_metadata x WHERE x.trace_key = t.trace_key AND x.key = ? AND x.value = ?)' +
        ' OR EXISTS (SELECT 1 FROM trace_run_links x WHERE x.trace_key = t.trace_key AND x.run_id = ?))',
      ['mlflow.sourceRun', 'r1', 'r1'],
    ],
    [
      "feedback.rel != 'yes'",
      '(EXISTS (SELECT 1 FROM assessments a WHERE a.trace_key = t.trace_key AND a.name = ? AND a.type = ? AND a.valid = 1 AND a.value NOT IN (?, ?))' +
        ' OR EXISTS (SELECT 1 FROM trace_metadata m WHERE m.trace_key = t.trace_key AND m.key = ? AND m.value IN' +
        ' (SELECT (CASE WHEN json_valid(b.metadata) THEN json_extract(b.metadata, ?) END) FROM assessments b' +
        ' WHERE b.name = ? AND b.type = ? AND b.valid = 1 AND b.value NOT IN (?, ?) AND instr(b.metadata, ?) > 0)))',
      ['rel', 'feedback', 'yes', '"yes"', ...SESSION_PARAMS, 'mlflow.trace.session'],
    ],
    [
      "status = 'OK' AND NOT tag.a = 'b'",
      '(t.state = ? AND NOT (EXISTS (SELECT 1 FROM trace_tags x WHERE x.trace_key = t.trace_key AND x.key = ? AND x.value = ?)))',
      ['OK', 'a', 'b'],
    ],
  ])('correlated: %s', (text, sql, params) => {
    expect(compile(text, { mode: 'correlated' })).toEqual({ sql, params });
  });

  it('groups span clauses of one AND-chain, keeping parameter order', () => {
    const r = compile("span.name = 'a' AND tag.x = 'y' AND (span.attributes.`m.k` = 'v')");
    expect(r.params).toEqual(['a', 'm.k', 'v', 'x', 'y']);
    expect(r.sql.match(/FROM spans/g)).toHaveLength(1);
  });

  it('keeps span clauses separate across OR and NOT', () => {
    expect(compile("span.name = 'a' OR span.name = 'b'").sql.match(/FROM spans/g)).toHaveLength(2);
    expect(compile("NOT span.name = 'a' AND span.status = 'OK'").sql.match(/FROM spans/g)).toHaveLength(2);
  });

  it('spells the PostgreSQL dialect: $n from startIndex, no LIKE escape, ASCII-only ILIKE, guarded ~, boolean flags', () => {
    expect(
      compile("tag.env LIKE 'p%' AND status ILIKE 'o%' AND status RLIKE 'x'", {
        dialect: postgresDialect,
        startIndex: 4,
      }),
    ).toEqual({
      sql:
        "(t.trace_key IN (SELECT x.trace_key FROM trace_tags x WHERE x.key = $4 AND x.value LIKE $5 ESCAPE '')" +
        " AND (t.state ILIKE $6 ESCAPE '' AND translate(t.state, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') LIKE" +
        " translate($6, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') ESCAPE '')" +
        ' AND (CASE WHEN regex_is_valid($7) THEN t.state ~ $7 ELSE FALSE END))',
      params: ['env', 'p%', 'o%', 'x'],
    });
    expect(compile("issue.id = 'loop'", { dialect: postgresDialect }).sql).toBe(
      't.trace_key IN (SELECT a.trace_key FROM assessments a WHERE a.name = $1 AND a.type = $2 AND a.valid)',
    );
  });

  it('on the PostgreSQL schema: trace_key joins, left(…) index prefixes, experiment-scoped spans and assessments', () => {
    const pg = { dialect: postgresDialect, schema: POSTGRES_TRACE_SCHEMA, experimentIds: [7] };
    expect(compile("tag.env = 'prod'", pg)).toEqual({
      sql: 't.trace_key IN (SELECT x.trace_key FROM trace_tags x WHERE x.key = $1 AND left(x.value, 250) = left($2, 250) AND x.value = $2)',
      params: ['env', 'prod'],
    });
    expect(compile("span.name IN ('a', 'b')", { ...pg, mode: 'correlated' })).toEqual({
      sql:
        'EXISTS (SELECT 1 FROM spans s WHERE s.trace_key = t.trace_key AND s.experiment_id IN ($1) AND' +
        ' left(s.name, 250) IN (left($2, 250), left($3, 250)) AND s.name IN ($2, $3))',
      params: [7, 'a', 'b'],
    });
    expect(compile("issue.id = 'loop'", pg)).toEqual({
      sql:
        't.trace_key IN (SELECT a.trace_key FROM assessments a WHERE a.experiment_id IN ($1) AND' +
        ' left(a.name, 250) = left($2, 250) AND a.name = $2 AND a.type = $3 AND a.valid)',
      params: [7, 'loop', 'issue'],
    });
    // request_id is still the text id.
    expect(compile("request_id = 'tr-1'", pg).sql).toBe('t.trace_id = $1');
  });

  it('never puts values in the SQL text', () => {
    const r = compile("tag.`x'; DROP TABLE traces; --` = 'a''b' AND span.attributes.`\"q` = '\"'");
    expect(r.sql).not.toContain('DROP');
    expect(r.sql).not.toContain("a''b");
  });

  it('refuses an AST with errors', () => {
    const parsed = checkFilter('status', 'extended');
    expect(parsed.ok).toBe(false);
    const broken = { type: 'error' as const, from: 0, to: 1 };
    expect(() => compileFilter(broken, { dialect: sqliteDialect })).toThrow(/checkFilter first/);
  });
});

describe('compileOrderBy', () => {
  it('compiles the token-total extension key to a number read from the usage metadata, on both dialects', () => {
    const r = parseOrderBy(['total_tokens DESC']);
    const [pg] = r.ok ? compileOrderBy(r.terms, postgresDialect, 2) : [];
    expect(pg).toEqual({
      sql: "(SELECT (CASE WHEN jsonb_typeof(try_jsonb(o.value) -> 'total_tokens') = 'number' THEN (try_jsonb(o.value) ->> 'total_tokens')::double precision END) FROM trace_metadata o WHERE o.trace_key = t.trace_key AND o.key = $2)",
      params: ['mlflow.trace.tokenUsage'],
      ascending: false,
    });
    const [lite] = r.ok ? compileOrderBy(r.terms, sqliteDialect) : [];
    expect(lite.params).toEqual(['mlflow.trace.tokenUsage']);
  });

  it('compiles a feedback key to two terms (its number, then its text), each binding the name', () => {
    const r = parseOrderBy(['feedback.score DESC']);
    const terms = r.ok ? compileOrderBy(r.terms, postgresDialect, 4, POSTGRES_TRACE_SCHEMA) : [];
    expect(terms.slice(0, 2).map((t) => [t.params, t.ascending])).toEqual([
      [['score'], false],
      [['score'], false],
    ]);
    expect(terms[0].sql).toContain("a.name = $4 AND a.type = 'feedback' AND a.valid");
    expect(terms[0].sql).toContain('a.trace_key = t.trace_key');
    expect(terms[1].sql).toMatch(
      /^\(SELECT a\.value FROM assessments a .* a\.name = \$5 .*ORDER BY a\.create_time DESC, a\.assessment_id DESC LIMIT 1\)$/,
    );
    // The tie-breakers follow the two terms.
    expect(terms).toHaveLength(4);
  });

  it('compiles tags to correlated subqueries with numbered PostgreSQL placeholders', () => {
    const r = parseOrderBy(['tag.env', 'metadata.m DESC', 'end_time']);
    const terms = r.ok ? compileOrderBy(r.terms, postgresDialect, 3) : [];
    expect(terms).toEqual([
      {
        sql: '(SELECT o.value FROM trace_tags o WHERE o.trace_key = t.trace_key AND o.key = $3)',
        params: ['env'],
        ascending: true,
      },
      {
        sql: '(SELECT o.value FROM trace_metadata o WHERE o.trace_key = t.trace_key AND o.key = $4)',
        params: ['m'],
        ascending: false,
      },
      { sql: '(t.timestamp_ms + COALESCE(t.execution_time_ms, 0))', params: [], ascending: true },
      { sql: 't.timestamp_ms', params: [], ascending: false },
      { sql: 't.trace_id', params: [], ascending: true },
    ]);
  });
});
