import { createServer } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import type { TraceTransport } from './trace-transport.ts';
import { ExportQueue } from './export-queue.ts';
import { flush, getExportStats, init, trace } from './index.ts';

const failing: TraceTransport = {
  exportSpans: () => Promise.reject(new Error('connection refused')),
  startTrace: () => Promise.reject(new Error('connection refused')),
};

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

describe('export failures', () => {
  it('never reach application code: logged once, counted, dropped', async () => {
    const warn = vi.fn<(message: string) => void>();
    init({ transport: failing, warn, scheduleDelayMs: 1 });
    const work = trace((n: number) => n + 1, { name: 'work' });
    for (let i = 0; i < 5; i++) expect(work(i)).toBe(i + 1);
    await expect(flush()).resolves.toBeUndefined();
    expect(getExportStats()).toMatchObject({ exportedTraces: 0, failedTraces: 5, queued: 0 });
    // One warning per kind of failure, however many traces failed.
    expect(warn).toHaveBeenCalledTimes(2);
  });

  it('against an unreachable server over real HTTP', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    init({
      trackingUri: `http://127.0.0.1:${await closedPort()}`,
      experimentId: '1',
      scheduleDelayMs: 1,
      exportTimeoutMs: 500,
    });
    const work = trace(async () => 'done', { name: 'work' });
    await expect(work()).resolves.toBe('done');
    await flush();
    expect(getExportStats()).toMatchObject({ exportedTraces: 0, failedTraces: 1 });
    expect(warn).toHaveBeenCalled();
    warn.mockRestore();
  });

  it('a full queue drops new traces instead of growing', async () => {
    const queue = new ExportQueue(
      { exportSpans: async () => undefined, startTrace: async () => undefined },
      { maxQueueSize: 2, maxBatchTraces: 10, scheduleDelayMs: 10_000, warn: () => undefined },
    );
    const info = {
      trace_id: 'tr-1',
      trace_location: { type: 'MLFLOW_EXPERIMENT' as const },
      request_time: '',
      state: 'OK' as const,
      trace_metadata: {},
      tags: {},
    };
    expect([1, 2, 3].map(() => queue.enqueue({ spans: [], info }))).toEqual([true, true, false]);
    await queue.flush();
    expect(queue.stats()).toMatchObject({ exportedTraces: 2, droppedTraces: 1, queued: 0 });
  });
});

describe('export order', () => {
  it('sends spans before the trace infos of the same batch, many traces per OTLP request', async () => {
    const calls: string[] = [];
    init({
      transport: {
        exportSpans: async (spans) => void calls.push(`spans:${spans.length}`),
        startTrace: async (info) => void calls.push(`info:${info.tags['mlflow.traceName']}`),
      },
      scheduleDelayMs: 10_000,
    });
    for (const name of ['a', 'b', 'c']) trace(() => trace(() => 1, { name: `${name}-child` })(), { name })();
    await flush();
    expect(calls[0]).toBe('spans:6');
    expect(calls.slice(1).sort()).toEqual(['info:a', 'info:b', 'info:c']);
  });
});
