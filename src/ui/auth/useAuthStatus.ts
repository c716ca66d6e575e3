import { useQuery } from '@tanstack/react-query';
import { authQueries, type AuthUser } from './auth-api.ts';

/** The signed-in user when the server has auth on; undefined when it is off (or not known yet). */
export function useSignedInUser(): AuthUser | undefined {
  const { data } = useQuery(authQueries.status());
  return data?.auth_enabled ? data.user : undefined;
}

/**
 * Whether the caller may edit (tags, feedback) in an experiment. Always true with auth off; with
 * auth on, from the server's answer for this user (false while unknown, so nothing is offered
 * that would be refused).
 */
export function useCanEdit(experimentId: string | undefined): { canEdit: boolean; reason?: string } {
  const user = useSignedInUser();
  const { data } = useQuery({
    ...authQueries.myPermission(experimentId ?? ''),
    enabled: user !== undefined && !!experimentId,
  });
  if (user === undefined) return { canEdit: true };
  if (data === undefined) return { canEdit: false, reason: 'Checking your access…' };
  const canEdit = data.permission === 'EDIT' || data.permission === 'MANAGE';
  return canEdit ? { canEdit } : { canEdit, reason: 'You have read-only access to this experiment.' };
}

/** Whether the caller may delete traces in an experiment (MANAGE with auth on; always with auth off). */
export function useCanManage(experimentId: string | undefined): boolean {
  const user = useSignedInUser();
  const { data } = useQuery({
    ...authQueries.myPermission(experimentId ?? ''),
    enabled: user !== undefined && !!experimentId,
  });
  return user === undefined || data?.permission === 'MANAGE';
}
