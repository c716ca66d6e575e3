import { useEffect, useState, type ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { authQueries } from './auth-api.ts';
import { SignInPage } from './SignInPage.tsx';

const isUnauthenticated = (error: unknown) => (error as { status?: number } | null)?.status === 401;

/**
 * With auth on, shows the sign-in page instead of the app while nobody is signed in. Any request
 * answered 401 (a session that ended mid-way) asks the server again who is signed in, which
 * brings the sign-in page up over the unchanged URL.
 */
export function AuthGate({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const status = useQuery(authQueries.status());
  const [expired, setExpired] = useState(false);

  useEffect(() => {
    const recheck = () => {
      setExpired(true);
      void queryClient.invalidateQueries({ queryKey: authQueries.status().queryKey });
    };
    const unsubscribeQueries = queryClient.getQueryCache().subscribe((event) => {
      if (event.type === 'updated' && event.action.type === 'error' && isUnauthenticated(event.action.error)) recheck();
    });
    const unsubscribeMutations = queryClient.getMutationCache().subscribe((event) => {
      if (event.type === 'updated' && event.action.type === 'error' && isUnauthenticated(event.action.error)) recheck();
    });
    return () => {
      unsubscribeQueries();
      unsubscribeMutations();
    };
  }, [queryClient]);

  if (status.isPending) return null;
  if (status.data?.auth_enabled && !status.data.user) return <SignInPage expired={expired} />;
  return <>{children}</>;
}
