import { UsageError } from '../config.ts';
import { MlflowError } from '../errors.ts';
import type { AuthConfig } from './auth-config.ts';
import type { AuthStore } from './auth-store.ts';
import { validatePassword, validateUsername } from './auth-routes.ts';
import { AuthService } from './auth-service.ts';
import { hashSecret } from './secret-hash.ts';

/**
 * The auth service for `--auth`: creates the first admin from TRACE_EXPLORER_ADMIN_USERNAME /
 * TRACE_EXPLORER_ADMIN_PASSWORD when that user does not exist yet (an existing user is left as
 * it is, so restarting never resets a changed password), and refuses to start without any admin.
 * There is no default password.
 */
export async function openAuth(store: AuthStore, config: AuthConfig, env: NodeJS.ProcessEnv): Promise<AuthService> {
  const username = env.TRACE_EXPLORER_ADMIN_USERNAME;
  const password = env.TRACE_EXPLORER_ADMIN_PASSWORD;
  if (username || password) {
    if (!username || !password)
      throw new UsageError('Set both TRACE_EXPLORER_ADMIN_USERNAME and TRACE_EXPLORER_ADMIN_PASSWORD, or neither.');
    try {
      validateUsername(username);
      validatePassword(password);
    } catch (error) {
      if (error instanceof MlflowError) throw new UsageError(`TRACE_EXPLORER_ADMIN_*: ${error.message}`);
      throw error;
    }
    if (!(await store.getUser(username))) await store.createUser(username, await hashSecret(password), true);
  }
  if ((await store.countAdmins()) === 0) {
    throw new UsageError(
      '--auth needs an admin, and none is stored yet. For the first start, set TRACE_EXPLORER_ADMIN_USERNAME and ' +
        'TRACE_EXPLORER_ADMIN_PASSWORD (at least 12 characters); later starts need neither.',
    );
  }
  return new AuthService(store, { defaultPermission: config.defaultPermission });
}
