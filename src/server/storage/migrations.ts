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
  /**
   * Rebuilds a parent table (create new, copy, drop old, rename): SQLite's DROP TABLE of a parent with
   * foreign keys on would cascade into its children, so the runner turns them off around this
   * migration's transaction and checks every reference before it commits (SQLite's documented procedure).
   */
  rebuildsParentTable?: boolean;
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
    // Live tail (routes/tail-routes.ts): a change sequence on traces, so "what changed since the
    // explorer last looked" is one range seek on (experiment_id, change_seq) whatever the trace
    // timestamps (clients send request times in the past, OTLP spans arrive late). The counter is
    // its own row, not MAX(change_seq): deleting the newest trace must not hand its number out
    // again. Triggers stamp every write path (StartTraceV3, OTLP batches, bulk loads) at once;
    // SQLite has one writer, so sequence order is commit order and a reader never skips a number
    // that commits later. created_seq tells a trace new to a watcher from one that only changed.
    version: 2,
    sql: `
CREATE TABLE trace_change_clock (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL);
INSERT INTO trace_change_clock (id, seq) VALUES (1, 0);
ALTER TABLE traces ADD COLUMN created_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE traces ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0;
CREATE INDEX traces_by_change ON traces (experiment_id, change_seq);
CREATE TRIGGER traces_change_on_insert AFTER INSERT ON traces BEGIN
  UPDATE trace_change_clock SET seq = seq + 1 WHERE id = 1;
  UPDATE traces SET created_seq = (SELECT seq FROM trace_change_clock WHERE id = 1),
    change_seq = (SELECT seq FROM trace_change_clock WHERE id = 1) WHERE rowid = NEW.rowid;
END;
CREATE TRIGGER traces_change_on_update
AFTER UPDATE OF timestamp_ms, execution_time_ms, state, request_preview, response_preview ON traces BEGIN
  UPDATE trace_change_clock SET seq = seq + 1 WHERE id = 1;
  UPDATE traces SET change_seq = (SELECT seq FROM trace_change_clock WHERE id = 1) WHERE rowid = NEW.rowid;
END;
`,
  },
  {
    // Review queues (issue 17): a named list of traces per experiment that reviewers work through.
    // Items are claimed with a lease so two reviewers never hold the same item; "next" reads
    // review_queue_items_next (pending or skipped items of one queue in work order), so it stays
    // an index seek however many items are done. Items follow their trace (ON DELETE CASCADE,
    // through review_queue_items_by_trace). live_state holds a live queue's watermark as JSON.
    version: 3,
    sql: `
CREATE TABLE review_queues (
  queue_id INTEGER PRIMARY KEY,
  experiment_id INTEGER NOT NULL REFERENCES experiments(experiment_id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  instructions TEXT NOT NULL DEFAULT '',
  label_names TEXT NOT NULL DEFAULT '[]',
  live_filter TEXT,
  live_state TEXT,
  created_by TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  UNIQUE (experiment_id, name)
);
CREATE TABLE review_queue_items (
  item_id INTEGER PRIMARY KEY,
  queue_id INTEGER NOT NULL REFERENCES review_queues(queue_id) ON DELETE CASCADE,
  trace_id TEXT NOT NULL REFERENCES traces(trace_id) ON DELETE CASCADE,
  added_at_ms INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending',
  skipped_at_ms INTEGER,
  claimed_by TEXT,
  claim_expires_ms INTEGER,
  completed_by TEXT,
  completed_at_ms INTEGER,
  UNIQUE (queue_id, trace_id)
);
CREATE INDEX review_queue_items_next ON review_queue_items (queue_id, status, item_id);
CREATE INDEX review_queue_items_done_by ON review_queue_items (queue_id, completed_by) WHERE status = 'done';
CREATE INDEX review_queue_items_by_trace ON review_queue_items (trace_id);
`,
  },
  {
    // Saved views of the explorer (saved-views/saved-view-store.ts), per experiment. experiment_id is
    // text and no foreign key, like the auth grants: views outlive nothing else and are removed with
    // their experiment only by an explicit delete. At most one default per experiment (partial index).
    version: 4,
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
  {
    // Spans become an append-only rowid table (issue 14). As WITHOUT ROWID keyed by (trace_id,
    // span_id), each ≈ 700-byte row sat in the primary-key B-tree itself: a random trace id put every
    // new span on a random leaf holding ≈ 5 rows, so ingest read (and split, and wrote to the WAL) a
    // cold page per span. Now new rows go to the table's last page and only the narrow (trace_id,
    // span_id) key is random: ≈ 60 entries per leaf, so the hot part stays cached. Measured at 100k
    // traces: 166 → 54 µs of CPU per span inserted (bench/RESULTS.md, 2026-12-02 ingest). Column names,
    // the uniqueness (the upsert's conflict target) and the name/type indexes are unchanged, so no
    // query changes; a trace's spans stay adjacent, since a batch writes them together.
    version: 5,
    sql: `
CREATE TABLE spans_by_arrival (
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
);
INSERT INTO spans_by_arrival (trace_id, span_id, parent_span_id, name, type, status, start_time_ns, end_time_ns, content)
  SELECT trace_id, span_id, parent_span_id, name, type, status, start_time_ns, end_time_ns, content FROM spans
  ORDER BY trace_id, span_id;
DROP TABLE spans;
ALTER TABLE spans_by_arrival RENAME TO spans;
CREATE INDEX spans_by_name ON spans (name, trace_id);
CREATE INDEX spans_by_type ON spans (type, trace_id);
`,
  },
  {
    // Child tables keyed by an append-mostly trace key, as PostgreSQL keys them (issue 14). The random
    // `tr-<32 hex>` trace id led every child key and every (key, value, trace_id) / (name, trace_id)
    // index, so each new trace dirtied a random leaf per index: 38.7 WAL pages written per trace at
    // 100k traces. `traces.trace_key` is the rowid (INTEGER PRIMARY KEY), given in insertion order, so
    // a new trace's child rows and index entries land on the right-most pages of each B-tree: 15.4
    // pages per trace in the same measurement (bench/RESULTS.md, 2026-12-02 ingest). trace_id stays
    // the external id (UNIQUE; review queue items still reference it). Keys are the old rowids, so
    // the existing traces keep their insertion order. Children are copied in (trace_key, …) order,
    // which packs their new B-trees densely. Triggers of migration 2 are recreated unchanged.
    version: 6,
    rebuildsParentTable: true,
    sql: `
CREATE TABLE traces_v6 (
  trace_key INTEGER PRIMARY KEY,
  trace_id TEXT NOT NULL UNIQUE,
  experiment_id INTEGER NOT NULL REFERENCES experiments(experiment_id),
  client_request_id TEXT,
  timestamp_ms INTEGER NOT NULL,
  execution_time_ms INTEGER,
  state TEXT NOT NULL,
  request_preview TEXT,
  response_preview TEXT,
  created_seq INTEGER NOT NULL DEFAULT 0,
  change_seq INTEGER NOT NULL DEFAULT 0
);
INSERT INTO traces_v6 (trace_key, trace_id, experiment_id, client_request_id, timestamp_ms, execution_time_ms, state,
    request_preview, response_preview, created_seq, change_seq)
  SELECT rowid, trace_id, experiment_id, client_request_id, timestamp_ms, execution_time_ms, state,
    request_preview, response_preview, created_seq, change_seq FROM traces ORDER BY rowid;

CREATE TABLE trace_tags_v6 (
  trace_key INTEGER NOT NULL REFERENCES traces(trace_key) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (trace_key, key)
) WITHOUT ROWID;
INSERT INTO trace_tags_v6 (trace_key, key, value)
  SELECT t.trace_key, g.key, g.value FROM traces_v6 t JOIN trace_tags g ON g.trace_id = t.trace_id ORDER BY t.trace_key, g.key;
CREATE TABLE trace_metadata_v6 (
  trace_key INTEGER NOT NULL REFERENCES traces(trace_key) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (trace_key, key)
) WITHOUT ROWID;
INSERT INTO trace_metadata_v6 (trace_key, key, value)
  SELECT t.trace_key, g.key, g.value FROM traces_v6 t JOIN trace_metadata g ON g.trace_id = t.trace_id ORDER BY t.trace_key, g.key;
CREATE TABLE spans_v6 (
  trace_key INTEGER NOT NULL REFERENCES traces(trace_key) ON DELETE CASCADE,
  span_id TEXT NOT NULL,
  parent_span_id TEXT,
  name TEXT NOT NULL,
  type TEXT,
  status TEXT NOT NULL,
  start_time_ns INTEGER NOT NULL,
  end_time_ns INTEGER,
  content TEXT NOT NULL,
  PRIMARY KEY (trace_key, span_id)
);
INSERT INTO spans_v6 (trace_key, span_id, parent_span_id, name, type, status, start_time_ns, end_time_ns, content)
  SELECT t.trace_key, s.span_id, s.parent_span_id, s.name, s.type, s.status, s.start_time_ns, s.end_time_ns, s.content
  FROM traces_v6 t JOIN spans s ON s.trace_id = t.trace_id ORDER BY t.trace_key, s.span_id;
CREATE TABLE assessments_v6 (
  assessment_id TEXT PRIMARY KEY,
  trace_key INTEGER NOT NULL REFERENCES traces(trace_key) ON DELETE CASCADE,
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
INSERT INTO assessments_v6 (assessment_id, trace_key, name, type, value, valid, overrides, span_id, source_type, source_id,
    rationale, metadata, error, create_time, last_update_time)
  SELECT a.assessment_id, t.trace_key, a.name, a.type, a.value, a.valid, a.overrides, a.span_id, a.source_type, a.source_id,
    a.rationale, a.metadata, a.error, a.create_time, a.last_update_time
  FROM traces_v6 t JOIN assessments a ON a.trace_id = t.trace_id ORDER BY a.rowid;
CREATE TABLE trace_run_links_v6 (
  trace_key INTEGER NOT NULL REFERENCES traces(trace_key) ON DELETE CASCADE,
  run_id TEXT NOT NULL,
  PRIMARY KEY (trace_key, run_id)
) WITHOUT ROWID;
INSERT INTO trace_run_links_v6 (trace_key, run_id)
  SELECT t.trace_key, l.run_id FROM traces_v6 t JOIN trace_run_links l ON l.trace_id = t.trace_id;
CREATE TABLE trace_prompt_links_v6 (
  trace_key INTEGER NOT NULL REFERENCES traces(trace_key) ON DELETE CASCADE,
  name TEXT NOT NULL,
  version TEXT NOT NULL,
  PRIMARY KEY (trace_key, name, version)
) WITHOUT ROWID;
INSERT INTO trace_prompt_links_v6 (trace_key, name, version)
  SELECT t.trace_key, l.name, l.version FROM traces_v6 t JOIN trace_prompt_links l ON l.trace_id = t.trace_id;

DROP TABLE trace_tags;
DROP TABLE trace_metadata;
DROP TABLE spans;
DROP TABLE assessments;
DROP TABLE trace_run_links;
DROP TABLE trace_prompt_links;
DROP TABLE traces;
ALTER TABLE traces_v6 RENAME TO traces;
ALTER TABLE trace_tags_v6 RENAME TO trace_tags;
ALTER TABLE trace_metadata_v6 RENAME TO trace_metadata;
ALTER TABLE spans_v6 RENAME TO spans;
ALTER TABLE assessments_v6 RENAME TO assessments;
ALTER TABLE trace_run_links_v6 RENAME TO trace_run_links;
ALTER TABLE trace_prompt_links_v6 RENAME TO trace_prompt_links;

CREATE INDEX traces_by_time ON traces (experiment_id, timestamp_ms DESC, trace_id);
CREATE INDEX traces_by_duration ON traces (experiment_id, execution_time_ms);
CREATE INDEX traces_by_client_request_id ON traces (client_request_id) WHERE client_request_id IS NOT NULL;
CREATE INDEX traces_by_change ON traces (experiment_id, change_seq);
CREATE INDEX trace_tags_by_value ON trace_tags (key, value, trace_key);
CREATE INDEX trace_metadata_by_value ON trace_metadata (key, value, trace_key);
CREATE INDEX spans_by_name ON spans (name, trace_key);
CREATE INDEX spans_by_type ON spans (type, trace_key);
CREATE INDEX assessments_by_trace ON assessments (trace_key);
CREATE INDEX assessments_by_name ON assessments (name, type, valid, trace_key);
CREATE INDEX trace_run_links_by_run ON trace_run_links (run_id, trace_key);
CREATE INDEX trace_prompt_links_by_prompt ON trace_prompt_links (name, version, trace_key);

CREATE TRIGGER traces_change_on_insert AFTER INSERT ON traces BEGIN
  UPDATE trace_change_clock SET seq = seq + 1 WHERE id = 1;
  UPDATE traces SET created_seq = (SELECT seq FROM trace_change_clock WHERE id = 1),
    change_seq = (SELECT seq FROM trace_change_clock WHERE id = 1) WHERE rowid = NEW.rowid;
END;
CREATE TRIGGER traces_change_on_update
AFTER UPDATE OF timestamp_ms, execution_time_ms, state, request_preview, response_preview ON traces BEGIN
  UPDATE trace_change_clock SET seq = seq + 1 WHERE id = 1;
  UPDATE traces SET change_seq = (SELECT seq FROM trace_change_clock WHERE id = 1) WHERE rowid = NEW.rowid;
END;
`,
  },
];
