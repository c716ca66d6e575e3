// Wire types shared by the server, the explorer and the SDK.
// Field names follow MLflow 3's REST JSON exactly (snake_case, enum names as strings),
// see docs/mlflow-contract.md §2. Extensions of this project live at the end of
// the file and are served under EXTENSION_PREFIX so that a plain MLflow server answers 404.

/** Milliseconds since the epoch, or a duration in milliseconds. */
export type Millis = number & { readonly __unit?: 'ms' };
/** Nanoseconds since the epoch (may exceed 2^53: treat as approximate in the browser). */
export type Nanos = number & { readonly __unit?: 'ns' };

export type TraceState = 'STATE_UNSPECIFIED' | 'OK' | 'ERROR' | 'IN_PROGRESS';
export const TRACE_STATES: readonly TraceState[] = ['STATE_UNSPECIFIED', 'OK', 'ERROR', 'IN_PROGRESS'];

export interface TraceLocation {
  type: 'MLFLOW_EXPERIMENT' | 'TRACE_LOCATION_TYPE_UNSPECIFIED' | 'INFERENCE_TABLE';
  mlflow_experiment?: { experiment_id: string };
}

export type AssessmentSourceType = 'HUMAN' | 'LLM_JUDGE' | 'CODE' | 'SOURCE_TYPE_UNSPECIFIED';

export interface AssessmentError {
  error_code?: string;
  error_message?: string;
  stack_trace?: string;
}

/** A JSON value as carried by google.protobuf.Value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface Assessment {
  assessment_id: string;
  assessment_name: string;
  trace_id: string;
  span_id?: string;
  source: { source_type: AssessmentSourceType; source_id?: string };
  /** RFC 3339 string. */
  create_time: string;
  last_update_time: string;
  feedback?: { value?: JsonValue; error?: AssessmentError };
  expectation?: { value?: JsonValue; serialized_value?: { serialization_format: string; value: string } };
  issue?: { issue_name: string };
  rationale?: string;
  metadata?: Record<string, string>;
  overrides?: string;
  valid: boolean;
}

export interface TraceInfo {
  trace_id: string;
  client_request_id?: string;
  trace_location: TraceLocation;
  request_preview?: string;
  response_preview?: string;
  /** RFC 3339 UTC string, e.g. "2025-02-19T09:52:23.140Z". */
  request_time: string;
  /** Decimal seconds with an `s` suffix, e.g. "0.532s"; absent when unknown. */
  execution_duration?: string;
  state: TraceState;
  trace_metadata: Record<string, string>;
  tags: Record<string, string>;
  assessments?: Assessment[];
}

/** A span in MLflow's "span dict" encoding (§2.3a): ids base64, attribute values JSON-encoded strings. */
export interface SpanDict {
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  name: string;
  start_time_unix_nano: Nanos;
  end_time_unix_nano: Nanos | null;
  events: { name: string; time_unix_nano: Nanos; attributes: Record<string, unknown> }[];
  status: { code: 'STATUS_CODE_OK' | 'STATUS_CODE_ERROR' | 'STATUS_CODE_UNSET'; message: string };
  attributes: Record<string, string>;
}

export interface Experiment {
  experiment_id: string;
  name: string;
  artifact_location: string;
  lifecycle_stage: 'active' | 'deleted';
  creation_time: Millis;
  last_update_time: Millis;
  tags?: { key: string; value: string }[];
}

/** MLflow's error envelope (§1.4). */
export interface ErrorEnvelope {
  error_code: string;
  message: string;
}

// ---- Reserved keys (§5) -------------------------------------------------------------------

export const METADATA = {
  user: 'mlflow.trace.user',
  session: 'mlflow.trace.session',
  tokenUsage: 'mlflow.trace.tokenUsage',
  cost: 'mlflow.trace.cost',
  sizeStats: 'mlflow.trace.sizeStats',
  sourceRun: 'mlflow.sourceRun',
  sourceName: 'mlflow.source.name',
  sourceType: 'mlflow.source.type',
  gitCommit: 'mlflow.source.git.commit',
  gitBranch: 'mlflow.source.git.branch',
  gitRepoUrl: 'mlflow.source.git.repoURL',
  schemaVersion: 'mlflow.trace_schema.version',
  infoFinalized: 'mlflow.trace.infoFinalized',
} as const;

export const TAGS = {
  traceName: 'mlflow.traceName',
  artifactLocation: 'mlflow.artifactLocation',
  spansLocation: 'mlflow.trace.spansLocation',
  linkedPrompts: 'mlflow.linkedPrompts',
} as const;

export const SPAN_ATTRIBUTES = {
  traceRequestId: 'mlflow.traceRequestId',
  experimentId: 'mlflow.experimentId',
  spanType: 'mlflow.spanType',
  inputs: 'mlflow.spanInputs',
  outputs: 'mlflow.spanOutputs',
  functionName: 'mlflow.spanFunctionName',
  tokenUsage: 'mlflow.chat.tokenUsage',
  cost: 'mlflow.llm.cost',
  model: 'mlflow.llm.model',
  provider: 'mlflow.llm.provider',
} as const;

/** This project's conventional context keys (trace metadata) used by the demo, the SDK and the explorer. */
export const CONTEXT_KEYS = {
  appVersion: 'app_version',
  environment: 'environment',
  deploymentId: 'deployment_id',
  region: 'region',
} as const;

// ---- Extensions (this project's own endpoints) -----------------------------------------------

/** Served under both /api and /ajax-api, e.g. POST /ajax-api/trace-explorer/v1/groups. */
export const EXTENSION_PREFIX = '/trace-explorer/v1';

/** GET {prefix}/capabilities */
export interface Capabilities {
  /** Filter dialects the search endpoint accepts: this server accepts 'extended' (OR, NOT, parentheses). */
  filter_dialects: ('mlflow' | 'extended')[];
  version: string;
  /** The optional features this server has (`keys`, `values`, `count`, `groups`, `metrics.dimensions`, …). */
  extensions?: string[];
}

export type KeyKind = 'tag' | 'metadata';

/** POST {prefix}/keys  {experiment_ids, limit?} → KeysResponse */
export interface KeysResponse {
  keys: { kind: KeyKind; key: string; count: number }[];
}

/** POST {prefix}/values  {experiment_ids, kind, key, prefix?, limit?} → ValuesResponse (most frequent first) */
export interface ValuesResponse {
  values: { value: string; count: number }[];
}

/** POST {prefix}/count  {experiment_ids, filter?, cap?} → CountResponse */
export interface CountResponse {
  count: number;
  /** false when the count stopped at the cap: the real number is at least `count`. */
  exact: boolean;
}

/** POST {prefix}/groups request. `group_by` is a filter identifier such as "metadata.`mlflow.trace.session`" or "tag.env". */
export interface GroupsRequest {
  experiment_ids: string[];
  group_by: string;
  filter?: string;
  order?: 'count' | 'recent';
  max_results?: number;
  page_token?: string;
}

export interface GroupSummary {
  value: string;
  count: number;
  error_count: number;
  p50_ms: number | null;
  p95_ms: number | null;
  /** Sum of the group's trace costs in USD (`mlflow.trace.cost` total_cost); null when none has a cost. */
  cost_total: number | null;
  /** How many of the group's traces have a cost. */
  cost_count: number;
  cost_p50: number | null;
  cost_p95: number | null;
  /** Valid boolean feedback assessments: true counts as up, false as down. */
  feedback_up: number;
  feedback_down: number;
  first_ms: Millis;
  last_ms: Millis;
}

export interface GroupsResponse {
  groups: GroupSummary[];
  next_page_token?: string;
}
