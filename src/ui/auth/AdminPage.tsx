import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { experimentQueries } from '../api/experiment-queries.ts';
import {
  authQueries,
  createToken,
  createUser,
  deleteGrant,
  deleteUser,
  PERMISSIONS,
  putGrant,
  revokeToken,
  setAdmin,
  TOKEN_LEVELS,
  type PermissionName,
  type TokenLevel,
} from './auth-api.ts';
import { useSignedInUser } from './useAuthStatus.ts';
import './auth.css';

const when = (ms: number | null) => (ms === null ? 'never' : new Date(ms).toLocaleString());

function ErrorLine({ error }: { error: Error | null }) {
  if (!error) return null;
  return (
    <p className="td-error-box" role="alert">
      {error.message}
    </p>
  );
}

/** Users (admins only), the grants of the current experiment, and access tokens. */
export function AdminPage({ experimentId }: { experimentId: string }) {
  const user = useSignedInUser();
  if (!user) return <p className="placeholder">Authentication is off on this server: there is nothing to manage.</p>;
  return (
    <div className="admin-page">
      {user.is_admin && <UsersSection self={user.username} />}
      <GrantsSection experimentId={experimentId} />
      <TokensSection experimentId={experimentId} all={user.is_admin} />
    </div>
  );
}

function UsersSection({ self }: { self: string }) {
  const queryClient = useQueryClient();
  const users = useQuery(authQueries.users());
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const refresh = () => queryClient.invalidateQueries({ queryKey: authQueries.users().queryKey });
  const create = useMutation({ mutationFn: () => createUser(username.trim(), password), onSuccess: refresh });
  const change = useMutation({
    mutationFn: (a: { kind: 'admin'; username: string; value: boolean } | { kind: 'delete'; username: string }) =>
      a.kind === 'admin' ? setAdmin(a.username, a.value) : deleteUser(a.username),
    onSettled: refresh,
  });
  return (
    <section className="admin-section" aria-label="Users">
      <h2>Users</h2>
      <ErrorLine error={users.error ?? change.error} />
      <table className="admin-table">
        <thead>
          <tr>
            <th>User</th>
            <th>Admin</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(users.data ?? []).map((u) => (
            <tr key={u.id}>
              <td>{u.username}</td>
              <td>
                <input
                  type="checkbox"
                  aria-label={`${u.username} is an admin`}
                  checked={u.is_admin}
                  disabled={u.username === self}
                  onChange={(e) => change.mutate({ kind: 'admin', username: u.username, value: e.target.checked })}
                />
              </td>
              <td>
                {u.username !== self && (
                  <button type="button" onClick={() => change.mutate({ kind: 'delete', username: u.username })}>
                    Delete {u.username}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form
        className="admin-form"
        aria-label="New user"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate(undefined, {
            onSuccess: () => {
              setUsername('');
              setPassword('');
            },
          });
        }}
      >
        <label>
          User name <input value={username} onChange={(e) => setUsername(e.target.value)} required />
        </label>
        <label>
          Password{' '}
          <input
            type="password"
            autoComplete="new-password"
            minLength={12}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        <button type="submit">Create user</button>
        <ErrorLine error={create.error} />
      </form>
    </section>
  );
}

function GrantsSection({ experimentId }: { experimentId: string }) {
  const queryClient = useQueryClient();
  const grants = useQuery(authQueries.grants(experimentId));
  const experiments = useQuery(experimentQueries.list());
  const name = experiments.data?.find((e) => e.experiment_id === experimentId)?.name ?? experimentId;
  const [username, setUsername] = useState('');
  const [permission, setPermission] = useState<PermissionName>('READ');
  const existing = new Set((grants.data?.permissions ?? []).map((g) => g.username));
  const change = useMutation({
    mutationFn: (a: { username: string; permission?: PermissionName }) =>
      a.permission
        ? putGrant(experimentId, a.username, a.permission, existing.has(a.username))
        : deleteGrant(experimentId, a.username),
    onSettled: () => queryClient.invalidateQueries({ queryKey: authQueries.grants(experimentId).queryKey }),
  });
  return (
    <section className="admin-section" aria-label="Experiment grants">
      <h2>Who may use experiment “{name}”</h2>
      {grants.error ? (
        <p className="td-muted">You need MANAGE on this experiment to see and change its grants.</p>
      ) : (
        <>
          <p className="td-muted">Everyone else: {grants.data?.default_permission ?? '…'} (the server's default).</p>
          <table className="admin-table">
            <tbody>
              {(grants.data?.permissions ?? []).map((g) => (
                <tr key={g.username}>
                  <td>{g.username}</td>
                  <td>
                    <select
                      aria-label={`Permission of ${g.username}`}
                      value={g.permission}
                      onChange={(e) =>
                        change.mutate({ username: g.username, permission: e.target.value as PermissionName })
                      }
                    >
                      {PERMISSIONS.map((p) => (
                        <option key={p}>{p}</option>
                      ))}
                    </select>
                  </td>
                  <td>
                    <button type="button" onClick={() => change.mutate({ username: g.username })}>
                      Remove grant of {g.username}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <form
            className="admin-form"
            aria-label="New grant"
            onSubmit={(e) => {
              e.preventDefault();
              change.mutate({ username: username.trim(), permission }, { onSuccess: () => setUsername('') });
            }}
          >
            <label>
              User <input value={username} onChange={(e) => setUsername(e.target.value)} required />
            </label>
            <label>
              Permission{' '}
              <select value={permission} onChange={(e) => setPermission(e.target.value as PermissionName)}>
                {PERMISSIONS.map((p) => (
                  <option key={p}>{p}</option>
                ))}
              </select>
            </label>
            <button type="submit">Grant</button>
          </form>
          <ErrorLine error={change.error} />
        </>
      )}
    </section>
  );
}

function TokensSection({ experimentId, all }: { experimentId: string; all: boolean }) {
  const queryClient = useQueryClient();
  const tokens = useQuery(authQueries.tokens(all));
  const [name, setName] = useState('');
  const [level, setLevel] = useState<TokenLevel>('ingest');
  const [ids, setIds] = useState(experimentId);
  const [secret, setSecret] = useState<string | undefined>();
  const refresh = () => queryClient.invalidateQueries({ queryKey: [...authQueries.all(), 'tokens'] });
  const create = useMutation({
    mutationFn: () =>
      createToken(
        name.trim(),
        level,
        ids
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      ),
    onSuccess: (made) => {
      setSecret(made.secret);
      setName('');
      void refresh();
    },
  });
  const revoke = useMutation({ mutationFn: revokeToken, onSettled: refresh });
  return (
    <section className="admin-section" aria-label="Access tokens">
      <h2>Access tokens</h2>
      <p className="td-muted">
        For SDKs and OpenTelemetry exporters: <code>Authorization: Bearer &lt;token&gt;</code> or{' '}
        <code>MLFLOW_TRACKING_TOKEN</code>. An ingest token can only send traces.
      </p>
      {secret && (
        <div className="token-secret" role="status">
          <p>Copy the token now: it is not shown again.</p>
          <code aria-label="New token">{secret}</code>{' '}
          <button type="button" onClick={() => void navigator.clipboard?.writeText(secret)}>
            Copy
          </button>{' '}
          <button type="button" onClick={() => setSecret(undefined)}>
            Done
          </button>
        </div>
      )}
      <form
        className="admin-form"
        aria-label="New token"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <label>
          Name <input value={name} onChange={(e) => setName(e.target.value)} required />
        </label>
        <label>
          Level{' '}
          <select value={level} onChange={(e) => setLevel(e.target.value as TokenLevel)}>
            {TOKEN_LEVELS.map((l) => (
              <option key={l}>{l}</option>
            ))}
          </select>
        </label>
        <label>
          Experiment ids <input value={ids} onChange={(e) => setIds(e.target.value)} required />
        </label>
        <button type="submit">Create token</button>
        <ErrorLine error={create.error} />
      </form>
      <ErrorLine error={tokens.error ?? revoke.error} />
      <table className="admin-table">
        <thead>
          <tr>
            <th>Name</th>
            {all && <th>User</th>}
            <th>Level</th>
            <th>Experiments</th>
            <th>Created</th>
            <th>Last used</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(tokens.data ?? []).map((t) => (
            <tr key={t.id}>
              <td>{t.name}</td>
              {all && <td>{t.username}</td>}
              <td>{t.level}</td>
              <td>{t.experiment_ids.join(', ')}</td>
              <td>{when(t.created_at_ms)}</td>
              <td>{when(t.last_used_at_ms)}</td>
              <td>
                <button type="button" onClick={() => revoke.mutate(t.id)}>
                  Revoke {t.name}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
