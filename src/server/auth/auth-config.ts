import { isPermissionName, PERMISSION_NAMES, type PermissionName } from './permissions.ts';

export interface AuthConfig {
  /** `--auth`: credentials on every route (MLflow's `--app-name basic-auth`). */
  enabled: boolean;
  /** `--insecure-no-auth`: serve a non-loopback address without auth, with a warning. */
  insecureNoAuth: boolean;
  /** `--default-permission`: for experiments a user has no grant on (MLflow's default is READ). */
  defaultPermission: PermissionName;
}

const LOOPBACK = /^(?:localhost|127(?:\.\d{1,3}){3}|::1|\[::1\])$/i;

/**
 * The auth flags, checked against the bind address. Returns an error message instead of a
 * config when the combination is unsafe: without --auth, only loopback is served unless the
 * operator says --insecure-no-auth.
 */
export function authConfig(
  values: { auth?: boolean; 'insecure-no-auth'?: boolean; 'default-permission'?: string },
  host: string,
  env: NodeJS.ProcessEnv,
): AuthConfig | string {
  const defaultPermission = (
    values['default-permission'] ??
    env.TRACE_EXPLORER_DEFAULT_PERMISSION ??
    'READ'
  ).toUpperCase();
  if (!isPermissionName(defaultPermission))
    return `--default-permission must be one of ${PERMISSION_NAMES.join(', ')}.`;
  const enabled = values.auth === true;
  const insecureNoAuth = values['insecure-no-auth'] === true;
  if (!enabled && !insecureNoAuth && !LOOPBACK.test(host)) {
    return (
      `Refusing to serve ${host} without authentication: anyone who reaches it could read and delete every trace.\n` +
      `Start with --auth (and TRACE_EXPLORER_ADMIN_USERNAME / TRACE_EXPLORER_ADMIN_PASSWORD for the first admin), ` +
      `or bind 127.0.0.1, or pass --insecure-no-auth if something in front of this server authenticates.`
    );
  }
  return { enabled, insecureNoAuth: insecureNoAuth && !enabled, defaultPermission };
}
