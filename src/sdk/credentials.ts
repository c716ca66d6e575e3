export interface Credentials {
  /** HTTP Basic, like MLflow's MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD. */
  username?: string;
  password?: string;
  /** A Bearer access token, like MLflow's MLFLOW_TRACKING_TOKEN. */
  token?: string;
}

/**
 * The Authorization header for a server with auth on, from init() options, else MLflow's
 * environment variables; undefined when none are set. As in MLflow's client, a user name and
 * password win over a token.
 */
export function authorizationHeader(options: Credentials, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const username = options.username ?? (env.MLFLOW_TRACKING_USERNAME || undefined);
  const password = options.password ?? (env.MLFLOW_TRACKING_PASSWORD || undefined);
  if (username !== undefined && password !== undefined)
    return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  const token = options.token ?? (env.MLFLOW_TRACKING_TOKEN || undefined);
  return token === undefined ? undefined : `Bearer ${token}`;
}
