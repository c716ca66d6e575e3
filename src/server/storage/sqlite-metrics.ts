// QueryTraceMetrics over SQLite. Rows are selected in SQL (dimensions, the metric value, the
// trace time) and aggregated in JS, which gives exact percentiles. The common trace-level
// queries (counts and latency by status, name, metadata or tag) go to the in-memory columns
// instead, which answer them at a million traces without a join (metrics-columns.ts).
import { bucketLabel, assessmentNumber, toDataPoints, type GroupValues } from './metrics-aggregate.ts';
import type { MetricDataPoint, MetricDimension, MetricsQuery } from './metrics-query.ts';
import { compileSearchFilter } from './search-sql.ts';
import { sqliteDialect } from './sql/sql-dialect.ts';
import { isTraceCostMetric, traceCostExpr } from './sql/trace-schema.ts';
import type { SqliteReadContext } from './sqlite/sqlite-context.ts';

const jsonString = (expr: string) =>
  `(CASE WHEN json_valid(${expr}) AND json_type(${expr}) = 'text' THEN json_extract(${expr}, '$') ELSE ${expr} END)`;

const TOKEN_PATHS: Record<string, string> = {
  input_tokens: '$.input_tokens',
  output_tokens: '$.output_tokens',
  total_tokens: '$.total_tokens',
  cache_read_input_tokens: '$.cache_read_input_tokens',
  cache_creation_input_tokens: '$.cache_creation_input_tokens',
};

interface Built {
  sql: string;
  params: unknown[];
  /** How to turn the selected value column into a number. */
  convert: (v: unknown) => number | null;
}

function dimensionSql(d: MetricDimension, params: unknown[]): string {
  if (d.kind !== 'builtin') {
    params.push(d.key);
    return `(SELECT x.value FROM ${d.kind === 'tag' ? 'trace_tags' : 'trace_metadata'} x WHERE x.trace_key = t.trace_key AND x.key = ?)`;
  }
  switch (d.name) {
    case 'trace_name':
      return `(SELECT x.value FROM trace_tags x WHERE x.trace_key = t.trace_key AND x.key = 'mlflow.traceName')`;
    case 'trace_status':
      return 't.state';
    case 'span_name':
      return 's.name';
    case 'span_type':
      return 's.type';
    case 'span_status':
      return 's.status';
    case 'span_model_name':
      return jsonString(`json_extract(s.content, '$.attributes."mlflow.llm.model"')`);
    case 'span_model_provider':
      return jsonString(`json_extract(s.content, '$.attributes."mlflow.llm.provider"')`);
    case 'assessment_name':
      return 'a.name';
    case 'assessment_value':
      return jsonString('a.value');
    default:
      throw new Error(`unknown dimension ${d.name}`);
  }
}

const toNumber = (v: unknown): number | null => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : null);

function costOf(field: string): (v: unknown) => number | null {
  return (v) => {
    if (typeof v !== 'string') return null;
    try {
      let parsed: unknown = JSON.parse(v);
      if (typeof parsed === 'string') parsed = JSON.parse(parsed);
      const n = (parsed as Record<string, unknown> | null)?.[field];
      return typeof n === 'number' ? n : null;
    } catch {
      return null;
    }
  };
}

