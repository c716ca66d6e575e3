// PostgreSQL failures a caller should see as something other than a 500, as MlflowError subclasses so
// the app's error handler answers them in MLflow's envelope. Messages name the situation, never the SQL.
import { MlflowError } from '../../errors.ts';

/** The request's database work ran past its budget and PostgreSQL cancelled it (SQLSTATE 57014). */
export class StatementTimeoutError extends MlflowError {
  override name = 'StatementTimeoutError';
  readonly timeoutMs: number | undefined;
  constructor(timeoutMs: number | undefined) {
    super(
      'TEMPORARILY_UNAVAILABLE',
      `The request's database work took longer than ${timeoutMs === undefined ? 'its limit' : `${timeoutMs} ms`} and was cancelled. ` +
        'Narrow the filter or the time range, or retry later.',
    );
    this.timeoutMs = timeoutMs;
  }
}

/** The database cannot be reached or is not accepting work (down, restarting, out of connections). */
export class DatabaseUnavailableError extends MlflowError {
  override name = 'DatabaseUnavailableError';
  constructor() {
    super('TEMPORARILY_UNAVAILABLE', 'The database is unavailable. Retry later.');
  }
}

interface PgErrorLike {
  code?: string;
  message?: string;
}

/** A number in the request beyond what a column holds (a BIGINT time past 2^63): the caller's input. */
export class ValueOutOfRangeError extends MlflowError {
  override name = 'ValueOutOfRangeError';
  constructor() {
    super('INVALID_PARAMETER_VALUE', 'A number in the request is out of the range the server stores.');
  }
}

/** SQLSTATEs after which the same transaction may succeed when run again from the start. */
const RETRYABLE = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
]);

/** Connection-level failures: class 08, shutdown and startup states, too many connections. */
function isUnavailable(error: PgErrorLike): boolean {
  const code = error.code ?? '';
  if (code.startsWith('08') || ['57P01', '57P02', '57P03', '53300'].includes(code)) return true;
  // Node's socket errors, and pg's own messages when a connection cannot be had or dies mid-query.
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE'].includes(code)) return true;
  const message = error.message ?? '';
  return (
    message.startsWith('timeout exceeded when trying to connect') ||
    message.startsWith('Connection terminated') ||
    message === 'Client has encountered a connection error and is not queryable'
  );
}

/** True when running the whole transaction again may succeed (a store's retry loop asks this). */
export function isRetryablePostgresError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && RETRYABLE.has((error as PgErrorLike).code ?? '');
}

/**
 * Maps a failure from `pg` to the error the server should answer with: a statement timeout or an
 * unreachable database become 503 TEMPORARILY_UNAVAILABLE; anything else is returned unchanged (a 500
 * without internals, because it is our fault). `timeoutMs` names the budget in the message.
 */
export function translatePostgresError(error: unknown, timeoutMs?: number): unknown {
  if (typeof error !== 'object' || error === null || error instanceof MlflowError) return error;
  const e = error as PgErrorLike;
  // 57014 is also a cancel from pg_cancel_backend; a request only ever meets it through its own budget.
  if (e.code === '57014') return new StatementTimeoutError(timeoutMs);
  // numeric_value_out_of_range: values are bound from requests, so this is a number no column can hold.
  if (e.code === '22003') return new ValueOutOfRangeError();
  if (isUnavailable(e)) return new DatabaseUnavailableError();
  return error;
}
