import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { METADATA } from '../core/model.ts';
import { createMemoryTransport } from './memory-transport.ts';
import { flush, init, trace } from './index.ts';
import { clearSourceMetadataCache, sourceMetadata } from './source-metadata.ts';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'sdk-git-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function makeRepo(): { dir: string; commit: string } {
  const dir = tempDir();
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();
  git('init', '-q', '-b', 'feature/demo');
  git('config', 'user.email', 'dev@example.com');
  git('config', 'user.name', 'Dev');
  git('remote', 'add', 'origin', 'https://example.com/acme/chat.git');
  writeFileSync(join(dir, 'app.ts'), 'export {};\n');
  git('add', 'app.ts');
  git('commit', '-q', '-m', 'init');
  return { dir, commit: git('rev-parse', 'HEAD') };
}

describe('source metadata', () => {
  it('describes the git checkout, entry script and LOCAL source type', () => {
    const { dir, commit } = makeRepo();
    expect(sourceMetadata(dir, '/srv/app/server.ts')).toEqual({
      [METADATA.sourceName]: 'server.ts',
      [METADATA.sourceType]: 'LOCAL',
      [METADATA.gitCommit]: commit,
      [METADATA.gitBranch]: 'feature/demo',
      [METADATA.gitRepoUrl]: 'https://example.com/acme/chat.git',
    });
  });

  it('is read once and cached', () => {
    const { dir } = makeRepo();
    const first = sourceMetadata(dir, 'a.ts');
    rmSync(join(dir, '.git'), { recursive: true, force: true });
    expect(sourceMetadata(dir, 'a.ts')).toBe(first);
    clearSourceMetadataCache();
    expect(sourceMetadata(dir, 'a.ts')[METADATA.gitCommit]).toBeUndefined();
  });

  it('has no git keys outside a repository', () => {
    const metadata = sourceMetadata(tempDir(), '/srv/main.js');
    expect(metadata).toEqual({ [METADATA.sourceName]: 'main.js', [METADATA.sourceType]: 'LOCAL' });
  });

  it('lands on traces and can be overridden by init metadata', async () => {
    const { dir, commit } = makeRepo();
    const transport = createMemoryTransport();
    init({ transport, cwd: dir, metadata: { [METADATA.sourceType]: 'JOB' }, scheduleDelayMs: 1 });
    trace(() => 'ok', { name: 'job' })();
    await flush();
    expect(transport.infos[0].trace_metadata).toMatchObject({
      [METADATA.gitCommit]: commit,
      [METADATA.sourceType]: 'JOB',
    });
  });
});
