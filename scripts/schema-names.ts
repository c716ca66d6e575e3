// The storage's schema stays out of src/core (docs/architecture.md, "Rooms"): the filter language
// names fields, never tables, columns or indexes; SQL is generated in src/server/storage/sql from
// one schema description. This finds schema names in core sources: an index name anywhere, a table
// name after an SQL keyword, and a table name anywhere unless it is also a word of MLflow's wire
// format (`trace_metadata` is a TraceInfo field, `traces` and `spans` are English).
export interface SchemaName {
  file: string;
  name: string;
  line: number;
}

/** Table and index names a migration script creates. */
export function schemaNamesOf(sql: string): { tables: string[]; indexes: string[] } {
  const tables = [...sql.matchAll(/CREATE TABLE (?:IF NOT EXISTS )?(\w+)/g)].map((m) => m[1]);
  const indexes = [...sql.matchAll(/CREATE (?:UNIQUE )?INDEX (?:IF NOT EXISTS )?(\w+)/g)].map((m) => m[1]);
  return { tables, indexes };
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function findSchemaNames(
  files: { path: string; text: string }[],
  schema: { tables: string[]; indexes: string[] },
  wireWords: ReadonlySet<string>,
): SchemaName[] {
  // Each name once: a later migration may rebuild a table or an index an earlier one created.
  const patterns = [
    ...[...new Set(schema.indexes)].map((name) => ({ name, re: new RegExp(`\\b${escape(name)}\\b`) })),
    ...[...new Set(schema.tables)].map((name) => ({
      name,
      re:
        wireWords.has(name) || !name.includes('_')
          ? new RegExp(`\\b(?:FROM|JOIN|INTO|UPDATE|TABLE)\\s+${escape(name)}\\b`)
          : new RegExp(`\\b${escape(name)}\\b`),
    })),
  ];
  const found: SchemaName[] = [];
  for (const { path, text } of files) {
    if (!/(?:^|\/)src\/core\//.test(path) || /\.test\.tsx?$/.test(path)) continue;
    const lines = text.split('\n');
    lines.forEach((line, i) => {
      for (const { name, re } of patterns) if (re.test(line)) found.push({ file: path, name, line: i + 1 });
    });
  }
  return found;
}
