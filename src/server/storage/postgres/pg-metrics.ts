// QueryTraceMetrics on PostgreSQL, aggregated by the database at query time: exact on every replica with no
// per-process state. Rows are selected as on SQLite (../sqlite-metrics.ts: the same dimensions, metric values
// and filters) and grouped in SQL: COUNT, SUM, MIN, MAX and percentile_cont, whose interpolation is
// core/stats/quantile.ts's exactQuantile (the same doubles: pos = q·(n − 1), lo + frac·(hi − lo)), so the
// answers equal SQLite's; sums add in ascending order, as the shared aggregation does. Confidence bounds need the values' order statistics: those queries fetch each
// group's sorted values and aggregate them with the shared code.
import { bucketLabel, toDataPoints, type GroupValues } from '../metrics-aggregate.ts';
import type { MetricDimension, MetricDataPoint, MetricsQuery } from '../metrics-query.ts';
import { postgresDialect } from '../sql/sql-dialect.ts';
import { num, type Sql } from './pg-context.ts';
import { Binds, traceScope } from './pg-search.ts';

/** The decoded text of a JSON string (else the text itself): SQLite's jsonString in ../sqlite-metrics.ts. */
const jsonString = (expr: string) => postgresDialect.spanAttributeValue(expr);
/** A span attribute's raw text (MLflow stores attributes JSON-encoded). */
const spanAttribute = (name: string) => `(try_jsonb(s.content) -> 'attributes' ->> '${name}')`;

const TOKEN_FIELDS = new Set([
  'input_tokens',
  'output_tokens',
  'total_tokens',
  'cache_read_input_tokens',
  'cache_creation_input_tokens',
]);
const COST_FIELDS = new Set(['input_cost', 'output_cost', 'total_cost']);

/** A JSON number member of a jsonb expression as float8, else NULL (JSON.parse's typeof === 'number'). */
const numberMember = (json: string, field: string) =>
  `(CASE WHEN jsonb_typeof((${json}) -> ${field}::text) = 'number' THEN ((${json}) ->> ${field}::text)::float8 END)`;

/**
 * A dimension's expression, adding a join for tag/metadata dimensions: a row without the key has no value for the
 * dimension and is dropped (MLflow), so an inner join says it, and lets PostgreSQL hash-join the key's rows
 * instead of probing once per trace.
 */
function dimensionSql(d: MetricDimension, i: number, binds: Binds, joins: string[]): string {
  const keyed = (table: string, key: string) => {
    joins.push(`JOIN ${table} d${i} ON d${i}.trace_key = t.trace_key AND d${i}.key = ${key}`);
    return `d${i}.value`;
  };
  if (d.kind !== 'builtin') return keyed(d.kind === 'tag' ? 'trace_tags' : 'trace_metadata', binds.add(d.key));
  switch (d.name) {
    case 'trace_name':
      return keyed('trace_tags', `'mlflow.traceName'`);
    case 'trace_status':
      return 't.state';
    case 'span_name':
      return 's.name';
    case 'span_type':
      return 's.type';
    case 'span_status':
      return 's.status';
    case 'span_model_name':
      return jsonString(spanAttribute('mlflow.llm.model'));
    case 'span_model_provider':
      return jsonString(spanAttribute('mlflow.llm.provider'));
    case 'assessment_name':
      return 'a.name';
    case 'assessment_value':
      return jsonString('a.value');
    default:
      throw new Error(`unknown dimension ${d.name}`);
  }
}

/** The metric's value per row as float8 (NULL: no value), and the FROM clause it reads. */
function valueSql(query: MetricsQuery, binds: Binds): { from: string; value: string; where: string[] } {
  const m = query.metricName;
  switch (query.viewType) {
    case 'TRACES': {
      let value = 'NULL::float8';
      if (m === 'latency') value = 't.execution_time_ms::float8';
      else if (TOKEN_FIELDS.has(m))
        return {
          from: `traces t LEFT JOIN trace_metadata u ON u.trace_key = t.trace_key AND u.key = 'mlflow.trace.tokenUsage'`,
          value: numberMember('try_jsonb(u.value)', binds.add(m)),
          where: [],
        };
      return { from: 'traces t', value, where: [] };
    }
    case 'SPANS': {
      let value = 'NULL::float8';
      // IEEE division of the integer nanoseconds, as SQLite's `/ 1000000.0`.
      if (m === 'latency') value = '(s.end_time_ns - s.start_time_ns)::float8 / 1000000.0::float8';
      else if (COST_FIELDS.has(m)) {
        // The attribute holds a JSON object, possibly inside a JSON string (costOf in ../sqlite-metrics.ts).
        const field = binds.add(m);
        value = `(SELECT ${numberMember('c.o', field)} FROM (SELECT CASE WHEN jsonb_typeof(j) = 'string' THEN try_jsonb(j #>> '{}') ELSE j END AS o
          FROM (SELECT try_jsonb(${spanAttribute('mlflow.llm.cost')}) AS j) r) c)`;
      }
      return { from: 'spans s JOIN traces t ON t.trace_key = s.trace_key', value, where: [] };
    }
    case 'ASSESSMENTS': {
      let value = 'NULL::float8';
      if (m === 'assessment_value') {
        // MLflow's conversion (assessmentNumber in ../metrics-aggregate.ts): booleans 1/0, numbers, "yes"/"no".
        value = `(SELECT CASE jsonb_typeof(v) WHEN 'boolean' THEN (CASE WHEN v = 'true'::jsonb THEN 1 ELSE 0 END)::float8
            WHEN 'number' THEN (v #>> '{}')::float8
            WHEN 'string' THEN (CASE lower(v #>> '{}') WHEN 'yes' THEN 1 WHEN 'no' THEN 0 END)::float8 END
          FROM (SELECT try_jsonb(a.value) AS v) j)`;
      }
      return { from: 'assessments a JOIN traces t ON t.trace_key = a.trace_key', value, where: ['a.valid'] };
    }
  }
}

