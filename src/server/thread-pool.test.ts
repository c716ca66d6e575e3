import { afterEach, describe, expect, it } from 'vitest';
import { ThreadPool, THREAD_READY } from './thread-pool.ts';

// A thread that answers each job after `ms` milliseconds: enough to see which job a free thread takes.
const SLEEPER = `
import { parentPort } from 'node:worker_threads';
parentPort.on('message', (job) => setTimeout(() => parentPort.postMessage({ id: job.id, name: job.name }), job.ms));
parentPort.postMessage(${JSON.stringify(THREAD_READY)});
`;
const ENTRY = new URL(`data:text/javascript,${encodeURIComponent(SLEEPER)}`);

const refusals = {
  queueFull: 'full',
  waitedTooLong: 'waited',
  overBudget: () => 'over',
  outOfMemory: 'oom',
  closed: 'closed',
};

let pool: ThreadPool<{ id: number; name: string }> | undefined;
afterEach(() => pool?.close());

describe('ThreadPool', () => {
  it('keeps one thread for short jobs while heavy ones queue', async () => {
    pool = new ThreadPool({ entry: ENTRY, data: {}, size: 2, heapMb: 64, maxQueued: 10, refusals });
    pool.warm();
    const finished: string[] = [];
    const run = (name: string, ms: number, heavy: boolean) =>
      pool!.run({ name, ms }, { budgetMs: 60_000, heavy }).then((reply) => finished.push(reply.name));
    // Two heavy jobs, then a short one: without the reserve the short one waits for a heavy one to end.
    await Promise.all([run('heavy 1', 1500, true), run('heavy 2', 1500, true), run('short', 10, false)]);
    expect(finished).toEqual(['short', 'heavy 1', 'heavy 2']);
  });

  it('takes an urgent job before the ones queued ahead of it', async () => {
    pool = new ThreadPool({ entry: ENTRY, data: {}, size: 1, heapMb: 64, maxQueued: 10, refusals });
    pool.warm();
    const finished: string[] = [];
    const run = (name: string, ms: number, urgent: boolean) =>
      pool!.run({ name, ms }, { budgetMs: 60_000, urgent }).then((reply) => finished.push(reply.name));
    await run('warm-up', 1, false); // the thread is up: the next job starts at once, the others queue
    finished.length = 0;
    await Promise.all([run('running', 500, false), run('search', 10, false), run('trace read', 10, true)]);
    expect(finished).toEqual(['running', 'trace read', 'search']);
  });

  it('runs heavy jobs on every thread of a pool of one', async () => {
    pool = new ThreadPool({ entry: ENTRY, data: {}, size: 1, heapMb: 64, maxQueued: 10, refusals });
    const finished: string[] = [];
    const run = (name: string, heavy: boolean) =>
      pool!.run({ name, ms: 10 }, { budgetMs: 60_000, heavy }).then((reply) => finished.push(reply.name));
    await Promise.all([run('heavy', true), run('short', false)]);
    expect(finished).toEqual(['heavy', 'short']);
  });
});
