import type Database from 'better-sqlite3';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** Pages the write connection lets the WAL reach before it checkpoints itself (the fallback). */
export const FALLBACK_AUTOCHECKPOINT_PAGES = 16_384;

// Plain CommonJS so the worker needs no TypeScript loader. It checkpoints on its own connection
// (PASSIVE: never blocks the writer, which keeps appending to the WAL meanwhile).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('busy_timeout = 0');
db.pragma('synchronous = ' + workerData.synchronous);
let stopped = false;
const tick = () => {
  if (stopped) return;
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy or closing: try again next tick */ }
  setTimeout(tick, workerData.intervalMs);
};
parentPort.on('message', (m) => {
  if (m === 'stop') { stopped = true; try { db.close(); } catch {} parentPort.close(); }
});
setTimeout(tick, workerData.intervalMs);
`;

/**
 * Background WAL checkpoints. With SQLite's default auto-checkpoint (every 1,000 WAL pages) about
 * every second group commit also copied the WAL into the database file and fsynced it, on the event
 * loop. Here a worker thread with its own connection checkpoints every `intervalMs` instead, so
 * commits only append to the WAL; the write connection keeps an auto-checkpoint at a larger size
 * as a fallback if the worker falls behind. Durability is unchanged: a commit is still fsynced in
 * the WAL before it is acknowledged, and checkpoints fsync the database file as before.
 */
export class BackgroundCheckpointer {
  private readonly worker: Worker;

  constructor(db: Database.Database, intervalMs = 100) {
    const synchronous = db.pragma('synchronous', { simple: true }) as number;
    db.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        driver: createRequire(import.meta.url).resolve('better-sqlite3'),
        path: db.name,
        synchronous: synchronous >= 2 ? 'FULL' : 'NORMAL',
        intervalMs,
      },
    });
    this.worker.unref();
    // A worker that cannot start (e.g. the file vanished) leaves the fallback auto-checkpoint on.
    this.worker.on('error', () => undefined);
  }

  /** Whether a database can use it: a WAL database in a file. */
  static applies(db: Database.Database): boolean {
    return !db.memory && String(db.pragma('journal_mode', { simple: true })).toLowerCase() === 'wal';
  }

  stop(): void {
    this.worker.postMessage('stop');
  }
}
