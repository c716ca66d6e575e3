import type { FastifyInstance } from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, type AppOptions } from './app.ts';
import { openStore } from './storage/open-store.ts';
import { createTestDatabase } from './storage/postgres/test-database.ts';
import { openSavedViewStore } from './saved-views/open-saved-view-store.ts';
import type { SqliteStoreOptions } from './storage/sqlite-trace-store.ts';
import type { TraceStore } from './storage/trace-store.ts';

export type TestBackend = 'sqlite' | 'postgresql';

export interface TestServerOptions {
  /**
   * The engine under test. Default: PostgreSQL when TEST_BACKEND=postgresql (the `server-postgres`
   * vitest project sets it), else SQLite on a temporary file. Tests of SQLite internals pass 'sqlite'.
   */
  backend?: TestBackend;
  /** Store options that only SQLite has (accelerator, search plans); SQLite-only tests use them. */
  sqlite?: SqliteStoreOptions;
  /** App options for `app` (limits, the spans-per-trace cap, …). */
  app?: Omit<AppOptions, 'store'>;
  /** Serve the saved-views endpoints from the same database (as `npm start` does). */
  savedViews?: boolean;
}

export interface TestServer {
  backend: TestBackend;
  app: FastifyInstance;
  /** The store behind `app`, as routes see it: only the TraceStore interface. */
  store: TraceStore;
  /**
   * A second app over the same data whose store has no metrics accelerator: differential tests
   * compare its answers with `app`'s (the accelerator must not change any answer).
   */
  sqlOnly: () => Promise<FastifyInstance>;
  /** Another app over the same data with other SQLite store options (closed with the server). */
  sibling: (sqlite: SqliteStoreOptions) => Promise<FastifyInstance>;
  close: () => Promise<void>;
}

/**
 * Waits for the store's metrics accelerator (if any) to load its columns, which it does in the
 * background: differential tests then compare accelerated answers with SQL's from the first request,
 * not SQL's with SQL's (metrics-cold-load.test.ts covers the cold path).
 */
async function columnsLoaded(store: TraceStore): Promise<void> {
  if ('acceleratorReady' in store && typeof store.acceleratorReady === 'function') await store.acceleratorReady();
}

export function defaultTestBackend(): TestBackend {
  return process.env.TEST_BACKEND === 'postgresql' ? 'postgresql' : 'sqlite';
}

/**
 * A real app on a real database, for tests that go through `inject`: a temporary SQLite file, or a fresh
 * database on the run's throwaway PostgreSQL (vitest's `inject('postgresUrl')`: the cluster the global setup
 * started, or TEST_POSTGRES_URL), dropped on close.
 */
export async function createTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const backend = options.backend ?? defaultTestBackend();
  let uri: string;
  let cleanup: () => unknown = () => undefined;
  if (backend === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'trace-explorer-test-'));
    uri = `sqlite:///${join(dir, 'test.db')}`;
    cleanup = () => rmSync(dir, { recursive: true, force: true });
  } else {
    const database = await createTestDatabase();
    uri = database.url;
    cleanup = () => database.drop();
  }
  const store = await openStore(uri, { synchronous: 'NORMAL', sqlite: options.sqlite });
  await columnsLoaded(store);
  const savedViews = options.savedViews ? await openSavedViewStore(uri) : undefined;
  const app = await buildApp({ ...options.app, store, savedViews });
  const siblings: { app: FastifyInstance; store: TraceStore }[] = [];
  const sibling = async (sqlite: SqliteStoreOptions) => {
    // Another replica on the same database; without an accelerator on either engine when SQLite's is off.
    const postgres = sqlite.metricsAccelerator === false ? { metricsAccelerator: false as const } : undefined;
    const other = await openStore(uri, { synchronous: 'NORMAL', sqlite, postgres });
    await columnsLoaded(other);
    siblings.push({ store: other, app: await buildApp({ store: other }) });
    return siblings[siblings.length - 1].app;
  };
  let sqlOnly: Promise<FastifyInstance> | undefined;
  return {
    backend,
    app,
    store,
    sqlOnly: () => (sqlOnly ??= sibling({ metricsAccelerator: false })),
    sibling,
    close: async () => {
      for (const s of siblings) {
        await s.app.close();
        await s.store.close();
      }
      await app.close();
      await store.close();
      await savedViews?.close();
      await cleanup();
    },
  };
}

export interface TestTrace {
  traceId: string;
  experimentId?: string;
  startMs: number;
  durationMs?: number;
  state?: 'OK' | 'ERROR' | 'IN_PROGRESS';
  metadata?: Record<string, string>;
  tags?: Record<string, string>;
  clientRequestId?: string;
}

/** StartTraceV3 through the app; returns the response body. */
export async function startTrace(app: FastifyInstance, t: TestTrace): Promise<Record<string, unknown>> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/3.0/mlflow/traces',
    payload: {
      trace: {
        trace_info: {
          trace_id: t.traceId,
          ...(t.clientRequestId ? { client_request_id: t.clientRequestId } : {}),
          trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: t.experimentId ?? '0' } },
          request_time: new Date(t.startMs).toISOString(),
          ...(t.durationMs !== undefined ? { execution_duration: `${t.durationMs / 1000}s` } : {}),
          state: t.state ?? 'OK',
          trace_metadata: t.metadata ?? {},
          tags: t.tags ?? {},
        },
      },
    },
  });
  if (response.statusCode !== 200) throw new Error(`StartTraceV3 ${response.statusCode}: ${response.body}`);
  return response.json();
}

export async function createExperiment(app: FastifyInstance, name: string): Promise<string> {
  const response = await app.inject({ method: 'POST', url: '/api/2.0/mlflow/experiments/create', payload: { name } });
  return (response.json() as { experiment_id: string }).experiment_id;
}

/** SearchTracesV3 over one experiment (the explorer's ajax path); `payload` adds order_by, paging and the rest. */
export function searchExperiment(app: FastifyInstance, experimentId: string, payload: Record<string, unknown>) {
  return app.inject({
    method: 'POST',
    url: '/ajax-api/3.0/mlflow/traces/search',
    payload: {
      locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } }],
      ...payload,
    },
  });
}

export interface OtlpTestSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  startNs: string;
  endNs: string;
  attributes?: Record<string, string | number | boolean>;
  status?: 0 | 1 | 2;
}

/** An OTLP/JSON ExportTraceServiceRequest body (hex ids). */
export function otlpJsonBody(spans: OtlpTestSpan[]): Record<string, unknown> {
  const value = (v: string | number | boolean) =>
    typeof v === 'string'
      ? { stringValue: v }
      : typeof v === 'boolean'
        ? { boolValue: v }
        : Number.isInteger(v)
          ? { intValue: String(v) }
          : { doubleValue: v };
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'test' } }] },
        scopeSpans: [
          {
            scope: { name: 'test' },
            spans: spans.map((s) => ({
              traceId: s.traceId,
              spanId: s.spanId,
              parentSpanId: s.parentSpanId ?? '',
              name: s.name,
              kind: 1,
              startTimeUnixNano: s.startNs,
              endTimeUnixNano: s.endNs,
              attributes: Object.entries(s.attributes ?? {}).map(([key, v]) => ({ key, value: value(v) })),
              status: { code: s.status ?? 1 },
            })),
          },
        ],
      },
    ],
  };
}
