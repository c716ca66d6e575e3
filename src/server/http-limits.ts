// The HTTP edge's limits: how long a client may take and how many may connect, so that slow or
// idle clients cannot hold the server's connections (slow-loris) and no request waits unbounded.
// One place for the defaults; `config.ts` reads the flags, `app.ts` applies them.

export interface HttpLimits {
  /** Time to receive a request's line and headers, from its first byte (Node `headersTimeout`). */
  headersTimeoutMs: number;
  /** Time to receive a whole request, body included (Node `requestTimeout`); answered 408. */
  requestTimeoutMs: number;
  /** Idle time before a keep-alive connection is closed (Node `keepAliveTimeout`). */
  keepAliveTimeoutMs: number;
  /**
   * Time budget from routing to the reply (Fastify `handlerTimeout`); answered 503
   * TEMPORARILY_UNAVAILABLE. Cooperative: it fires while a request waits (body, group commit, a
   * busy event loop), not inside a synchronous SQLite statement.
   */
  handlerTimeoutMs: number;
  /** Open connections at most; Node closes further ones at once (`server.maxConnections`). */
  maxConnections: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  // Real clients send their headers in one packet; 10 s tolerates a bad link, not a slow-loris.
  headersTimeoutMs: 10_000,
  // A 20 MiB body (the body limit) needs ≥ 1 MB/s; a trickling client is cut at 20 s. Below the
  // handler budget, which also counts the body's arrival, so a slow body is a 408, not a 503.
  requestTimeoutMs: 20_000,
  // Above the 60 s idle timeout of common proxies and load balancers, so none reuses a connection
  // the server has just closed. Shorter is worse under load: when the event loop stalls longer than
  // the timeout, the timer fires before the client's next request (already in the kernel) is read,
  // and the client gets a reset (seen at 5 s in the load benchmark). Idle sockets are bounded by
  // maxConnections, which is what limits a client that opens many and idles.
  keepAliveTimeoutMs: 65_000,
  // Below the 30 s most HTTP clients wait, so they get an answer rather than a timeout.
  handlerTimeoutMs: 25_000,
  // 5× the 200-client load the server is sized for; far below the file-descriptor limit.
  maxConnections: 1_000,
};

/** How often Node checks the headers and request timeouts: their resolution (Node's default is 30 s). */
export function connectionsCheckingInterval(limits: HttpLimits): number {
  return Math.max(10, Math.min(1_000, Math.floor(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 4)));
}
