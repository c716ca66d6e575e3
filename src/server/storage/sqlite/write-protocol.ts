// Messages between the store (event loop) and its writer thread (write-worker.ts).
import type { GroupCommitStats } from '../group-commit.ts';
import type { StoreChange, WriteDeclaration } from '../store-change.ts';
import type { WriteMethod } from './sqlite-writer.ts';
import type { WireError } from './worker-thread.ts';

export interface WriteWorkerData {
  path: string;
  /** The store's durability (the main connection's `synchronous`): FULL unless the caller chose NORMAL. */
  synchronous: 'FULL' | 'NORMAL';
  /** wal_autocheckpoint for the writer's connection when a background checkpointer runs; else SQLite's default. */
  autocheckpointPages?: number;
}

/** One write: what to run, and what it declares it changes (for the write hook). Posted in arrays, one per event-loop turn. */
export interface WriteRequest {
  id: number;
  method: WriteMethod;
  args: unknown[];
  declares: WriteDeclaration;
}

export type WriteReply = { id: number } & ({ ok: true; value: unknown } | { ok: false; error: WireError });

/**
 * What the writer posts after each group commit: what the commit changed (absent if nothing that
 * succeeded declared a change) and every caller's answer, so the event loop runs the write hook
 * before it answers anyone.
 */
export interface CommitReply {
  change?: StoreChange;
  replies: WriteReply[];
  stats: GroupCommitStats;
  /** Statements run since the previous reply (the store's statementsRun() instrumentation). */
  statements: number;
}

/** What the writer posts once its connection is open, before any reply. */
export const WRITER_READY = 'ready';
/** Sent to the writer: commit what has arrived, answer it and close the connection. */
export const CLOSE_WRITER = 'close';
/** What the writer posts once its connection is closed, after the last answers. */
export const WRITER_CLOSED = 'closed';
