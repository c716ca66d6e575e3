import type { ChatServiceConfig } from './chat-service.ts';

export interface ChatServiceSettings {
  /** Deployment context recorded on every trace. */
  service: ChatServiceConfig;
  listen: { host: string; port: number };
}

/**
 * The service's own settings: APP_ENVIRONMENT, APP_VERSION, DEPLOYMENT_ID, REGION, HOST and PORT. An empty
 * variable counts as unset. Where traces go (MLFLOW_TRACKING_URI, MLFLOW_EXPERIMENT_ID) is read by the SDK's init().
 */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ChatServiceSettings {
  return {
    service: {
      environment: env.APP_ENVIRONMENT || 'development',
      appVersion: env.APP_VERSION || '0.0.0-dev',
      deploymentId: env.DEPLOYMENT_ID || 'local',
      region: env.REGION || 'local',
    },
    listen: { host: env.HOST || '127.0.0.1', port: parsePort(env.PORT || '8000') },
  };
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65_535)
    throw new Error(`PORT must be a whole number from 0 to 65535, got '${text}'`);
  return port;
}
