import type {
  Assessment,
  CountResponse,
  Experiment,
  GroupsResponse,
  KeyKind,
  KeysResponse,
  TraceInfo,
  TraceState,
  ValuesResponse,
} from '../../core/model.ts';
import type { CheckedFilter } from '../../core/filter/check-filter.ts';
import type { OrderTerm } from '../../core/filter/parse-order-by.ts';
import type { SpanRecord } from './span-record.ts';
import type { MetricsQuery, MetricDataPoint } from './metrics-query.ts';

/** A trace info as StartTraceV3 received it, already decoded from the wire. */
export interface TraceInfoInput {
  traceId: string;
  experimentId: string;
  clientRequestId?: string;
  /** Absent: epoch 0 for a new trace (MLflow's proto default); an existing trace keeps its start. */
  requestTimeMs?: number;
  /** Absent: unknown for a new trace; an existing trace keeps its duration. */
  executionTimeMs?: number;
  state: TraceState;
  requestPreview?: string;
  responsePreview?: string;
  metadata: Record<string, string>;
  tags: Record<string, string>;
  assessments: AssessmentInput[];
}

/** An assessment to create; ids and times are filled in by the store when absent. */
export interface AssessmentInput {
  /** Kept only for assessments inside StartTraceV3 (upserted by id within the same trace). */
  assessmentId?: string;
  traceId: string;
  name: string;
  type: 'feedback' | 'expectation' | 'issue';
  /** The value as JSON text (MLflow stores json.dumps(value)); null when absent. */
  valueJson: string | null;
  /** Extra wire fields kept verbatim: feedback.error, expectation.serialized_value. */
  error?: string;
  serializedFormat?: string;
  spanId?: string;
  sourceType: string;
  sourceId?: string;
  rationale?: string;
  metadata?: Record<string, string>;
  overrides?: string;
  valid?: boolean;
  createTimeMs?: number;
  lastUpdateTimeMs?: number;
}

export interface AssessmentUpdate {
  name?: string;
  valueJson?: { type: 'feedback' | 'expectation'; json: string | null; serializedFormat?: string; error?: string };
  rationale?: string;
  metadata?: Record<string, string>;
  valid?: boolean;
}

/** Where a page starts: MLflow's offset, plus the previous page's last sort key for keyset paging. */
export interface PageCursor {
  offset: number;
  after?: { ts: number; id: string };
  /** Any other order: the previous page's last row's value of each order term (search-sql.ts `orderKeyset`). */
  keys?: (string | number | null)[];
}

// Queries arrive parsed (routes/search-request.ts): experiment ids as numbers, a checked filter tree,
// order-by terms. A store never parses or re-checks them; it only compiles them for its engine.

export interface SearchTracesQuery {
  experimentIds: number[];
  /** Absent: every trace. */
  filter?: CheckedFilter;
  /** Absent: MLflow's default order (timestamp_ms DESC, request_id ASC). */
  orderBy?: OrderTerm[];
  maxResults: number;
  cursor: PageCursor;
}

export interface SearchTracesResult {
  traces: TraceInfo[];
  /** Present when the page is full (MLflow returns a token whenever count == max_results). */
  next?: PageCursor;
}

export type DeleteTracesInput =
  | { experimentId: string; traceIds: string[] }
  | { experimentId: string; maxTimestampMillis: number; maxTraces?: number };

/** One batch of spans from OTLP, already converted (see otlp/convert-span.ts). */
export interface SpanBatch {
  experimentId: string;
  spans: SpanRecord[];
}

/** One SearchExperiments filter clause after parsing (routes/experiment-search.ts). */
export type ExperimentClause =
  | { kind: 'attribute'; key: 'name'; comparator: '=' | '!=' | 'LIKE' | 'ILIKE'; value: string }
  | {
      kind: 'attribute';
      key: 'creation_time' | 'last_update_time';
      comparator: '=' | '!=' | '<' | '<=' | '>' | '>=';
      value: number;
    }
  | { kind: 'tag'; key: string; comparator: '=' | '!=' | 'LIKE' | 'ILIKE'; value: string };

export type ExperimentOrderKey = 'name' | 'experiment_id' | 'creation_time' | 'last_update_time';
export interface ExperimentOrder {
  key: ExperimentOrderKey;
  ascending: boolean;
}

