import type { FastifyInstance, FastifyRequest } from 'fastify';
import { invalidParameter } from '../errors.ts';
import type {
  AggregationType,
  MetricAggregation,
  MetricDimension,
  MetricFilter,
  MetricsQuery,
  ViewType,
} from '../storage/metrics-query.ts';
import type { TraceStore } from '../storage/trace-store.ts';
import { parseExperimentIds, parseTraceFilter } from './search-request.ts';
import {
  bothPrefixes,
  field,
  missingParameter,
  optionalArray,
  optionalInt,
  optionalNumber,
  optionalString,
  optionalStringList,
  readRequest,
  typeError,
  type RequestFields,
} from './mlflow-request.ts';

const pyList = (items: readonly string[]) => `[${items.map((i) => `'${i}'`).join(', ')}]`;

interface MetricSpec {
  aggregations: AggregationType[];
  dimensions: string[];
}

// docs/mlflow-contract.md §8.2, per view type and metric.
const SPECS: Record<ViewType, Record<string, MetricSpec>> = {
  TRACES: {
    trace_count: { aggregations: ['COUNT'], dimensions: ['trace_name', 'trace_status'] },
    latency: { aggregations: ['AVG', 'PERCENTILE'], dimensions: ['trace_name'] },
    input_tokens: { aggregations: ['SUM', 'AVG', 'PERCENTILE'], dimensions: ['trace_name'] },
    output_tokens: { aggregations: ['SUM', 'AVG', 'PERCENTILE'], dimensions: ['trace_name'] },
    total_tokens: { aggregations: ['SUM', 'AVG', 'PERCENTILE'], dimensions: ['trace_name'] },
    cache_read_input_tokens: { aggregations: ['SUM', 'AVG', 'PERCENTILE'], dimensions: ['trace_name'] },
    cache_creation_input_tokens: { aggregations: ['SUM', 'AVG', 'PERCENTILE'], dimensions: ['trace_name'] },
    // Extension: a trace's cost (`mlflow.trace.cost`), for cost per version in Compare.
    total_cost: { aggregations: ['SUM', 'AVG', 'PERCENTILE'], dimensions: ['trace_name'] },
    input_cost: { aggregations: ['SUM', 'AVG', 'PERCENTILE'], dimensions: ['trace_name'] },
    output_cost: { aggregations: ['SUM', 'AVG', 'PERCENTILE'], dimensions: ['trace_name'] },
  },
  SPANS: {
    span_count: {
      aggregations: ['COUNT'],
      dimensions: ['span_name', 'span_type', 'span_status', 'span_model_name', 'span_model_provider'],
    },
    latency: { aggregations: ['AVG', 'PERCENTILE'], dimensions: ['span_name', 'span_status'] },
    input_cost: { aggregations: ['SUM', 'AVG', 'PERCENTILE'], dimensions: ['span_model_name', 'span_model_provider'] },
    output_cost: { aggregations: ['SUM', 'AVG', 'PERCENTILE'], dimensions: ['span_model_name', 'span_model_provider'] },
    total_cost: { aggregations: ['SUM', 'AVG', 'PERCENTILE'], dimensions: ['span_model_name', 'span_model_provider'] },
  },
  ASSESSMENTS: {
    assessment_count: { aggregations: ['COUNT'], dimensions: ['assessment_name', 'assessment_value'] },
    assessment_value: { aggregations: ['AVG', 'PERCENTILE'], dimensions: ['assessment_name'] },
  },
};

/** Extension dimensions: `trace_status` for any TRACES metric (MLflow allows it for trace_count only). */
const EXTRA_DIMENSIONS: Partial<Record<ViewType, string[]>> = { TRACES: ['trace_status'] };

const AGGREGATION_TYPES: AggregationType[] = ['COUNT', 'SUM', 'AVG', 'MIN', 'MAX', 'PERCENTILE'];
const VIEW_TYPES: ViewType[] = ['TRACES', 'SPANS', 'ASSESSMENTS'];
const MAX_METRIC_RESULTS = 10_000;
const MAX_TIME_INTERVAL_SECONDS = 1e12;

function parseDimension(text: string, view: ViewType, spec: MetricSpec): MetricDimension | undefined {
  if (spec.dimensions.includes(text) || (EXTRA_DIMENSIONS[view] ?? []).includes(text))
    return { kind: 'builtin', name: text };
  const m = /^(metadata|tag)\.(.+)$/.exec(text);
  if (!m) return undefined;
  const key = m[2]
    .replace(/^`(.*)`$/, '$1')
    .replace(/^"(.*)"$/, '$1')
    .replace(/^'(.*)'$/, '$1');
  if (key === '') return undefined;
  return { kind: m[1] as 'metadata' | 'tag', key, name: text };
}

