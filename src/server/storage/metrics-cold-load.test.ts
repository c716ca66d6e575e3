// A cold metrics accelerator never holds a request: while its base columns load (in the background, held
// open here at will by a wrapped source) every answer comes from SQL, equal to a store without an
// accelerator; writes that commit during the load are in the answers once it is done (SQLite: through the
// store's own write hook; PostgreSQL: through another replica, found by the catch-up from the load's
// snapshot); a load that fails is logged and retried by a later call; closing the store stops a held load.
// Runs on both engines.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../app.ts';
import { createExperiment, startTrace } from '../test-helpers.ts';
import { MetricsColumns } from './metrics-columns.ts';
import type { MetricsReader, MetricsSource } from './metrics-source.ts';
import { openStore } from './open-store.ts';
import { createTestDatabase } from './postgres/test-database.ts';
import { SqliteMetricsSource } from './sqlite-metrics-source.ts';
import type { TraceStore } from './trace-store.ts';

/** The engine's source, counting the accelerator's answering calls, able to hold or fail its loads. */
class TestSource implements MetricsSource {
  /** Calls that answered from the columns (reads that were not a load). */
  answers = 0;
  failNext = false;
  /** Set by hold(): the load waits here after reading every row, before it completes. */
  private held: Promise<void> | undefined;
  private reached: (() => void) | undefined;

  constructor(private readonly inner: MetricsSource) {}

  /** Holds the next load; resolves `loading` when it is held, and releases it on `release()`. */
  hold(): { loading: Promise<void>; release: () => void } {
    let release!: () => void;
    this.held = new Promise((resolve) => (release = resolve));
    const loading = new Promise<void>((resolve) => (this.reached = resolve));
    return { loading, release };
  }

  read<T>(work: (reader: MetricsReader) => Promise<T>, options?: { timeoutMs?: number }): Promise<T> {
    return this.inner.read(async (reader) => {
      let load = false;
      const wrapped: MetricsReader = {
        catchUp: (loaded) => reader.catchUp(loaded),
        maxRow: () => reader.maxRow(),
        baseRows: async (each) => {
          load = true;
          if (this.failNext) {
            this.failNext = false;
            throw new Error('connection lost (test)');
          }
          await reader.baseRows(each);
          const held = this.held;
          this.held = undefined;
          this.reached?.();
          await held;
        },
        rowsOf: (ids) => reader.rowsOf(ids),
        dimensionRows: (kind, key, ids, each) => reader.dimensionRows(kind, key, ids, each),
        validAssessments: () => reader.validAssessments(),
        matchingRows: (filter, ids) => reader.matchingRows(filter, ids),
        maskStamp: () => reader.maskStamp(),
        assessmentStamp: () => reader.assessmentStamp(),
      };
      const result = await work(wrapped);
      if (!load) this.answers++;
      return result;
    }, options);
  }
}

interface Engine {
  /** A store whose accelerator reads through a TestSource. */
  accelerated(): Promise<{ app: FastifyInstance; store: TraceStore; source: TestSource }>;
  /** The app writes during a load go through (SQLite: the accelerated store itself; PostgreSQL: another replica). */
  writer(accelerated: FastifyInstance): Promise<FastifyInstance>;
  sqlOnly(): Promise<FastifyInstance>;
  /** Closes one accelerated store (and its app) now rather than at the end. */
  closeNow(store: TraceStore): Promise<void>;
  close(): Promise<void>;
}

async function engine(kind: 'sqlite' | 'postgresql'): Promise<Engine> {
  const opened: { app: FastifyInstance; store: TraceStore }[] = [];
  const open = async (store: TraceStore) => {
    const app = await buildApp({ store });
    opened.push({ app, store });
    return app;
  };
  const make = (inner: MetricsSource) => {
    const source = new TestSource(inner);
    return { source, accelerator: new MetricsColumns(source, { retryDelayMs: 0 }) };
  };
  let uri: string;
  let cleanup: () => unknown;
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'trace-explorer-cold-'));
    uri = `sqlite:///${join(dir, 'test.db')}`;
    cleanup = () => rmSync(dir, { recursive: true, force: true });
  } else {
    const db = await createTestDatabase();
    uri = db.url;
    cleanup = () => db.drop();
  }
  const sqlOnlyStore = () =>
    openStore(uri, {
      synchronous: 'NORMAL',
      sqlite: { metricsAccelerator: false },
      postgres: { metricsAccelerator: false },
    });
  return {
    accelerated: async () => {
      let made: ReturnType<typeof make> | undefined;
      const store = await openStore(uri, {
        synchronous: 'NORMAL',
        sqlite: { metricsAccelerator: (db) => (made = make(new SqliteMetricsSource(db))).accelerator },
        postgres: { poolSize: 3, metricsAccelerator: (source) => (made = make(source)).accelerator },
      });
      return { app: await open(store), store, source: made!.source };
    },
    writer: async (accelerated) => (kind === 'sqlite' ? accelerated : open(await sqlOnlyStore())),
    sqlOnly: async () => open(await sqlOnlyStore()),
    closeNow: async (store) => {
      const i = opened.findIndex((o) => o.store === store);
      const [{ app }] = opened.splice(i, 1);
      await app.close();
      await store.close();
    },
    close: async () => {
      for (const { app, store } of opened) {
        await app.close();
        await store.close();
      }
      await cleanup();
    },
  };
}