export interface SearchExperimentsQuery {
  maxResults: number;
  offset: number;
  viewType: 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';
  /** ANDed; a tag clause needs the tag to exist. */
  filter?: ExperimentClause[];
  /** Empty: MLflow's default, creation_time DESC then experiment_id ASC. */
  orderBy?: ExperimentOrder[];
}

export interface GroupsQuery {
  experimentIds: number[];
  groupBy: { kind: KeyKind; key: string };
  filter?: CheckedFilter;
  order: 'count' | 'recent';
  maxResults: number;
  offset: number;
}

export interface ValuesQuery {
  experimentIds: number[];
  kind: KeyKind;
  key: string;
  prefix?: string;
  limit: number;
}

export interface CountQuery {
  experimentIds: number[];
  filter?: CheckedFilter;
  cap: number;
}

/**
 * What routes need from storage. SQL lives only behind this interface, so another engine can
 * replace SQLite without touching a route (docs/architecture.md, "How to add an engine").
 * Writes resolve after commit; MLflow's rules are shared functions in rules/.
 */
export interface TraceStore {
  createExperiment(input: {
    name: string;
    artifactLocation?: string;
    tags?: { key: string; value: string }[];
  }): Promise<string>;
  getExperiment(experimentId: string): Promise<Experiment | undefined>;
  getExperimentByName(name: string): Promise<Experiment | undefined>;
  searchExperiments(input: SearchExperimentsQuery): Promise<Experiment[]>;
  /** DeleteExperiment: active → deleted (its traces stop being searchable). */
  deleteExperiment(experimentId: string): Promise<void>;
  /** RestoreExperiment: deleted → active. */
  restoreExperiment(experimentId: string): Promise<void>;
  /** UpdateExperiment's new_name. */
  renameExperiment(experimentId: string, newName: string): Promise<void>;

  startTrace(input: TraceInfoInput): Promise<TraceInfo>;
  getTraceInfo(traceId: string): Promise<TraceInfo | undefined>;
  /** Infos in request order; unknown ids are skipped. */
  getTraceInfos(traceIds: string[]): Promise<TraceInfo[]>;
  /** Stored spans of a trace (root first, then by start time), or undefined if the trace is unknown. */
  getSpans(traceId: string): Promise<SpanRecord[] | undefined>;
  getSpansOfTraces(traceIds: string[]): Promise<Map<string, SpanRecord[]>>;
  /** How many spans each trace has stored (traces without spans are absent): the spans-per-trace cap reads it. */
  spanCounts(traceIds: string[]): Promise<Map<string, number>>;
  searchTraces(query: SearchTracesQuery): Promise<SearchTracesResult>;
  deleteTraces(input: DeleteTracesInput): Promise<number>;
  setTraceTag(traceId: string, key: string, value: string): Promise<void>;
  deleteTraceTag(traceId: string, key: string): Promise<void>;
  linkTracesToRun(traceIds: string[], runId: string): Promise<void>;
  linkPrompts(traceId: string, prompts: { name: string; version: string }[]): Promise<void>;

  /** OTLP ingestion: upserts spans by (trace_id, span_id) and creates or widens trace rows (§7.3, §7.4). */
  logSpans(batch: SpanBatch): Promise<void>;
  /** traces.json upload: replaces the trace's spans by these. */
  putTraceSpans(traceId: string, spans: SpanRecord[]): Promise<void>;

  /** CreateAssessment: always a new server-chosen id (input.assessmentId is ignored). */
  createAssessment(input: AssessmentInput): Promise<Assessment>;
  getAssessment(traceId: string, assessmentId: string): Promise<Assessment>;
  updateAssessment(traceId: string, assessmentId: string, update: AssessmentUpdate): Promise<Assessment>;
  deleteAssessment(traceId: string, assessmentId: string): Promise<void>;

  queryMetrics(query: MetricsQuery): Promise<MetricDataPoint[]>;

  listKeys(experimentIds: number[], limit: number): Promise<KeysResponse>;
  listValues(input: ValuesQuery): Promise<ValuesResponse>;
  countTraces(input: CountQuery): Promise<CountResponse>;
  listGroups(query: GroupsQuery): Promise<GroupsResponse>;

  /** Lets queued writes commit, refuses new ones, and releases the engine's connections. */
  close(): Promise<void>;
}
