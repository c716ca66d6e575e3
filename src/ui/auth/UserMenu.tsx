import { useQueryClient } from '@tanstack/react-query';
import { navigate } from '../navigation.ts';
import { authQueries, signOut } from './auth-api.ts';
import { useSignedInUser } from './useAuthStatus.ts';
import './auth.css';

/** The signed-in user, a link to the admin page and sign-out; nothing when auth is off. */
export function UserMenu({ experimentId }: { experimentId: string }) {
  const user = useSignedInUser();
  const queryClient = useQueryClient();
  if (!user) return null;
  const adminHref = `/admin?experiment=${encodeURIComponent(experimentId)}`;
  return (
    <div className="user-menu">
      <span className="user-menu-name" title="Signed in">
        {user.username}
      </span>
      <a
        href={adminHref}
        onClick={(e) => {
          e.preventDefault();
          navigate(adminHref);
        }}
      >
        {user.is_admin ? 'Admin' : 'Access tokens'}
      </a>
      <button
        type="button"
        onClick={() => {
          void signOut().finally(() => {
            // Signed out first, so the page unmounts; then nothing of this user's data stays cached.
            queryClient.setQueryData(authQueries.status().queryKey, { auth_enabled: true });
            const status = authQueries.status().queryKey;
            queryClient.removeQueries({ predicate: (q) => q.queryKey.join('/') !== status.join('/') });
          });
        }}
      >
        Sign out
      </button>
    </div>
  );
}
