import { describe, expect, it } from 'vitest';
import { findViolations } from './import-boundaries.ts';

describe('findViolations', () => {
  it.each([
    ['src/core/filter/parse.ts', "import { x } from '../../server/app.ts';", 'core must not import server'],
    [
      'src/core/model.ts',
      "import { readFileSync } from 'node:fs';",
      'core is pure: it imports no packages or platform modules',
    ],
    ['src/core/model.ts', "import React from 'react';", 'core is pure: it imports no packages or platform modules'],
    ['src/ui/App.tsx', "import { buildApp } from '../server/app.ts';", 'ui must not import server'],
    ['src/ui/traces/Table.tsx', "const m = await import('../../sdk/index.ts');", 'ui must not import sdk'],
    ['src/sdk/index.ts', "export { x } from '../ui/App.tsx';", 'sdk must not import ui'],
  ])('%s: %s', (path, text, reason) => {
    expect(findViolations([{ path, text }])).toEqual([expect.objectContaining({ file: path, reason })]);
  });

  it.each([
    [
      'src/ui/App.tsx',
      "import { parseFilter } from '../core/filter/index.ts';\nimport { useQuery } from '@tanstack/react-query';",
    ],
    ['src/server/app.ts', "import type { TraceInfo } from '../core/model.ts';"],
    ['src/core/filter/parse.ts', "import { lex } from './lex.ts';\nimport type { Millis } from '../model.ts';"],
    ['src/server/storage/x.test.ts', "import { render } from '../../ui/App.tsx';"],
  ])('allows %s', (path, text) => {
    expect(findViolations([{ path, text }])).toEqual([]);
  });
});