const ENTITIES: Record<string, string[]> = {
  trace: ['status', 'tag', 'metadata'],
  span: ['name', 'type', 'status'],
  assessment: ['name', 'type'],
};

/** One `filters` entry: `<view>.<entity>[.<key>] = "<value>"` (SearchTraceMetricsUtils). */
export function parseMetricFilter(text: string, view: ViewType): MetricFilter {
  const m =
    /^\s*([^\s=!<>]+)\s*(=|!=|<>|<=|>=|<|>|(?:NOT\s+)?LIKE\b|ILIKE\b|RLIKE\b|(?:NOT\s+)?IN\b)\s*(.*?)\s*$/is.exec(text);
  if (/\s+AND\s+/i.test(text.replace(/(["'])(?:(?!\1).)*\1/g, '')))
    throw invalidParameter('Invalid clause(s) in filter string: AND');
  if (!m)
    throw invalidParameter(`Invalid filter string '${text}'. Expected the form '<view>.<entity>[.<key>] = "<value>"'.`);
  const [, identifier, comparator, rawValue] = m;
  if (comparator !== '=')
    throw invalidParameter(`Invalid comparator: '${comparator.toUpperCase()}', only '=' operator is supported`);
  const quoted = /^(["'])(.*)\1$/s.exec(rawValue);
  if (!quoted)
    throw invalidParameter(
      `Invalid value ${rawValue} in filter string. Values must be quoted, e.g. trace.status = "OK".`,
    );
  const value = quoted[2];
  const dot = identifier.indexOf('.');
  if (dot < 0) {
    throw invalidParameter(
      `Invalid identifier '${identifier}'. Columns should be specified as 'trace.<key>', 'span.<key>', 'assessment.<key>'.`,
    );
  }
  const viewName = identifier.slice(0, dot);
  const rest = identifier.slice(dot + 1);
  const dot2 = rest.indexOf('.');
  const entity = dot2 < 0 ? rest : rest.slice(0, dot2);
  const key = dot2 < 0 ? undefined : rest.slice(dot2 + 1).replace(/^`(.*)`$/, '$1');
  const entities = ENTITIES[viewName];
  if (!entities)
    throw invalidParameter(`Invalid view type '${viewName}'. Valid view types are ${pyList(Object.keys(ENTITIES))}`);
  if (!entities.includes(entity)) {
    throw invalidParameter(
      `Invalid entity '${entity}' specified for view type '${viewName}'. Valid entities are ${pyList(entities)}`,
    );
  }
  if ((entity === 'tag' || entity === 'metadata') && !key) {
    throw invalidParameter(`Filtering by ${entity} requires a key, e.g. 'trace.${entity}.<key> = <value>'`);
  }
  if (entity !== 'tag' && entity !== 'metadata' && key !== undefined) {
    throw invalidParameter(`Filtering by ${entity} does not require a key, use '${viewName}.${entity}' instead`);
  }
  if (viewName === 'span' && view !== 'SPANS')
    throw invalidParameter(`Filtering by span is only supported for the SPANS view type, got ${view}`);
  if (viewName === 'assessment' && view !== 'ASSESSMENTS') {
    throw invalidParameter(`Filtering by assessment is only supported for the ASSESSMENTS view type, got ${view}`);
  }
  return { entity: `${viewName}.${entity}` as MetricFilter['entity'], ...(key ? { key } : {}), value };
}

export function decodeMetricsQuery(body: RequestFields): MetricsQuery {
  const experimentIdList = optionalStringList(body, 'experiment_ids');
  if (!experimentIdList || experimentIdList.length === 0) throw missingParameter('experiment_ids');
  // An id that is not an integer matches no experiment (no error, as before).
  const experimentIds = parseExperimentIds(experimentIdList).ids;
  const rawView = field(body, 'view_type');
  if (rawView === undefined || rawView === null || rawView === '') throw missingParameter('view_type');
  const view = typeof rawView === 'number' ? VIEW_TYPES[rawView - 1] : (rawView as ViewType);
  if (!VIEW_TYPES.includes(view))
    throw invalidParameter(`Invalid view_type ${JSON.stringify(rawView)}. Supported view types: ${pyList(VIEW_TYPES)}`);
  const metricName = optionalString(body, 'metric_name');
  if (!metricName) throw missingParameter('metric_name');
  const specs = SPECS[view];
  const spec = specs[metricName];
  if (!spec) throw invalidParameter(`metric_name must be one of ${pyList(Object.keys(specs))}, got '${metricName}'`);
  const rawAggregations = optionalArray(body, 'aggregations');
  if (!rawAggregations || rawAggregations.length === 0) throw missingParameter('aggregations');
  const aggregations: MetricAggregation[] = [];
  const invalidAggregations: string[] = [];
  for (const raw of rawAggregations) {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw typeError('aggregations', rawAggregations);
    const a = raw as RequestFields;
    const t = field(a, 'aggregation_type');
    const type = typeof t === 'number' ? AGGREGATION_TYPES[t - 1] : (t as AggregationType);
    if (!spec.aggregations.includes(type)) {
      invalidAggregations.push(String(t));
      continue;
    }
    if (type === 'PERCENTILE') {
      const p = optionalNumber(a, 'percentile_value');
      if (p === undefined) throw invalidParameter('percentile_value is required for PERCENTILE aggregation');
      if (p < 0 || p > 100) throw invalidParameter(`Percentile value must be between 0 and 100, got ${p}`);
      aggregations.push({ type, percentile: p });
    } else aggregations.push({ type });
  }
  if (invalidAggregations.length > 0) {
    throw invalidParameter(
      `Found invalid aggregation_type(s): ${pyList(invalidAggregations)}. Supported aggregation types: ${pyList(spec.aggregations)}`,
    );
  }
  const dimensionNames = optionalStringList(body, 'dimensions') ?? [];
  const dimensions: MetricDimension[] = [];
  const invalidDimensions: string[] = [];
  for (const d of dimensionNames) {
    const parsed = parseDimension(d, view, spec);
    if (parsed) dimensions.push(parsed);
    else invalidDimensions.push(d);
  }
  if (invalidDimensions.length > 0) {
    throw invalidParameter(
      `Found invalid dimension(s): ${pyList(invalidDimensions)}. Supported dimensions: ${pyList(spec.dimensions)}`,
    );
  }
  const filters = (optionalStringList(body, 'filters') ?? []).map((f) => parseMetricFilter(f, view));
  const timeIntervalSeconds = optionalInt(body, 'time_interval_seconds');
  const startTimeMs = optionalInt(body, 'start_time_ms');
  const endTimeMs = optionalInt(body, 'end_time_ms');
  if (timeIntervalSeconds !== undefined && (startTimeMs === undefined || endTimeMs === undefined)) {
    throw invalidParameter('start_time_ms and end_time_ms are required if time_interval_seconds is set');
  }
  if (timeIntervalSeconds !== undefined && timeIntervalSeconds <= 0) {
    throw invalidParameter(`time_interval_seconds must be a positive integer, got ${timeIntervalSeconds}`);
  }
  // Bucket starts must stay dates (a Python datetime in MLflow): about 31,700 years at most.
  if (timeIntervalSeconds !== undefined && timeIntervalSeconds > MAX_TIME_INTERVAL_SECONDS) {
    throw invalidParameter(
      `time_interval_seconds must be at most ${MAX_TIME_INTERVAL_SECONDS}, got ${timeIntervalSeconds}`,
    );
  }
  const maxResults = optionalInt(body, 'max_results') ?? 1000;
  if (maxResults < 1 || maxResults > MAX_METRIC_RESULTS) {
    throw invalidParameter(
      `Invalid value ${maxResults} for parameter 'max_results' supplied. It must be between 1 and ${MAX_METRIC_RESULTS}.`,
    );
  }
  const confidenceLevel = optionalNumber(body, 'confidence_level');
  if (confidenceLevel !== undefined && !(confidenceLevel > 0 && confidenceLevel < 1)) {
    throw invalidParameter(`confidence_level must be between 0 and 1 (exclusive), got ${confidenceLevel}`);
  }
  return {
    experimentIds,
    viewType: view,
    metricName,
    aggregations,
    dimensions,
    filters,
    // Checked last: MLflow validates its own fields first; this extension's errors come after them.
    filter: parseTraceFilter(optionalString(body, 'filter')),
    timeIntervalSeconds,
    startTimeMs,
    endTimeMs,
    maxResults,
    confidenceLevel,
  };
}

export async function metricsRoutes(app: FastifyInstance, { store }: { store: TraceStore }): Promise<void> {
  const handler = async (request: FastifyRequest) => {
    const query = decodeMetricsQuery(readRequest(request));
    return { data_points: await store.queryMetrics(query) };
  };
  for (const base of bothPrefixes('/3.0/mlflow/traces/metrics')) app.post(base, handler);
}
