import { queryOptions } from '@tanstack/react-query';
import { EXTENSION_PREFIX } from '../../core/model.ts';
import { api, apiRequest } from '../api/http-client.ts';

export interface AuthUser {
  username: string;
  is_admin: boolean;
}

export interface AuthStatus {
  auth_enabled: boolean;
  user?: AuthUser;
}

export type PermissionName = 'READ' | 'EDIT' | 'MANAGE' | 'NO_PERMISSIONS';
export const PERMISSIONS: PermissionName[] = ['READ', 'EDIT', 'MANAGE', 'NO_PERMISSIONS'];
export type TokenLevel = 'ingest' | 'read' | 'edit';
export const TOKEN_LEVELS: TokenLevel[] = ['ingest', 'read', 'edit'];

export interface UserRow {
  id: number;
  username: string;
  is_admin: boolean;
}
export interface GrantRow {
  experiment_id: string;
  username: string;
  permission: PermissionName;
}
export interface TokenRow {
  id: string;
  name: string;
  username: string;
  level: TokenLevel;
  experiment_ids: string[];
  created_at_ms: number;
  last_used_at_ms: number | null;
}

const ext = (path: string) => api(`${EXTENSION_PREFIX.slice(1)}/${path}`);
const mlflow = (path: string) => api(`2.0/mlflow/${path}`);

export const authQueries = {
  all: () => ['auth'] as const,
  /** Who is signed in, and whether the server has auth at all (a server without the endpoint has none). */
  status: () =>
    queryOptions({
      queryKey: [...authQueries.all(), 'status'],
      queryFn: async ({ signal }) => {
        try {
          return await apiRequest<AuthStatus>('GET', ext('auth/status'), undefined, signal);
        } catch (error) {
          if ((error as { status?: number }).status === 404) return { auth_enabled: false } satisfies AuthStatus;
          throw error;
        }
      },
      staleTime: Infinity,
      retry: false,
    }),
  myPermission: (experimentId: string) =>
    queryOptions({
      queryKey: [...authQueries.all(), 'my-permission', experimentId],
      queryFn: ({ signal }) =>
        apiRequest<{ permission: PermissionName; token_level?: TokenLevel }>(
          'GET',
          `${ext('experiments/my-permission')}?experiment_id=${encodeURIComponent(experimentId)}`,
          undefined,
          signal,
        ),
      staleTime: 60_000,
      retry: false,
    }),
  users: () =>
    queryOptions({
      queryKey: [...authQueries.all(), 'users'],
      queryFn: async ({ signal }) =>
        (await apiRequest<{ users: UserRow[] }>('GET', mlflow('users/list'), undefined, signal)).users,
    }),
  grants: (experimentId: string) =>
    queryOptions({
      queryKey: [...authQueries.all(), 'grants', experimentId],
      queryFn: ({ signal }) =>
        apiRequest<{ permissions: GrantRow[]; default_permission: PermissionName }>(
          'GET',
          `${ext('experiments/permissions/list')}?experiment_id=${encodeURIComponent(experimentId)}`,
          undefined,
          signal,
        ),
      retry: false,
    }),
  tokens: (all: boolean) =>
    queryOptions({
      queryKey: [...authQueries.all(), 'tokens', all],
      queryFn: async ({ signal }) =>
        (
          await apiRequest<{ tokens: TokenRow[] }>(
            'GET',
            `${ext('tokens/list')}${all ? '?all=true' : ''}`,
            undefined,
            signal,
          )
        ).tokens,
    }),
};

export const signIn = (username: string, password: string) =>
  apiRequest<{ user: AuthUser }>('POST', ext('auth/sign-in'), { username, password });
export const signOut = () => apiRequest<object>('POST', ext('auth/sign-out'), {});

export const createUser = (username: string, password: string) =>
  apiRequest<object>('POST', mlflow('users/create'), { username, password });
export const setAdmin = (username: string, isAdmin: boolean) =>
  apiRequest<object>('PATCH', mlflow('users/update-admin'), { username, is_admin: isAdmin });
export const deleteUser = (username: string) => apiRequest<object>('DELETE', mlflow('users/delete'), { username });

export const putGrant = async (experimentId: string, username: string, permission: PermissionName, exists: boolean) =>
  apiRequest<object>(exists ? 'PATCH' : 'POST', mlflow(`experiments/permissions/${exists ? 'update' : 'create'}`), {
    experiment_id: experimentId,
    username,
    permission,
  });
export const deleteGrant = (experimentId: string, username: string) =>
  apiRequest<object>('DELETE', mlflow('experiments/permissions/delete'), { experiment_id: experimentId, username });

export const createToken = (name: string, level: TokenLevel, experimentIds: string[]) =>
  apiRequest<{ token: TokenRow; secret: string }>('POST', ext('tokens/create'), {
    name,
    level,
    experiment_ids: experimentIds,
  });
export const revokeToken = (tokenId: string) => apiRequest<object>('POST', ext('tokens/revoke'), { token_id: tokenId });
