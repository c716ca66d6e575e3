import type { FastifyInstance } from 'fastify';

/** The MLflow release whose wire contract this server speaks; Python clients need >= 3.4 for OTLP. */
export const MLFLOW_COMPAT_VERSION = '3.11.1';

export async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.get('/health', async (_req, reply) => reply.type('text/plain').send('OK'));
  app.get('/version', async (_req, reply) => reply.type('text/plain').send(MLFLOW_COMPAT_VERSION));
  for (const prefix of ['/api', '/ajax-api']) {
    app.get(`${prefix}/3.0/mlflow/server-info`, async () => ({ store_type: 'SqlStore', workspaces_enabled: false }));
  }
}
