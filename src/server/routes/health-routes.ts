import type { FastifyInstance } from 'fastify';
import type { DatabaseHealth, StorageEngine, TraceStore } from '../storage/trace-store.ts';

/** The MLflow release whose wire contract this server speaks; Python clients need >= 3.4 for OTLP. */
export const MLFLOW_COMPAT_VERSION = '3.11.1';

/**
 * The database probe's budget. Under Kubernetes' default probe timeout (1 s), so a hung database turns
 * into a 503 the orchestrator sees rather than a probe that times out without a reason.
 */
const HEALTH_TIMEOUT_MS = 750;

const ENGINE_NAMES: Record<StorageEngine, string> = { sqlite: 'SQLite', postgresql: 'PostgreSQL' };

/**
 * `/health` answers MLflow's `OK` while the database answers, else 503 in MLflow's error envelope naming
 * the engine and why. Load balancers poll it on every replica, so probes arriving together share one
 * round trip: the database sees at most one health query per process at a time.
 */
export async function healthRoutes(app: FastifyInstance, options: { store: TraceStore }): Promise<void> {
  const { store } = options;
  let probing: Promise<DatabaseHealth> | undefined;
  const probe = () =>
    (probing ??= store.health(HEALTH_TIMEOUT_MS).finally(() => {
      probing = undefined;
    }));
  app.get('/health', async (_req, reply) => {
    const health = await probe();
    reply.header('Cache-Control', 'no-store');
    if (health.ok) return reply.type('text/plain').send('OK');
    return reply.code(503).send({
      error_code: 'TEMPORARILY_UNAVAILABLE',
      message: `The ${ENGINE_NAMES[store.engine]} database is unreachable: ${health.reason}.`,
      database: { engine: store.engine, reachable: false, reason: health.reason },
    });
  });
  app.get('/version', async (_req, reply) => reply.type('text/plain').send(MLFLOW_COMPAT_VERSION));
  for (const prefix of ['/api', '/ajax-api']) {
    app.get(`${prefix}/3.0/mlflow/server-info`, async () => ({ store_type: 'SqlStore', workspaces_enabled: false }));
  }
}
