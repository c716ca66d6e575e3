// The PostgreSQL store's per-request statement budget, through the app: a write stuck behind another
// session's row lock is cancelled at the budget and answered 503 in MLflow's envelope, without SQL in it,
// and the trace is unchanged (the request's transaction rolled back).
import type { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { startTrace } from '../../test-helpers.ts';
import { openStore } from '../open-store.ts';
import type { TraceStore } from '../trace-store.ts';
import { createPostgresPool } from './postgres-pool.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

let db: TestDatabase;
let store: TraceStore;
let other: Pool;

beforeAll(async () => {
  db = await createTestDatabase();
  store = await openStore(db.url, { postgres: { poolSize: 2, statementTimeoutMs: 300 } });
  other = createPostgresPool(db.uri, { size: 1, statementTimeoutMs: 0 });
});
afterAll(async () => {
  await other.end();
  await store.close();
  await db.drop();
});

describe('PostgreSQL statement budget', () => {
  it('answers 503 TEMPORARILY_UNAVAILABLE when a request outlasts it, and rolls the request back', async () => {
    const app = await buildApp({ store });
    try {
      await startTrace(app, { traceId: 'tr-budget', startMs: Date.UTC(2026, 0, 1) });
      const holder = await other.connect();
      try {
        await holder.query('BEGIN');
        await holder.query("SELECT 1 FROM traces WHERE trace_id = 'tr-budget' FOR UPDATE");
        const response = await app.inject({
          method: 'POST',
          url: '/api/3.0/mlflow/traces',
          payload: {
            trace: {
              trace_info: {
                trace_id: 'tr-budget',
                trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: '0' } },
                request_time: '2026-01-01T00:00:00Z',
                state: 'ERROR',
                trace_metadata: {},
                tags: { late: 'yes' },
              },
            },
          },
        });
        expect(response.statusCode).toBe(503);
        expect(response.json()).toEqual({
          error_code: 'TEMPORARILY_UNAVAILABLE',
          message:
            "The request's database work took longer than 300 ms and was cancelled. Narrow the filter or the time range, or retry later.",
        });
      } finally {
        await holder.query('ROLLBACK');
        holder.release();
      }
      const info = await store.getTraceInfo('tr-budget');
      expect([info?.state, info?.tags.late]).toEqual(['OK', undefined]);
    } finally {
      await app.close();
    }
  });
});
