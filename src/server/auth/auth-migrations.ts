// The auth tables' own versioned migrations, tracked in `auth_schema_version` so they never
// collide with the trace schema's numbering. Never edit an applied migration: add one.
// Each version carries the same schema in both dialects (types differ: booleans, identities).
export interface AuthMigration {
  version: number;
  sqlite: string;
  postgres: string;
}

export const AUTH_MIGRATIONS: readonly AuthMigration[] = [
  {
    version: 1,
    sqlite: `
CREATE TABLE auth_users (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  is_admin INTEGER NOT NULL DEFAULT 0,
  created_at_ms INTEGER NOT NULL
);
-- experiment_id is not a foreign key: MLflow lets a grant name an experiment that does not exist yet.
CREATE TABLE auth_experiment_permissions (
  experiment_id TEXT NOT NULL,
  user_id INTEGER NOT NULL REFERENCES auth_users(id) ON DELETE CASCADE,
  permission TEXT NOT NULL,
  PRIMARY KEY (experiment_id, user_id)
);
CREATE INDEX auth_experiment_permissions_by_user ON auth_experiment_permissions (user_id, experiment_id);
CREATE TABLE auth_tokens (
  id TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES auth_users(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  level TEXT NOT NULL,
  experiment_ids TEXT NOT NULL,
  secret_hash TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  last_used_at_ms INTEGER
);
CREATE INDEX auth_tokens_by_user ON auth_tokens (user_id, created_at_ms);
CREATE TABLE auth_sessions (
  id_digest TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES auth_users(id) ON DELETE CASCADE,
  expires_at_ms INTEGER NOT NULL
);
CREATE INDEX auth_sessions_by_user ON auth_sessions (user_id);
CREATE TABLE auth_audit (
  id INTEGER PRIMARY KEY,
  time_ms INTEGER NOT NULL,
  username TEXT NOT NULL,
  action TEXT NOT NULL,
  experiment_id TEXT,
  trace_id TEXT,
  detail TEXT
);
CREATE INDEX auth_audit_by_trace ON auth_audit (trace_id, id) WHERE trace_id IS NOT NULL;
`,
    postgres: `
CREATE TABLE auth_users (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  is_admin BOOLEAN NOT NULL DEFAULT FALSE,
  created_at_ms BIGINT NOT NULL
);
CREATE TABLE auth_experiment_permissions (
  experiment_id TEXT NOT NULL,
  user_id BIGINT NOT NULL REFERENCES auth_users(id) ON DELETE CASCADE,
  permission TEXT NOT NULL,
  PRIMARY KEY (experiment_id, user_id)
);
CREATE INDEX auth_experiment_permissions_by_user ON auth_experiment_permissions (user_id, experiment_id);
CREATE TABLE auth_tokens (
  id TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES auth_users(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  level TEXT NOT NULL,
  experiment_ids TEXT NOT NULL,
  secret_hash TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  last_used_at_ms BIGINT
);
CREATE INDEX auth_tokens_by_user ON auth_tokens (user_id, created_at_ms);
CREATE TABLE auth_sessions (
  id_digest TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES auth_users(id) ON DELETE CASCADE,
  expires_at_ms BIGINT NOT NULL
);
CREATE INDEX auth_sessions_by_user ON auth_sessions (user_id);
CREATE TABLE auth_audit (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  time_ms BIGINT NOT NULL,
  username TEXT NOT NULL,
  action TEXT NOT NULL,
  experiment_id TEXT,
  trace_id TEXT,
  detail TEXT
);
CREATE INDEX auth_audit_by_trace ON auth_audit (trace_id, id) WHERE trace_id IS NOT NULL;
`,
  },
];