function build(query: MetricsQuery): Built {
  const selectParams: unknown[] = [];
  const dims = query.dimensions.map((d) => dimensionSql(d, selectParams));
  let from: string;
  let value = 'NULL';
  let convert: (v: unknown) => number | null = toNumber;
  const where: string[] = [];
  const whereParams: unknown[] = [];
  switch (query.viewType) {
    case 'TRACES':
      from = 'traces t';
      if (query.metricName === 'latency') value = 't.execution_time_ms';
      else if (isTraceCostMetric(query.metricName)) value = traceCostExpr(sqliteDialect, query.metricName);
      else if (TOKEN_PATHS[query.metricName]) {
        value = `(SELECT CASE WHEN json_valid(x.value) THEN json_extract(x.value, '${TOKEN_PATHS[query.metricName]}') END
                  FROM trace_metadata x WHERE x.trace_key = t.trace_key AND x.key = 'mlflow.trace.tokenUsage')`;
      }
      break;
    case 'SPANS':
      from = 'spans s JOIN traces t ON t.trace_key = s.trace_key';
      if (query.metricName === 'latency') value = '(s.end_time_ns - s.start_time_ns) / 1000000.0';
      else if (query.metricName.endsWith('_cost')) {
        value = `json_extract(s.content, '$.attributes."mlflow.llm.cost"')`;
        convert = costOf(query.metricName);
      }
      break;
    case 'ASSESSMENTS':
      // CROSS JOIN keeps assessments as the outer loop: there are far fewer of them than traces.
      from = 'assessments a CROSS JOIN traces t ON t.trace_key = a.trace_key';
      where.push('a.valid = 1');
      if (query.metricName === 'assessment_value') {
        value = 'a.value';
        convert = (v) => assessmentNumber(typeof v === 'string' ? v : null);
      }
      break;
  }
  const ids = query.experimentIds;
  where.push(`t.experiment_id IN (${ids.map(() => '?').join(', ') || 'NULL'})`);
  whereParams.push(...ids);
  if (query.startTimeMs !== undefined) {
    where.push('t.timestamp_ms >= ?');
    whereParams.push(query.startTimeMs);
  }
  if (query.endTimeMs !== undefined) {
    where.push('t.timestamp_ms <= ?');
    whereParams.push(query.endTimeMs);
  }
  for (const f of query.filters) {
    switch (f.entity) {
      case 'trace.status':
        where.push('t.state = ?');
        whereParams.push(f.value);
        break;
      case 'trace.tag':
      case 'trace.metadata':
        where.push(
          `t.trace_key IN (SELECT trace_key FROM ${f.entity === 'trace.tag' ? 'trace_tags' : 'trace_metadata'} WHERE key = ? AND value = ?)`,
        );
        whereParams.push(f.key, f.value);
        break;
      case 'span.name':
      case 'span.type':
      case 'span.status':
        where.push(`s.${f.entity.slice(5)} = ?`);
        whereParams.push(f.value);
        break;
      case 'assessment.name':
        where.push('a.name = ?');
        whereParams.push(f.value);
        break;
      case 'assessment.type':
        where.push('a.type = ?');
        whereParams.push(f.value);
        break;
    }
  }
  const compiled = compileSearchFilter(query.filter);
  if (compiled) {
    where.push(`(${compiled.sql})`);
    whereParams.push(...compiled.params);
  }
  const columns = [...dims, value, 't.timestamp_ms'].join(', ');
  return {
    sql: `SELECT ${columns} FROM ${from} WHERE ${where.join(' AND ')}`,
    params: [...selectParams, ...whereParams],
    convert,
  };
}

/** Groups (dimension tuple → values) from raw rows: [dim..., value, timestamp_ms]. */
export function groupRows(
  query: MetricsQuery,
  rows: Iterable<unknown[]>,
  convert: (v: unknown) => number | null,
): GroupValues[] {
  const nDims = query.dimensions.length;
  const interval = query.timeIntervalSeconds !== undefined ? query.timeIntervalSeconds * 1000 : undefined;
  const groups = new Map<string, GroupValues>();
  const countOnly = query.aggregations.every((a) => a.type === 'COUNT');
  for (const row of rows) {
    const dims: string[] = [];
    let skip = false;
    if (interval !== undefined) dims.push(bucketLabel(Math.floor((row[nDims + 1] as number) / interval) * interval));
    for (let i = 0; i < nDims; i++) {
      const d = row[i];
      // MLflow drops rows whose dimension is NULL.
      if (d === null || d === undefined) {
        skip = true;
        break;
      }
      dims.push(String(d));
    }
    if (skip) continue;
    const key = dims.join('\u0000');
    let g = groups.get(key);
    if (!g) {
      g = { dims, count: 0, values: [] };
      groups.set(key, g);
    }
    g.count++;
    if (!countOnly) {
      const v = convert(row[nDims]);
      if (v !== null && Number.isFinite(v)) (g.values as number[]).push(v);
    }
  }
  return [...groups.values()];
}

export function queryMetricsSql(store: SqliteReadContext, query: MetricsQuery): MetricDataPoint[] {
  const built = build(query);
  const rows = store
    .stmt(built.sql)
    .raw(true)
    .iterate(...built.params) as IterableIterator<unknown[]>;
  return toDataPoints(query, groupRows(query, rows, built.convert));
}
