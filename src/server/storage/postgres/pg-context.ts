// What the PostgreSQL store's modules share: the pool, the clock and the per-request budget. Every call
// runs as one transaction on one pooled connection under `SET LOCAL statement_timeout`
// (with-statement-timeout.ts), so no query runs unbounded and a cancelled one answers 503 in MLflow's
// envelope. Writes that lose a race PostgreSQL resolves by aborting (deadlock, serialization failure) are
// run again from the start: each write is a function of what it reads inside its own transaction.
import type { Pool, PoolClient, QueryResultRow } from 'pg';
import { isRetryablePostgresError } from './postgres-errors.ts';
import { withStatementTimeout } from './with-statement-timeout.ts';

/** How often a write is tried when PostgreSQL aborts it for a deadlock or a serialization failure. */
const WRITE_ATTEMPTS = 5;

/** One transaction's statements. SQL text is a constant or built from allowlisted parts; values are bound. */
export class Sql {
  constructor(private readonly client: PoolClient) {}

  async rows<R extends QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> {
    return (await this.client.query<R>(sql, params)).rows;
  }

  async one<R extends QueryResultRow>(sql: string, params: unknown[] = []): Promise<R | undefined> {
    return (await this.client.query<R>(sql, params)).rows[0];
  }

  /** Rows as arrays in column order (no object per row: the metrics accelerator reads millions). */
  async arrays<R extends unknown[]>(sql: string, params: unknown[] = []): Promise<R[]> {
    return (await this.client.query<R>({ text: sql, values: params, rowMode: 'array' })).rows;
  }

  /** Runs a statement; resolves to the number of rows it changed. */
  async run(sql: string, params: unknown[] = []): Promise<number> {
    return (await this.client.query(sql, params)).rowCount ?? 0;
  }
}

export class PgContext {
  constructor(
    readonly pool: Pool,
    readonly now: () => number,
    /** The per-request budget of every statement (ms). */
    readonly statementTimeoutMs: number,
  ) {}

  /** Read work: one transaction, so a multi-statement read sees one snapshot per statement of committed data. */
  read<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
    return withStatementTimeout(this.pool, this.statementTimeoutMs, (client) => work(new Sql(client)));
  }

  /**
   * Read work on one snapshot for all its statements (REPEATABLE READ, read only): the metrics
   * accelerator's catch-up and loads must see the same committed state. `timeoutMs`: the statements'
   * limit when it is not the request budget (the accelerator's background load).
   */
  snapshotRead<T>(work: (sql: Sql) => Promise<T>, timeoutMs = this.statementTimeoutMs): Promise<T> {
    return withStatementTimeout(
      this.pool,
      timeoutMs,
      (client) => work(new Sql(client)),
      'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
    );
  }

  /** A write transaction, run again from the start when PostgreSQL aborts it for a deadlock or serialization failure. */
  async write<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await withStatementTimeout(this.pool, this.statementTimeoutMs, (client) => work(new Sql(client)));
      } catch (error) {
        if (attempt >= WRITE_ATTEMPTS || !isRetryablePostgresError(error)) throw error;
      }
    }
  }
}

/** BIGINT and COUNT arrive from `pg` as strings; every id, time and count here is far below 2^53. */
export const num = (v: unknown): number => Number(v);
export const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
