// SQLite-only behaviour: the pragmas open-sqlite sets, background checkpoints, and that an
// acknowledged write survives the process being killed (nothing is answered before COMMIT).
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqlite } from './open-sqlite.ts';
import { openStore } from './open-store.ts';
import { SqliteTraceStore } from './sqlite-trace-store.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sqlite-durability-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const trace = (traceId: string) => ({
  traceId,
  experimentId: '0',
  requestTimeMs: 1_700_000_000_000,
  executionTimeMs: 5,
  state: 'OK' as const,
  metadata: { padding: 'x'.repeat(2000) },
  tags: {},
  assessments: [],
});

describe('SQLite pragmas', () => {
  it('WAL, durable commits by default, foreign keys, and case-sensitive LIKE as MLflow has it', () => {
    const db = openSqlite(join(dir, 'p.db'));
    const normal = openSqlite(join(dir, 'n.db'), { synchronous: 'NORMAL' });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('synchronous', { simple: true })).toBe(2);
      expect(normal.pragma('synchronous', { simple: true })).toBe(1);
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(db.prepare("SELECT 'Abc' LIKE 'abc' AS a, 'Abc' LIKE 'Ab%' AS b").get()).toEqual({ a: 0, b: 1 });
    } finally {
      db.close();
      normal.close();
    }
  });
});

describe('background checkpoints', () => {
  it('copy committed pages into the database file without the writer checkpointing', async () => {
    const sizeAfterWrites = async (name: string, background: boolean) => {
      const path = join(dir, name);
      const store = new SqliteTraceStore(openSqlite(path, { synchronous: 'NORMAL' }), {
        backgroundCheckpoints: background,
      });
      const before = statSync(path).size;
      await Promise.all(Array.from({ length: 20 }, (_, i) => store.startTrace(trace(`tr-c${i}`))));
      // The worker checkpoints every 100 ms; give it a few ticks.
      let after = statSync(path).size;
      for (let i = 0; i < (background ? 30 : 5) && after === before; i++) {
        await new Promise((r) => setTimeout(r, 100));
        after = statSync(path).size;
      }
      // Read before close: closing checkpoints too.
      await store.close();
      return after - before;
    };
    expect(await sizeAfterWrites('bg.db', true)).toBeGreaterThan(0);
    // Without the worker the pages stay in the WAL (SQLite's own auto-checkpoint waits for 1,000 pages).
    expect(await sizeAfterWrites('fg.db', false)).toBe(0);
  });
});

describe('crash safety', () => {
  it('every write acknowledged before the process is killed is there after reopening', async () => {
    const path = join(dir, 'crash.db');
    const script = join(dir, 'writer.mts');
    const storeModule = pathToFileURL(join(import.meta.dirname, 'open-store.ts')).href;
    writeFileSync(
      script,
      `import { openStore } from ${JSON.stringify(storeModule)};
const store = await openStore(${JSON.stringify(`sqlite:///${path}`)});
for (let i = 0; ; i++) {
  await Promise.all([0, 1, 2].map((j) => store.startTrace({
    traceId: 'tr-' + i + '-' + j, experimentId: '0', requestTimeMs: 1, state: 'OK', metadata: {}, tags: {}, assessments: [],
  }).then(() => process.stdout.write('ack tr-' + i + '-' + j + '\\n'))));
}
`,
    );
    const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const acked: string[] = [];
    let buffer = '';
    await new Promise<void>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', () => resolve());
      child.stdout.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        const lines = buffer.split('\n');
        buffer = lines.pop() ?? '';
        for (const line of lines) if (line.startsWith('ack ')) acked.push(line.slice(4));
        // Kill mid-stream, without any chance to close or checkpoint.
        if (acked.length >= 60) child.kill('SIGKILL');
      });
    });
    expect(acked.length).toBeGreaterThanOrEqual(60);
    // The WAL is recovered on open.
    const reader = new Database(path);
    const stored = new Set(reader.prepare('SELECT trace_id FROM traces').pluck().all() as string[]);
    reader.close();
    expect(acked.filter((id) => !stored.has(id))).toEqual([]);
    const store = await openStore(`sqlite:///${path}`);
    expect(await store.getTraceInfo(acked[acked.length - 1])).toBeDefined();
    await store.close();
  }, 60_000);
});
