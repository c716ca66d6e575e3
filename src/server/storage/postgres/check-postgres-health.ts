// For /health: can this replica reach its database right now? Bounded by `timeoutMs` end to end
// (waiting for a pooled connection included), so a hung database makes the probe fail fast rather than
// hang the load balancer's health check. It uses the server's pool on purpose: a replica whose pool
// cannot hand out a connection within the deadline cannot serve requests either.
import type { Pool, PoolClient } from 'pg';
import type { DatabaseHealth } from '../trace-store.ts';

const TIMED_OUT = Symbol('timed out');

export async function checkPostgresHealth(pool: Pool, timeoutMs = 1000): Promise<DatabaseHealth> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<typeof TIMED_OUT>((resolve) => (timer = setTimeout(resolve, timeoutMs, TIMED_OUT)));
  const connecting = pool.connect();
  let client: PoolClient | undefined;
  try {
    const got = await Promise.race([connecting, deadline]);
    if (got === TIMED_OUT) {
      // The connection may still arrive: hand it straight back.
      connecting.then(
        (c) => c.release(),
        () => undefined,
      );
      return { ok: false, reason: `no connection within ${timeoutMs} ms` };
    }
    client = got;
    const answer = await Promise.race([client.query('SELECT 1 AS ok'), deadline]);
    if (answer === TIMED_OUT) {
      // The query is still in flight on this connection: destroy it rather than reuse it.
      client.release(true);
      client = undefined;
      return { ok: false, reason: `no answer within ${timeoutMs} ms` };
    }
    return { ok: true, latencyMs: Math.round((performance.now() - started) * 10) / 10 };
  } catch (error) {
    client?.release(true);
    client = undefined;
    const e = error as { code?: string; message?: string };
    return {
      ok: false,
      reason: e.code ? `unreachable (${e.code})` : `unreachable (${(e.message ?? '').split('\n')[0].slice(0, 120)})`,
    };
  } finally {
    clearTimeout(timer);
    client?.release();
  }
}
