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
            queryClient.clear();
            void queryClient.invalidateQueries({ queryKey: authQueries.all() });
          });
        }}
      >
        Sign out
      </button>
    </div>
  );
}
