import { execFileSync } from 'node:child_process';
import { basename } from 'node:path';
import { METADATA } from '../core/model.ts';

// What MLflow's Python SDK records about where a trace came from (tracing/utils/environment.py):
// the entry script, the source type and, inside a git checkout, commit/branch/remote.

const cache = new Map<string, Record<string, string>>();

function git(cwd: string, args: string[]): string | undefined {
  try {
    const out = execFileSync('git', args, {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 2000,
    }).trim();
    return out || undefined;
  } catch {
    // Not a repository, no commits yet, no remote, or no git binary: the key is simply absent.
    return undefined;
  }
}

/**
 * Source metadata for traces made by this process. Git is asked once per directory and cached, because
 * spawning git on every trace would cost milliseconds on the application's hot path.
 */
export function sourceMetadata(
  cwd: string = process.cwd(),
  entry: string | undefined = process.argv[1],
): Record<string, string> {
  const key = `${cwd}\0${entry ?? ''}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const metadata: Record<string, string> = {
    [METADATA.sourceName]: entry ? basename(entry) : 'node',
    [METADATA.sourceType]: 'LOCAL',
  };
  const commit = git(cwd, ['rev-parse', 'HEAD']);
  if (commit) {
    metadata[METADATA.gitCommit] = commit;
    const branch = git(cwd, ['rev-parse', '--abbrev-ref', 'HEAD']);
    if (branch && branch !== 'HEAD') metadata[METADATA.gitBranch] = branch;
    const remote = git(cwd, ['config', '--get', 'remote.origin.url']);
    if (remote) metadata[METADATA.gitRepoUrl] = remote;
  }
  cache.set(key, metadata);
  return metadata;
}

/** For tests that create repositories on the fly. */
export function clearSourceMetadataCache(): void {
  cache.clear();
}
