import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../src/server/storage/migrations.ts';
import { findSchemaNames, schemaNamesOf } from './schema-names.ts';

const schema = { tables: [] as string[], indexes: [] as string[] };
for (const m of MIGRATIONS) {
  const names = schemaNamesOf(m.sql);
  schema.tables.push(...names.tables);
  schema.indexes.push(...names.indexes);
}
const WIRE = new Set(['trace_metadata']);

describe('findSchemaNames', () => {
  it('reads the tables and indexes the migrations create', () => {
    expect(schema.tables).toEqual(expect.arrayContaining(['traces', 'trace_tags', 'spans', 'assessments']));
    expect(schema.indexes).toEqual(expect.arrayContaining(['traces_by_time', 'spans_by_name']));
  });

  it.each([
    ['const sql = `SELECT trace_id FROM trace_tags WHERE key = ?`;', 'trace_tags'],
    ['// seeks spans_by_name', 'spans_by_name'],
    ['const q = `t.trace_id IN (SELECT s.trace_id FROM spans s)`;', 'spans'],
    ['`SELECT x FROM trace_metadata m`', 'trace_metadata'],
  ])('finds %s', (text, name) => {
    expect(findSchemaNames([{ path: 'src/core/filter/x.ts', text }], schema, WIRE)).toEqual([
      { file: 'src/core/filter/x.ts', name, line: 1 },
    ]);
  });

  it.each([
    'trace_metadata: Record<string, string>;',
    '// the share of traces that errored, from spans and assessments',
  ])('allows wire words and prose: %s', (text) => {
    expect(findSchemaNames([{ path: 'src/core/model.ts', text }], schema, WIRE)).toEqual([]);
  });

  it('flags the compiler as it lived in core before it moved to the server', () => {
    const old = execFileSync('git', ['show', 'e9d7285:src/core/filter/compile-filter.ts'], { encoding: 'utf8' });
    const names = new Set(
      findSchemaNames([{ path: 'src/core/filter/compile-filter.ts', text: old }], schema, WIRE).map((f) => f.name),
    );
    expect([...names].sort()).toEqual(
      expect.arrayContaining(['assessments', 'spans', 'trace_metadata', 'trace_prompt_links', 'trace_tags']),
    );
  });
});
