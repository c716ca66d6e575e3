// The schema description the SQL is generated from must name what the migrations create.
import { describe, expect, it } from 'vitest';
import { openSqlite } from '../open-sqlite.ts';
import { TRACE_SCHEMA } from './trace-schema.ts';

describe('TRACE_SCHEMA', () => {
  it('names tables and columns that the migrations create', () => {
    const db = openSqlite(':memory:');
    const columns = (table: string) =>
      new Set((db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name));
    const s = TRACE_SCHEMA;
    const expected: [string, string[]][] = [
      [
        s.traces.table,
        [
          s.traces.traceId,
          s.traces.experimentId,
          s.traces.timestamp,
          ...Object.values(s.traces.attributes).map((a) => a.column),
        ],
      ],
      [s.tag.table, [s.tag.traceId, s.tag.key, s.tag.value]],
      [s.metadata.table, [s.metadata.traceId, s.metadata.key, s.metadata.value]],
      [s.spans.table, [s.spans.traceId, ...Object.values(s.spans.columns)]],
      [
        s.assessments.table,
        [s.assessments.traceId, s.assessments.name, s.assessments.type, s.assessments.value, s.assessments.valid],
      ],
      [s.assessments.table, [s.assessments.metadata]],
      [s.runLinks.table, [s.runLinks.traceId, s.runLinks.runId]],
      [s.promptLinks.table, [s.promptLinks.traceId, s.promptLinks.name, s.promptLinks.version]],
    ];
    for (const [table, cols] of expected) {
      const have = columns(table);
      expect({ table, missing: cols.filter((c) => !have.has(c)) }).toEqual({ table, missing: [] });
    }
    db.close();
  });
});
