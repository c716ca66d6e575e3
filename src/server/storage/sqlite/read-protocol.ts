// Messages between the read pool (event loop) and its workers.
import type { ReadMethod } from './sqlite-reader.ts';
import type { WireError } from './worker-thread.ts';

export interface ReadWorkerData {
  path: string;
  searchWindows: boolean;
  /** The RLIKE budget of the worker's connection (tests; sqlite-functions.ts). */
  regexpBudgetMs?: number;
}

export interface ReadRequest {
  id: number;
  method: ReadMethod;
  args: unknown[];
}

/** `statements`: how many the request ran (the store's statementsRun() instrumentation). */
export type ReadReply = { id: number; statements: number } & (
  { ok: true; value: unknown } | { ok: false; error: WireError }
);
