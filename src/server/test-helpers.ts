import type { FastifyInstance } from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, type AppOptions } from './app.ts';
import { openSqlite } from './storage/open-sqlite.ts';
import { SqliteTraceStore } from './storage/sqlite-trace-store.ts';

export interface TestServer {
  app: FastifyInstance;
  store: SqliteTraceStore;
  close: () => Promise<void>;
}

/** A real app on a real SQLite file in a temporary folder, for tests that go through `inject`. */
export async function createTestServer(options: Omit<AppOptions, 'store'> = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'trace-explorer-test-'));
  const store = new SqliteTraceStore(openSqlite(join(dir, 'test.db'), { synchronous: 'NORMAL' }));
  const app = await buildApp({ ...options, store });
  return {
    app,
    store,
    close: async () => {
      await app.close();
      store.close();
      rmSync(dir, { recursive: true, force: true });
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
