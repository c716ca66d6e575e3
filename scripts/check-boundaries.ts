import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { MIGRATIONS } from '../src/server/storage/migrations.ts';
import { findViolations } from './import-boundaries.ts';
import { findSchemaNames, schemaNamesOf } from './schema-names.ts';

function listSources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return listSources(path);
    return /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

const root = process.cwd();
const files = listSources(join(root, 'src')).map((path) => ({
  path: relative(root, path).split('\\').join('/'),
  text: readFileSync(path, 'utf8'),
}));
const violations = findViolations(files);
for (const v of violations) console.error(`${v.file}: imports '${v.specifier}': ${v.reason}`);
if (violations.length > 0) {
  console.error(`${violations.length} import-boundary violation(s).`);
  process.exit(1);
}
console.log(`import boundaries: ${files.length} files, no violations`);

// No table, column set or index of the storage in src/core.
const schema = { tables: [] as string[], indexes: [] as string[] };
for (const m of MIGRATIONS) {
  const names = schemaNamesOf(m.sql);
  schema.tables.push(...names.tables);
  schema.indexes.push(...names.indexes);
}
const schemaNames = findSchemaNames(files, schema, new Set(['trace_metadata']));
for (const s of schemaNames)
  console.error(`${s.file}:${s.line}: names the storage's '${s.name}' (SQL belongs in src/server/storage/sql)`);
if (schemaNames.length > 0) process.exit(1);
console.log(`src/core names none of ${schema.tables.length} tables and ${schema.indexes.length} indexes`);
