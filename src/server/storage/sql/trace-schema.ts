// The one description of the trace tables that SQL is generated from: the filter compiler, the
// order-by compiler and the correlated search windows read table and column names only from here
// (migrations.ts creates them; trace-schema.test.ts checks the two agree). Both engines key child tables
// by `traces.trace_key`, an append-mostly integer (SQLite's rowid, PostgreSQL's identity), never by the
// random external trace_id; PostgreSQL adds the experiment to spans and assessments and prefix-indexes
// free text (POSTGRES_TRACE_SCHEMA below), and supplies a dialect (sql-dialect.ts).
import type { AttributeKey, SpanColumnKey } from '../../../core/filter/ast.ts';
import { INDEXED_PREFIX_CHARS } from '../postgres/postgres-migrations.ts';
import { METADATA } from '../../../core/model.ts';
import type { SqlDialect } from './sql-dialect.ts';

/** A narrow key/value table beside the traces: (trace key, key, value), indexed on (key, value, trace key). */
interface KeyValueTable {
  table: string;
  /** The column holding the trace's key (`traces.trace_key`), in this and every child table. */
  traceId: string;
  key: string;
  value: string;
}

export interface TraceSchema {
  traces: {
    table: string;
    /** The alias every compiled expression uses for the trace row. */
    alias: string;
    /** The key child tables reference (`trace_key`); the external id is the `request_id` attribute. */
    traceId: string;
    experimentId: string;
    timestamp: string;
    /** Filterable attributes: the column (over `alias`) and whether it can be NULL. */
    attributes: Readonly<Record<AttributeKey, { column: string; nullable: boolean }>>;
  };
  tag: KeyValueTable;
  metadata: KeyValueTable;
  /**
   * Spans keep MLflow's span dict as JSON in `content` beside a searchable projection. `experimentId`:
   * the column holding the trace's experiment, on engines that copy it there (its indexes lead with it).
   */
  spans: { table: string; traceId: string; experimentId?: string; columns: Readonly<Record<SpanColumnKey, string>> };
  assessments: {
    table: string;
    traceId: string;
    experimentId?: string;
    name: string;
    type: string;
    /** JSON text of the value, as MLflow stores json.dumps(value). */
    value: string;
    /** A flag: false once another assessment overrides this one. */
    valid: string;
    /** JSON object text; `mlflow.trace.session` there applies the assessment to the whole session. */
    metadata: string;
    /** The assessment's id and creation time (ms): the latest of a name is the one a trace shows. */
    id: string;
    createTime: string;
  };
  runLinks: { table: string; traceId: string; runId: string };
  promptLinks: { table: string; traceId: string; name: string; version: string };
  /**
   * Free-text columns (tag/metadata values, span name/type, assessment name) indexed by their first n
   * characters (`left(col, n)`): equality is spelled `left(col, n) = left(?, n) AND col = ?` so the index
   * seeks. Absent: the full column is indexed.
   */
  indexedPrefixChars?: number;
}

export const TRACE_SCHEMA: TraceSchema = {
  traces: {
    table: 'traces',
    alias: 't',
    traceId: 'trace_key',
    experimentId: 'experiment_id',
    timestamp: 'timestamp_ms',
    attributes: {
      status: { column: 'state', nullable: false },
      request_id: { column: 'trace_id', nullable: false },
      client_request_id: { column: 'client_request_id', nullable: true },
      timestamp_ms: { column: 'timestamp_ms', nullable: false },
      execution_time_ms: { column: 'execution_time_ms', nullable: true },
      // Derived below (start + duration, an unknown duration counted as 0), never NULL.
      end_time_ms: { column: 'timestamp_ms', nullable: false },
    },
  },
  tag: { table: 'trace_tags', traceId: 'trace_key', key: 'key', value: 'value' },
  metadata: { table: 'trace_metadata', traceId: 'trace_key', key: 'key', value: 'value' },
  spans: {
    table: 'spans',
    traceId: 'trace_key',
    columns: { name: 'name', type: 'type', status: 'status', content: 'content' },
  },
  assessments: {
    table: 'assessments',
    traceId: 'trace_key',
    name: 'name',
    type: 'type',
    value: 'value',
    valid: 'valid',
    metadata: 'metadata',
    id: 'assessment_id',
    createTime: 'create_time',
  },
  runLinks: { table: 'trace_run_links', traceId: 'trace_key', runId: 'run_id' },
  promptLinks: { table: 'trace_prompt_links', traceId: 'trace_key', name: 'name', version: 'version' },
};

/**
 * PostgreSQL's layout (postgres/postgres-migrations.ts): SQLite's tables, keys and columns, plus the
 * experiment in spans and assessments (their indexes lead with it) and free text indexed by its first
 * 250 characters.
 */
export const POSTGRES_TRACE_SCHEMA: TraceSchema = {
  ...TRACE_SCHEMA,
  spans: { ...TRACE_SCHEMA.spans, experimentId: 'experiment_id' },
  assessments: { ...TRACE_SCHEMA.assessments, experimentId: 'experiment_id' },
  indexedPrefixChars: INDEXED_PREFIX_CHARS,
};

/** A trace attribute as an expression over the trace alias. */
export function attributeExpr(key: AttributeKey | 'experiment_id', schema: TraceSchema = TRACE_SCHEMA): string {
  const t = schema.traces;
  if (key === 'experiment_id') return `${t.alias}.${t.experimentId}`;
  if (key === 'end_time_ms')
    return `(${t.alias}.${t.timestamp} + COALESCE(${t.alias}.${t.attributes.execution_time_ms.column}, 0))`;
  return `${t.alias}.${t.attributes[key].column}`;
}

/**
 * A trace's cost in USD as an expression over the trace alias: `total_cost` (or another member) of its
 * `mlflow.trace.cost` metadata (the sum of its spans' costs, derived from the price table at
 * ingest when a span carries none: otlp/span-cost.ts); NULL when it has none. Search order,
 * group sums and metrics all read this one expression.
 */
export function traceCostExpr(
  dialect: SqlDialect,
  member: 'total_cost' | 'input_cost' | 'output_cost' = 'total_cost',
  schema: TraceSchema = TRACE_SCHEMA,
): string {
  const t = schema.traces;
  const m = schema.metadata;
  return `(SELECT ${dialect.jsonNumberMember(`c.${m.value}`, member)} FROM ${m.table} c WHERE c.${m.traceId} = ${t.alias}.${t.traceId} AND c.${m.key} = '${METADATA.cost}')`;
}

/** TRACES-view cost metrics (an extension: MLflow has cost metrics on the SPANS view only). */
export function isTraceCostMetric(name: string): name is 'total_cost' | 'input_cost' | 'output_cost' {
  return name === 'total_cost' || name === 'input_cost' || name === 'output_cost';
}
