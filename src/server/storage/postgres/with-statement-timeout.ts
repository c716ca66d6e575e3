// The per-request budget on PostgreSQL: one transaction whose statements each stop at `timeoutMs`
// (SET LOCAL lasts until COMMIT/ROLLBACK, so the pooled connection goes back with its default). A
// cancelled statement surfaces as StatementTimeoutError (503 in MLflow's envelope), not as a 500.
import type { Pool, PoolClient } from 'pg';
import { translatePostgresError } from './postgres-errors.ts';

export async function withStatementTimeout<T>(
  pool: Pool,
  timeoutMs: number,
  work: (client: PoolClient) => Promise<T>,
  /** The transaction's start (e.g. with an isolation level); a constant, never built from input. */
  begin = 'BEGIN',
): Promise<T> {
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1)
    throw new RangeError(`timeoutMs must be a positive integer, not ${timeoutMs}`);
  let client: PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw translatePostgresError(error, timeoutMs);
  }
  let broken = false;
  try {
    await client.query(begin);
    // SET takes no bind parameters; timeoutMs is a checked integer.
    await client.query(`SET LOCAL statement_timeout = ${timeoutMs}`);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    // A connection that cannot even roll back is not fit for the pool.
    await client.query('ROLLBACK').catch(() => (broken = true));
    throw translatePostgresError(error, timeoutMs);
  } finally {
    client.release(broken);
  }
}
