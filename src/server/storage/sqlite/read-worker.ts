// One read worker (started by read-pool.ts): a read-only connection to the WAL database and the
// same SqliteReader the event loop would use. Each request runs in one read transaction, so its
// statements see one snapshot, taken when it starts: after every write acknowledged before it.
import { parentPort, workerData } from 'node:worker_threads';
import { openSqliteReader } from '../open-sqlite.ts';
import { SqliteExperiments } from './experiments.ts';
import { THREAD_READY } from '../../thread-pool.ts';
import type { ReadReply, ReadRequest, ReadWorkerData } from './read-protocol.ts';
import { SqliteContext } from './sqlite-context.ts';
import { SqliteReader } from './sqlite-reader.ts';
import { SqliteTraceReads } from './trace-reads.ts';
import { errorToWire } from './worker-thread.ts';

const data = workerData as ReadWorkerData;
const db = openSqliteReader(data.path, { regexpBudgetMs: data.regexpBudgetMs });
const ctx = new SqliteContext(db, Date.now, () => {});
const experiments = new SqliteExperiments(ctx);
const reader = new SqliteReader(ctx, experiments, new SqliteTraceReads(ctx, experiments), data.searchWindows);
const port = parentPort!;

port.on('message', (request: ReadRequest) => {
  let reply: ReadReply;
  const before = ctx.statementCount;
  try {
    const method = reader[request.method] as (...args: unknown[]) => unknown;
    const value = db.transaction(() => method.apply(reader, request.args))();
    reply = { id: request.id, statements: ctx.statementCount - before, ok: true, value };
  } catch (error) {
    // MlflowError crosses as its fields (structured clone keeps only Error's own message).
    reply = { id: request.id, statements: ctx.statementCount - before, ok: false, error: errorToWire(error) };
  }
  port.postMessage(reply);
});
// Its connection is open: the pool may send reads.
port.postMessage(THREAD_READY);
