import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { findViolations } from './import-boundaries.ts';

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
