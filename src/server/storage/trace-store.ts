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
import type { PackedSpans } from './packed-spans.ts';
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

/**
 * A large OTLP batch as a decode thread packed it (packed-spans.ts): stored as logSpans would store
 * its spans in order, one chunk at a time, in one transaction.
 */
export interface PackedSpanBatch {
  experimentId: string;
  spans: PackedSpans;
  /** The batch's traces (the write hook's declaration). */
  traceIds: string[];
  /** Spans kept per trace, the first of the batch (the span cap's admission); traces not named keep all. */
  limits: Map<string, number>;
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

/** A trace's spans read a chunk at a time (streamed responses keep one chunk in memory). */
export interface SpanChunks {
  /** How many spans the trace has (when the read began). */
  count: number;
  /** The spans in getSpans order; each chunk is read when the previous one has been consumed. */
  chunks: AsyncIterable<SpanRecord[]>;
}

/**
 * The live tail's question: what changed after a position in the engine's change order (an
 * insertion/update sequence, not trace timestamps, so late and back-dated traces are caught).
 * Positions are a decimal integer, or two joined by ':' (an engine that needs a keyset, e.g. a
 * transaction id and a row key), whose meaning belongs to the engine; routes wrap them in an
 * opaque cursor and refuse any other shape. An engine refuses a position it did not give.
 */
export interface ChangesQuery {
  experimentIds: number[];
  filter?: CheckedFilter;
  /** Absent: answer only the current position (a watcher starts from now). */
  after?: string;
  /** Traces created after this position count as new to the watcher (its first position). */
  createdAfter: string;
  /** Most traces answered. */
  maxResults: number;
}

export interface ChangesResult {
  /** Created after `createdAfter`, changed after `after`, matching the filter: in change order. */
  created: TraceInfo[];
  /** Created before `createdAfter`, changed after `after` (finished, late spans), matching. */
  updated: TraceInfo[];
  /** Where the next poll starts. */
  position: string;
  /** More changes wait after `position`: poll again now. */
  more: boolean;
}

/** Whether this process can use its database right now (/health); `reason` is safe to show (no SQL, no secrets). */
export type DatabaseHealth = { ok: true; latencyMs: number } | { ok: false; reason: string };

/** The engines `--backend-store-uri` can name (storage/open-store.ts). */
export type StorageEngine = 'sqlite' | 'postgresql';

/**
 * What routes need from storage. SQL lives only behind this interface: SQLite (sqlite-trace-store.ts)
 * and PostgreSQL (postgres/postgres-trace-store.ts) implement it, and routes never know which one answers
 * (docs/architecture.md, "How to add an engine").
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
  /** SetExperimentTag: an upsert on an active experiment (rules/experiment-tags.ts). */
  setExperimentTag(experimentId: string, key: string, value: string): Promise<void>;
  /** DeleteExperimentTag: the tag must exist, the experiment be active. */
  deleteExperimentTag(experimentId: string, key: string): Promise<void>;

  startTrace(input: TraceInfoInput): Promise<TraceInfo>;
  getTraceInfo(traceId: string): Promise<TraceInfo | undefined>;
  /** Infos in request order; unknown ids are skipped. */
  getTraceInfos(traceIds: string[]): Promise<TraceInfo[]>;
  /** Stored spans of a trace (root first, then by start time), or undefined if the trace is unknown. */
  getSpans(traceId: string): Promise<SpanRecord[] | undefined>;
  getSpansOfTraces(traceIds: string[]): Promise<Map<string, SpanRecord[]>>;
  /**
   * Optional: getSpans a chunk at a time, for large traces (undefined if the trace is unknown).
   * Routes call it through routes/span-stream.ts, which reads getSpans whole for an engine without it.
   */
  spanChunks?(traceId: string): Promise<SpanChunks | undefined>;
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
  /** logSpans for a packed batch; its chunks may be transferred (detached) by the call. */
  logPackedSpans(batch: PackedSpanBatch): Promise<void>;
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
  /**
   * Live tail: bounded work per call (one window of the change index, at most maxResults rows).
   * Optional while an engine lacks a change order: then the capability is not advertised and the
   * explorer polls by timestamp, as against a plain MLflow server.
   */
  changesSince?(query: ChangesQuery): Promise<ChangesResult>;

  /** Which engine this is (/health names it). */
  readonly engine: StorageEngine;
  /** A cheap round trip to the database, bounded by `timeoutMs` end to end; never throws. */
  health(timeoutMs: number): Promise<DatabaseHealth>;

  /** Lets queued writes commit, refuses new ones, and releases the engine's connections. */
  close(): Promise<void>;
}
