// Ending a server process without dropping work (an orchestrator's SIGTERM, Ctrl-C): stop accepting
// connections, let the requests in flight finish — bounded, so a stuck client cannot hold the process —
// then the caller closes the store, so queued writes commit and the pool's connections end cleanly.
import type { FastifyInstance } from 'fastify';

/**
 * Closes the app's listener and waits for the requests in flight (app.ts answers them with
 * `Connection: close`, so keep-alive connections end with their last reply). Past `timeoutMs` the
 * connections left are cut. `log` tells an operator each step.
 */
export async function drainRequests(
  app: FastifyInstance,
  timeoutMs: number,
  log: (line: string) => void = () => {},
): Promise<void> {
  const closing = app.close();
  // Fastify closes the listener from an onClose hook, a few ticks after close() is called.
  while (app.server.listening) await new Promise((resolve) => setImmediate(resolve));
  log(`No longer accepting connections; finishing requests in flight (at most ${timeoutMs / 1000} s).`);
  let timer: NodeJS.Timeout | undefined;
  const overdue = new Promise<'overdue'>((resolve) => (timer = setTimeout(resolve, timeoutMs, 'overdue')));
  try {
    if ((await Promise.race([closing, overdue])) === 'overdue') {
      const open = await new Promise<number>((resolve) => app.server.getConnections((_e, n) => resolve(n ?? 0)));
      log(`Shutdown timeout: closing ${open} connection(s) still open.`);
      app.server.closeAllConnections();
      await closing;
    }
  } finally {
    clearTimeout(timer);
  }
}

/**
 * SIGTERM or SIGINT runs `close` once, then exits 0 (1 if closing failed). A second signal while
 * closing exits at once: the operator's way out of a drain they do not want to wait for.
 */
export function closeOnSignals(close: () => Promise<void>, log: (line: string) => void = console.log): void {
  let closingSince: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closingSince) {
      console.error(`${signal} during shutdown: exiting without waiting for requests in flight.`);
      process.exit(1);
    }
    closingSince = signal;
    log(`${signal}: shutting down.`);
    close().then(
      () => {
        log('Stopped.');
        process.exit(0);
      },
      (error: unknown) => {
        console.error('Shutdown failed:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
