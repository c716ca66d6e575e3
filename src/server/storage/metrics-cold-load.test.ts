// A cold metrics accelerator never holds a request: while its base columns or a dimension load (in the
// background, held open here at will by a wrapped source) every answer comes from SQL, equal to a store
// without an accelerator; writes that commit during a load are in the answers once it is done (SQLite:
// through the store's own write hook; PostgreSQL: through another replica, found by the catch-up); a load
// that fails is logged and retried by a later call; closing the store stops a held load. Runs on both engines.
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

/** What the accelerator loads in the background: its base columns, or a whole dimension (or the cost column). */
type LoadKind = 'base' | 'dimension';

/** The engine's source, counting the accelerator's answering calls, able to hold or fail its loads. */
class TestSource implements MetricsSource {
  /** Calls that answered from the columns (reads that were not a load and did not decline). */
  answers = 0;
  /** The next load of that kind fails. */
  readonly fail: Record<LoadKind, boolean> = { base: false, dimension: false };
  /** Set by hold(): the next load of that kind waits here after reading every row, before it completes. */
  private readonly holds: Partial<Record<LoadKind, { held: Promise<void>; reached: () => void }>> = {};

  constructor(private readonly inner: MetricsSource) {}

  /** Holds the next load of this kind; resolves `loading` when it is held, and releases it on `release()`. */
  hold(kind: LoadKind = 'base'): { loading: Promise<void>; release: () => void } {
    let release!: () => void;
    let reached!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const loading = new Promise<void>((resolve) => (reached = resolve));
    this.holds[kind] = { held, reached };
    return { loading, release };
  }

  read<T>(work: (reader: MetricsReader) => Promise<T>, options?: { timeoutMs?: number }): Promise<T> {
    return this.inner.read(async (reader) => {
      let load = false;
      const loading = async (kind: LoadKind, read: () => Promise<void>) => {
        load = true;
        if (this.fail[kind]) {
          this.fail[kind] = false;
          throw new Error('connection lost (test)');
        }
        await read();
        const hold = this.holds[kind];
        delete this.holds[kind];
        hold?.reached();
        await hold?.held;
      };
      const wrapped: MetricsReader = {
        catchUp: (loaded) => reader.catchUp(loaded),
        maxRow: () => reader.maxRow(),
        baseRows: (each) => loading('base', () => reader.baseRows(each)),
        rowsOf: (ids) => reader.rowsOf(ids),
        // Every trace's values: a dimension's load; the values of given traces: a refresh.
        dimensionRows: (kind, key, ids, each) =>
          ids === undefined
            ? loading('dimension', () => reader.dimensionRows(kind, key, ids, each))
            : reader.dimensionRows(kind, key, ids, each),
        validAssessments: () => reader.validAssessments(),
        matchingRows: (filter, ids) => reader.matchingRows(filter, ids),
        maskStamp: () => reader.maskStamp(),
        assessmentStamp: () => reader.assessmentStamp(),
      };
      const result = await work(wrapped);
      if (!load && result !== undefined) this.answers++;
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
/**
 * Resolves once nothing is loading (base columns, dimensions asked for). Both stores have it beside
 * acceleratorMemory(); routes never need it, so TraceStore does not.
 */
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
    // The dimensions the calls need load once asked for (the first call after the base load asks).
    await agreed(app);
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
    source.fail.base = true;
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
    await loaded(store);
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

  it('answers from SQL while a new dimension loads, then from its columns, with writes made during that load', async () => {
    const { app, store, source } = await env.accelerated();
    const writer = await env.writer(app);
    await loaded(store);
    // The base columns are loaded; metadata.app_version is not. The first call asks for it and SQL answers.
    const held = source.hold('dimension');
    await agreed(app);
    await held.loading;
    await agreed(app);
    expect(source.answers).toBe(0);
    // Written while the dimension's load is held (after it read every row): not in what it read.
    await write(writer, 'v4');
    await write(writer, 'v2');
    const during = await agreed(app);
    expect(source.answers).toBe(0);
    held.release();
    await loaded(store);
    // The first answer from the columns has the writes made during the load.
    const first = await metrics(app);
    expect(source.answers).toBe(1);
    expect(first).toEqual(await metrics(sqlOnly));
    expect(first).toEqual(during[0]);
    expect(JSON.stringify(first)).toContain('"v4"');
    await agreed(app);
  });

  it('logs a failed dimension load, keeps answering from SQL, and loads it on a later call', async () => {
    let warned!: (message: string) => void;
    const failed = new Promise<string>((resolve) => (warned = resolve));
    vi.spyOn(console, 'warn').mockImplementation((message: string) => warned(message));
    const { app, store, source } = await env.accelerated();
    await loaded(store);
    source.fail.dimension = true;
    await agreed(app);
    expect(source.answers).toBe(0);
    expect(await failed).toMatch(/loading metadata\.app_version failed \(connection lost \(test\)\)/);
    await agreed(app);
    await loaded(store);
    const answered = source.answers;
    await metrics(app);
    expect(source.answers).toBe(answered + 1);
    await agreed(app);
  });

  it('stops a dimension load when the store closes', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { app, store, source } = await env.accelerated();
    await loaded(store);
    const held = source.hold('dimension');
    await agreed(app);
    await held.loading;
    const closed = env.closeNow(store);
    held.release();
    await closed;
    expect(warn).not.toHaveBeenCalled();
  });
});