const T0 = Date.UTC(2026, 2, 1, 9);
/** Both stores have it beside acceleratorMemory(); routes never need it, so TraceStore does not. */
const loaded = (store: TraceStore) => (store as unknown as { acceleratorReady(): Promise<void> }).acceleratorReady();

describe.each(['sqlite', 'postgresql'] as const)('a cold metrics accelerator (%s)', (kind) => {
  let env: Engine;
  let sqlOnly: FastifyInstance;
  let exp: string;
  let next = 0;
  const write = (app: FastifyInstance, version: string) =>
    startTrace(app, {
      traceId: `tr-cold-${next}`,
      experimentId: exp,
      startMs: T0 + next * 1000,
      durationMs: 10 * ++next,
      metadata: { app_version: version },
    });
  const metrics = async (app: FastifyInstance) => {
    const response = await app.inject({
      method: 'POST',
      url: '/ajax-api/3.0/mlflow/traces/metrics',
      payload: {
        experiment_ids: [exp],
        view_type: 'TRACES',
        metric_name: 'latency',
        aggregations: [{ aggregation_type: 'AVG' }, { aggregation_type: 'PERCENTILE', percentile_value: 50 }],
        dimensions: ['metadata.app_version'],
      },
    });
    expect(response.statusCode).toBe(200);
    return response.json().data_points as { dimensions: Record<string, string> }[];
  };
  const groups = async (app: FastifyInstance) => {
    const response = await app.inject({
      method: 'POST',
      url: '/ajax-api/trace-explorer/v1/groups',
      payload: { experiment_ids: [exp], group_by: 'metadata.app_version', order: 'count' },
    });
    expect(response.statusCode).toBe(200);
    return response.json();
  };
  /** The app's answers, checked against SQL's. */
  const agreed = async (app: FastifyInstance) => {
    const answers = [await metrics(app), await groups(app)];
    expect(answers).toEqual([await metrics(sqlOnly), await groups(sqlOnly)]);
    return answers;
  };

  beforeAll(async () => {
    env = await engine(kind);
    sqlOnly = await env.sqlOnly();
    exp = await createExperiment(sqlOnly, 'cold');
    for (let i = 0; i < 6; i++) await write(sqlOnly, i < 3 ? 'v1' : 'v2');
  });
  afterAll(() => env.close());
  afterEach(() => vi.restoreAllMocks());

  it('answers from SQL while it loads, and from its columns, with writes made during the load, once loaded', async () => {
    const { app, store, source } = await env.accelerated();
    const writer = await env.writer(app);
    const held = source.hold();
    // The first call starts the load and answers without waiting for it (the load is held open).
    await agreed(app);
    await held.loading;
    await agreed(app);
    expect(source.answers).toBe(0);
    // Written while the load is held (after it read every row): not in what it read.
    await write(writer, 'v3');
    await write(writer, 'v1');
    const during = await agreed(app);
    expect(source.answers).toBe(0);
    held.release();
    await loaded(store);
    const after = await agreed(app);
    expect(source.answers).toBeGreaterThan(0);
    expect(after).toEqual(during);
    expect(JSON.stringify(after)).toContain('"v3"');
  });

  it('logs a failed load, keeps answering from SQL, and loads on a later call', async () => {
    let warned!: (message: string) => void;
    const failed = new Promise<string>((resolve) => (warned = resolve));
    vi.spyOn(console, 'warn').mockImplementation((message: string) => warned(message));
    const { app, store, source } = await env.accelerated();
    source.failNext = true;
    // The load after the failing one is held until checked (no backoff in this test: the next call starts it).
    const held = source.hold();
    await agreed(app);
    expect(await failed).toMatch(/loading the columns failed \(connection lost \(test\)\)/);
    await agreed(app);
    await held.loading;
    expect(source.answers).toBe(0);
    held.release();
    await loaded(store);
    await write(await env.writer(app), 'v2');
    await agreed(app);
    expect(source.answers).toBeGreaterThan(0);
  });

  it('stops a background load when the store closes', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { app, store, source } = await env.accelerated();
    const held = source.hold();
    await agreed(app);
    await held.loading;
    const closed = env.closeNow(store);
    held.release();
    await closed;
    // Abandoned on purpose: not a failure to log.
    expect(warn).not.toHaveBeenCalled();
  });
});
