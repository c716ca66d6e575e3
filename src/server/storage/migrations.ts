// Versioned schema migrations. Each entry runs once, in order, inside a transaction, and
// `schema_version` records the highest applied. Never edit an applied migration: add one.
//
// The layout is designed for a million traces (see docs/architecture.md, "Storage"):
// - traces are paged by (experiment_id, timestamp_ms DESC, trace_id) through an index;
// - tag and metadata live in narrow key/value tables with a (key, value) index, so a rare
//   value filter is an index seek rather than a scan (MLflow's schema has no such index);
// - spans keep MLflow's span-dict JSON in `content` beside a searchable projection
//   (name, type, status) so span filters never parse JSON;
// - assessments have their own table, with the value stored as JSON text like MLflow.
export interface Migration {
  version: number;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
CREATE TABLE experiments (
  experiment_id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  artifact_location TEXT NOT NULL,
  lifecycle_stage TEXT NOT NULL DEFAULT 'active',
  creation_time INTEGER NOT NULL,
  last_update_time INTEGER NOT NULL
);
CREATE TABLE experiment_tags (
  experiment_id INTEGER NOT NULL REFERENCES experiments(experiment_id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (experiment_id, key)
);
CREATE TABLE traces (
  trace_id TEXT PRIMARY KEY,
  experiment_id INTEGER NOT NULL REFERENCES experiments(experiment_id),
  client_request_id TEXT,
  timestamp_ms INTEGER NOT NULL,
  execution_time_ms INTEGER,
  state TEXT NOT NULL,
  request_preview TEXT,
  response_preview TEXT
);
CREATE INDEX traces_by_time ON traces (experiment_id, timestamp_ms DESC, trace_id);
CREATE INDEX traces_by_duration ON traces (experiment_id, execution_time_ms);
CREATE INDEX traces_by_client_request_id ON traces (client_request_id) WHERE client_request_id IS NOT NULL;
CREATE TABLE trace_tags (
  trace_id TEXT NOT NULL REFERENCES traces(trace_id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (trace_id, key)
) WITHOUT ROWID;
CREATE INDEX trace_tags_by_value ON trace_tags (key, value, trace_id);
CREATE TABLE trace_metadata (
  trace_id TEXT NOT NULL REFERENCES traces(trace_id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (trace_id, key)
) WITHOUT ROWID;
CREATE INDEX trace_metadata_by_value ON trace_metadata (key, value, trace_id);
CREATE TABLE spans (
  trace_id TEXT NOT NULL REFERENCES traces(trace_id) ON DELETE CASCADE,
  span_id TEXT NOT NULL,
  parent_span_id TEXT,
  name TEXT NOT NULL,
  type TEXT,
  status TEXT NOT NULL,
  start_time_ns INTEGER NOT NULL,
  end_time_ns INTEGER,
  content TEXT NOT NULL,
  PRIMARY KEY (trace_id, span_id)
) WITHOUT ROWID;
CREATE INDEX spans_by_name ON spans (name, trace_id);
CREATE INDEX spans_by_type ON spans (type, trace_id);
CREATE TABLE assessments (
  assessment_id TEXT PRIMARY KEY,
  trace_id TEXT NOT NULL REFERENCES traces(trace_id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  type TEXT NOT NULL,
  value TEXT,
  valid INTEGER NOT NULL DEFAULT 1,
  overrides TEXT,
  span_id TEXT,
  source_type TEXT NOT NULL,
  source_id TEXT,
  rationale TEXT,
  metadata TEXT,
  error TEXT,
  create_time INTEGER NOT NULL,
  last_update_time INTEGER NOT NULL
);
CREATE INDEX assessments_by_trace ON assessments (trace_id);
CREATE INDEX assessments_by_name ON assessments (name, type, valid, trace_id);
CREATE TABLE trace_run_links (
  trace_id TEXT NOT NULL REFERENCES traces(trace_id) ON DELETE CASCADE,
  run_id TEXT NOT NULL,
  PRIMARY KEY (trace_id, run_id)
) WITHOUT ROWID;
CREATE INDEX trace_run_links_by_run ON trace_run_links (run_id, trace_id);
CREATE TABLE trace_prompt_links (
  trace_id TEXT NOT NULL REFERENCES traces(trace_id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  version TEXT NOT NULL,
  PRIMARY KEY (trace_id, name, version)
) WITHOUT ROWID;
CREATE INDEX trace_prompt_links_by_prompt ON trace_prompt_links (name, version, trace_id);
`,
  },
  {
    // Saved views of the explorer (saved-views/saved-view-store.ts), per experiment. experiment_id is
    // text and no foreign key, like the auth grants: views outlive nothing else and are removed with
    // their experiment only by an explicit delete. At most one default per experiment (partial index).
    version: 2,
    sql: `
CREATE TABLE saved_views (
  view_id TEXT PRIMARY KEY,
  experiment_id TEXT NOT NULL,
  name TEXT NOT NULL,
  owner TEXT,
  visibility TEXT NOT NULL,
  body TEXT NOT NULL,
  is_default INTEGER NOT NULL DEFAULT 0,
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL
);
CREATE INDEX saved_views_by_experiment ON saved_views (experiment_id, name, view_id);
CREATE UNIQUE INDEX saved_views_one_default ON saved_views (experiment_id) WHERE is_default = 1;
`,
  },
];
