import { describe, expect, it } from 'vitest';
import { checkFilter } from './check-filter.ts';
import { compileFilter } from './compile-filter.ts';
import { postgresDialect, sqliteDialect, type SqlDialect } from './sql-dialect.ts';

function compile(text: string, dialect: SqlDialect = sqliteDialect, start = 1): { sql: string; params: unknown[] } {
  const r = checkFilter(text, 'extended');
  if (!r.ok) throw new Error(r.diagnostic.message);
  return compileFilter(r.expr, dialect, start);
}

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
      't.trace_id IN (SELECT trace_id FROM trace_tags WHERE key = ? AND value = ?)',
      ['env', 'prod'],
    ],
    ['metadata.env IS NULL', 't.trace_id NOT IN (SELECT trace_id FROM trace_metadata WHERE key = ?)', ['env']],
    [
      "run_id = 'r1'",
      't.trace_id IN (SELECT trace_id FROM trace_metadata WHERE key = ? AND value = ? UNION SELECT trace_id FROM trace_run_links WHERE run_id = ?)',
      ['mlflow.sourceRun', 'r1', 'r1'],
    ],
    [
      "span.name = 'a' AND span.status = 'OK'",
      't.trace_id IN (SELECT s.trace_id FROM spans s WHERE s.name = ? AND s.status = ?)',
      ['a', 'OK'],
    ],
    [
      "feedback.rel = 'yes'",
      't.trace_id IN (SELECT trace_id FROM assessments WHERE name = ? AND type = ? AND valid = 1 AND value IN (?, ?)' +
        ' UNION SELECT m.trace_id FROM trace_metadata m WHERE m.key = ? AND m.value IN' +
        ' (SELECT (CASE WHEN json_valid(metadata) THEN json_extract(metadata, ?) END) FROM assessments' +
        ' WHERE name = ? AND type = ? AND valid = 1 AND value IN (?, ?) AND instr(metadata, ?) > 0))',
      [
        'rel',
        'feedback',
        'yes',
        '"yes"',
        'mlflow.trace.session',
        '$."mlflow.trace.session"',
        'rel',
        'feedback',
        'yes',
        '"yes"',
        'mlflow.trace.session',
      ],
    ],
    [
      "prompt = 'qa/2'",
      't.trace_id IN (SELECT trace_id FROM trace_prompt_links WHERE name = ? AND version = ?)',
      ['qa', '2'],
    ],
    [
      "issue.id = 'loop'",
      't.trace_id IN (SELECT trace_id FROM assessments WHERE name = ? AND type = ? AND valid = 1)',
      ['loop', 'issue'],
    ],
  ])('%s', (text, sql, params) => {
    expect(compile(text)).toEqual({ sql, params });
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

  it('numbers PostgreSQL placeholders from startIndex', () => {
    expect(compile("tag.env LIKE 'p%' AND status ILIKE 'o%' AND status RLIKE 'x'", postgresDialect, 4)).toEqual({
      sql: "(t.trace_id IN (SELECT trace_id FROM trace_tags WHERE key = $4 AND value LIKE $5 ESCAPE '') AND t.state ILIKE $6 ESCAPE '' AND t.state ~ $7)",
      params: ['env', 'p%', 'o%', 'x'],
    });
  });

  it('never puts values in the SQL text', () => {
    const r = compile("tag.`x'; DROP TABLE traces; --` = 'a''b' AND span.attributes.`\"q` = '\"'");
    expect(r.sql).not.toContain('DROP');
    expect(r.sql).not.toContain("a''b");
  });

  it('refuses an AST with errors', () => {
    const r = checkFilter('status', 'extended');
    expect(r.ok).toBe(false);
  });
});