function filterSql(query: MetricsQuery, binds: Binds): string[] {
  const where: string[] = [];
  for (const f of query.filters) {
    switch (f.entity) {
      case 'trace.status':
        where.push(`t.state = ${binds.add(f.value)}`);
        break;
      case 'trace.tag':
      case 'trace.metadata':
        where.push(
          `EXISTS (SELECT 1 FROM ${f.entity === 'trace.tag' ? 'trace_tags' : 'trace_metadata'} x WHERE x.trace_key = t.trace_key
             AND x.key = ${binds.add(f.key)} AND x.value = ${binds.add(f.value)})`,
        );
        break;
      case 'span.name':
      case 'span.type':
      case 'span.status':
        where.push(`s.${f.entity.slice(5)} = ${binds.add(f.value)}`);
        break;
      case 'assessment.name':
        where.push(`a.name = ${binds.add(f.value)}`);
        break;
      case 'assessment.type':
        where.push(`a.type = ${binds.add(f.value)}`);
        break;
    }
  }
  return where;
}

interface AggregateRow {
  dims: (string | null)[];
  bucket: string | null;
  n: string;
  nv: string;
  sum: number | null;
  min: number | null;
  max: number | null;
  pcts: number[] | null;
  vals: number[] | null;
}

export async function queryMetricsSql(sql: Sql, query: MetricsQuery): Promise<MetricDataPoint[]> {
  const binds = new Binds();
  const joins: string[] = [];
  const dims = query.dimensions.map((d, i) => dimensionSql(d, i, binds, joins));
  const { from, value, where } = valueSql(query, binds);
  const interval = query.timeIntervalSeconds !== undefined ? binds.add(query.timeIntervalSeconds * 1000) : undefined;
  const conditions = [traceScope(binds, query.experimentIds, query.filter), ...where, ...filterSql(query, binds)];
  if (query.startTimeMs !== undefined) conditions.push(`t.timestamp_ms >= ${binds.add(query.startTimeMs)}`);
  if (query.endTimeMs !== undefined) conditions.push(`t.timestamp_ms <= ${binds.add(query.endTimeMs)}`);
  const percentiles = [
    ...new Set(query.aggregations.filter((a) => a.type === 'PERCENTILE').map((a) => a.percentile ?? 50)),
  ];
  const countOnly = query.aggregations.every((a) => a.type === 'COUNT');
  const withBounds = query.confidenceLevel !== undefined && percentiles.length > 0;
  const dimColumns = dims.map((d, i) => `${d} AS d${i}`);
  const dimNames = dims.map((_, i) => `d${i}`);
  const bucket = interval
    ? `floor(t.timestamp_ms::numeric / ${interval}::bigint)::bigint * ${interval}::bigint`
    : 'NULL::bigint';
  const aggregates = countOnly
    ? 'NULL::float8 AS sum, NULL::float8 AS min, NULL::float8 AS max, NULL::float8[] AS pcts, NULL::float8[] AS vals'
    : `SUM(v ORDER BY v) AS sum, MIN(v) AS min, MAX(v) AS max,
       ${percentiles.length > 0 && !withBounds ? `percentile_cont(${binds.add(percentiles.map((p) => p / 100))}::float8[]) WITHIN GROUP (ORDER BY v)` : 'NULL::float8[]'} AS pcts,
       ${withBounds ? 'array_agg(v ORDER BY v) FILTER (WHERE v IS NOT NULL)' : 'NULL::float8[]'} AS vals`;
  const rows = await sql.rows<AggregateRow>(
    `SELECT ARRAY[${dimNames.map((d) => `${d}::text`).join(', ')}]::text[] AS dims, bucket, COUNT(*) AS n, COUNT(v) AS nv, ${aggregates}
     FROM (SELECT ${[...dimColumns, `${value} AS v`, `${bucket} AS bucket`].join(', ')} FROM ${from} ${joins.join(' ')}
       WHERE ${conditions.join(' AND ')}) r
     ${dimNames.length > 0 ? `WHERE ${dimNames.map((d) => `${d} IS NOT NULL`).join(' AND ')}` : ''}
     GROUP BY ${[...dimNames, 'bucket'].join(', ')}`,
    binds.values,
  );
  const groups: GroupValues[] = rows.map((r) => {
    const labels = (r.dims ?? []).map((d) => String(d));
    const count = num(r.n);
    const n = num(r.nv);
    const values: GroupValues['values'] =
      withBounds || countOnly
        ? Float64Array.from(r.vals ?? [])
        : {
            kind: 'aggregated',
            length: n,
            sum: r.sum ?? 0,
            min: r.min ?? Number.NaN,
            max: r.max ?? Number.NaN,
            percentiles: new Map(percentiles.map((p, i) => [p, r.pcts?.[i] ?? Number.NaN])),
          };
    return { dims: r.bucket === null ? labels : [bucketLabel(num(r.bucket)), ...labels], count, values };
  });
  return toDataPoints(query, groups);
}
