import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { authQueries, signIn } from './auth-api.ts';
import './auth.css';

/**
 * Shown in place of the page while signed out. The URL is left alone, so signing in (also after
 * a session ends mid-way) returns to the same view.
 */
export function SignInPage({ expired }: { expired: boolean }) {
  const queryClient = useQueryClient();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [pending, setPending] = useState(false);
  return (
    <main className="auth-page">
      <form
        className="auth-card"
        aria-label="Sign in"
        onSubmit={(event) => {
          event.preventDefault();
          setPending(true);
          setError(undefined);
          signIn(username, password).then(
            async () => {
              setPassword('');
              await queryClient.invalidateQueries({ queryKey: authQueries.all() });
              // Queries that failed while signed out load again.
              await queryClient.resetQueries({ predicate: (q) => q.state.status === 'error' });
            },
            (e: Error) => {
              setPending(false);
              setError(e.message);
            },
          );
        }}
      >
        <h1>trace-explorer</h1>
        {expired && <p className="auth-note">Your session has ended. Sign in to continue where you were.</p>}
        <label>
          User name
          <input autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required />
        </label>
        <label>
          Password
          <input
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        {error && (
          <p className="td-error-box" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={pending}>
          Sign in
        </button>
      </form>
    </main>
  );
}
