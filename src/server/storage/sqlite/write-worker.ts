// The writer thread (started by write-thread.ts): the store's only trace-data write connection,
// its group commit and the write modules (SqliteWriter). Requests that arrive during one turn of
// this thread's loop share a transaction; after its COMMIT one message carries the commit's change
// and every caller's answer back to the event loop.
import { parentPort, workerData } from 'node:worker_threads';
import { openSqliteWriter } from '../open-sqlite.ts';
import { mergeChange, type StoreChange } from '../store-change.ts';
import { SqliteContext } from './sqlite-context.ts';
import { applyWrite, SqliteWriter } from './sqlite-writer.ts';
import {
  CLOSE_WRITER,
  WRITER_CLOSED,
  WRITER_READY,
  type CommitReply,
  type WriteReply,
  type WriteRequest,
  type WriteWorkerData,
} from './write-protocol.ts';
import { errorToWire } from './worker-thread.ts';

const data = workerData as WriteWorkerData;
const db = openSqliteWriter(data.path, data.synchronous);
if (data.autocheckpointPages !== undefined) db.pragma(`wal_autocheckpoint = ${data.autocheckpointPages}`);
const port = parentPort!;

let outbox: { change?: StoreChange; replies: WriteReply[] } | undefined;
let statementsSent = 0;

/** The reply being collected; the first use of a commit schedules its sending. */
function collecting(): { change?: StoreChange; replies: WriteReply[] } {
  if (!outbox) {
    outbox = { replies: [] };
    // GroupCommit answers its callers in the microtasks after COMMIT: all of them are in by then.
    setImmediate(send);
  }
  return outbox;
}

function send(): void {
  if (!outbox) return;
  const reply: CommitReply = {
    ...outbox,
    stats: ctx.commitStats(),
    statements: ctx.statementCount - statementsSent,
  };
  statementsSent = ctx.statementCount;
  outbox = undefined;
  port.postMessage(reply);
}

// The write hook of this thread only hands the change to the event loop, whose listener runs it. Two
// commits before one send (not expected, but not excluded either) merge: a dropped change would leave
// the accelerator stale.
const ctx = new SqliteContext(db, Date.now, (change) => {
  const box = collecting();
  if (box.change) mergeChange(box.change, change);
  else box.change = change;
});
const writer = new SqliteWriter(ctx);

port.on('message', (message: WriteRequest[] | typeof CLOSE_WRITER) => {
  if (message === CLOSE_WRITER) {
    void close();
    return;
  }
  for (const request of message) {
    const { id } = request;
    ctx
      .write(request.declares, () => applyWrite(writer, request.method, request.args))
      .then(
        (value) => collecting().replies.push({ id, ok: true, value }),
        (error: unknown) => collecting().replies.push({ id, ok: false, error: errorToWire(error) }),
      );
  }
});

async function close(): Promise<void> {
  await ctx.closeWrites();
  // The last commit's answers are collected in the microtasks after it; send them first.
  await new Promise((resolve) => setImmediate(resolve));
  send();
  db.close();
  port.postMessage(WRITER_CLOSED);
}

port.postMessage(WRITER_READY);
