// QueryTraceMetrics on PostgreSQL, aggregated by the database at query time: exact on every replica with no
// per-process state. Rows are selected as on SQLite (../sqlite-metrics.ts: the same dimensions, metric values
// and filters) and grouped in SQL: COUNT, SUM, MIN, MAX and percentile_cont, whose interpolation is
// core/stats/quantile.ts's exactQuantile (the same doubles: pos = q·(n − 1), lo + frac·(hi − lo)), so the
// answers equal SQLite's; sums add in ascending order, as the shared aggregation does. Confidence bounds need the values' order statistics: those queries fetch each
// group's sorted values and aggregate them with the shared code.
import { bucketLabel, ranksRead, toDataPoints, type GroupValues, type RankedValues } from '../metrics-aggregate.ts';
import type { MetricDimension, MetricDataPoint, MetricsQuery } from '../metrics-query.ts';
import { postgresDialect } from '../sql/sql-dialect.ts';
import { isTraceCostMetric, POSTGRES_TRACE_SCHEMA, traceCostExpr } from '../sql/trace-schema.ts';
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
      else if (isTraceCostMetric(m)) value = traceCostExpr(postgresDialect, m, POSTGRES_TRACE_SCHEMA);
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
  /** With bounds: per percentile, the 0-based rank of its window's first value, and the window. */
  starts: number[] | null;
  windows: (number[] | null)[] | null;
}

/**
 * Confidence bounds read a few order statistics near each percentile's rank, but which ones depends on the
 * group's size, known only in the database. Each group hands over, per percentile q, the sorted values at
 * ranks nq ± (t + 2) with t = √(n·ln(2/α)/2): Hoeffding's inequality, P(B ≤ nq − t) ≤ e^(−2t²/n) = α/2 for
 * B ~ Binomial(n, q), puts the lower bound's rank (the largest l with F(l − 1) ≤ α/2) at or above nq − t,
 * the upper bound's (the smallest u with F(u − 1) ≥ 1 − α/2) at or below nq + t, and both, like the
 * interpolation neighbours of q·(n − 1), within 2 of nq on the other side. About 2.7·√n values per
 * percentile at 95 % instead of all n: the transfer no longer grows with the group.
 */
function boundsWindow(q: string, halfWidth: string): { lo: string; hi: string } {
  const t = `sqrt(nv * ${halfWidth}::float8)`;
  return {
    lo: `greatest(0, floor(nv * ${q}::float8 - ${t})::int - 2)`,
    hi: `least(nv - 1, ceil(nv * ${q}::float8 + ${t})::int + 2)`,
  };
}

/** A group's windows as the ranked values toDataPoints reads; every rank it reads is in them (boundsWindow). */
function rankedGroup(query: MetricsQuery, r: AggregateRow): RankedValues {
  const length = num(r.nv);
  const at = new Map<number, number>();
  if (length > 0) at.set(0, r.min ?? Number.NaN).set(length - 1, r.max ?? Number.NaN);
  (r.windows ?? []).forEach((window, k) => window?.forEach((v, i) => at.set((r.starts?.[k] ?? 0) + i, v)));
  for (const rank of ranksRead(query, length))
    if (!at.has(rank)) throw new Error(`metrics: rank ${rank} of ${length} outside the bounds windows`);
  return { kind: 'ranked', length, sum: r.sum ?? 0, at };
}

/**
 * floor(ms / interval) · interval in integer arithmetic (the remainder made non-negative for times before
 * 1970): exact like the numeric division it replaces, without a numeric per row.
 */
const bucketSql = (interval: string) =>
  `(t.timestamp_ms - mod(mod(t.timestamp_ms, ${interval}::bigint) + ${interval}::bigint, ${interval}::bigint))`;

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
  const level = query.confidenceLevel;
  const withBounds = level !== undefined && percentiles.length > 0;
  const dimColumns = dims.map((d, i) => `${d} AS d${i}`);
  const dimNames = dims.map((_, i) => `d${i}`);
  const bucket = interval ? bucketSql(interval) : 'NULL::bigint';
  // PostgreSQL 15 sorts a group's values once per ordered aggregate: with bounds, one sort (array_agg) serves
  // the sum, the minimum, the maximum and the windows, read from the sorted array below.
  const aggregates = countOnly
    ? 'NULL::float8 AS sum, NULL::float8 AS min, NULL::float8 AS max, NULL::float8[] AS pcts, NULL::float8[] AS vals'
    : withBounds
      ? 'NULL::float8 AS sum, NULL::float8 AS min, NULL::float8 AS max, NULL::float8[] AS pcts, array_agg(v ORDER BY v) FILTER (WHERE v IS NOT NULL) AS vals'
      : `SUM(v ORDER BY v) AS sum, MIN(v) AS min, MAX(v) AS max,
       ${percentiles.length > 0 ? `percentile_cont(${binds.add(percentiles.map((p) => p / 100))}::float8[]) WITHIN GROUP (ORDER BY v)` : 'NULL::float8[]'} AS pcts,
       NULL::float8[] AS vals`;
  const grouped = `SELECT ARRAY[${dimNames.map((d) => `${d}::text`).join(', ')}]::text[] AS dims, bucket, COUNT(*) AS n, COUNT(v)::int AS nv, ${aggregates}
     FROM (SELECT ${[...dimColumns, `${value} AS v`, `${bucket} AS bucket`].join(', ')} FROM ${from} ${joins.join(' ')}
       WHERE ${conditions.join(' AND ')}) r
     ${dimNames.length > 0 ? `WHERE ${dimNames.map((d) => `${d} IS NOT NULL`).join(' AND ')}` : ''}
     GROUP BY ${[...dimNames, 'bucket'].join(', ')}`;
  let text = `SELECT dims, bucket, n, nv, sum, min, max, pcts, NULL::int[] AS starts, NULL::float8[][] AS windows FROM (${grouped}) g`;
  if (withBounds) {
    const halfWidth = binds.add(Math.log(2 / (1 - level)) / 2);
    const windows = percentiles.map((p) => boundsWindow(binds.add(Math.min(Math.max(p / 100, 0), 1)), halfWidth));
    // One row per group: the windows as separate arrays would be as many columns; a JSON array of arrays keeps
    // one column whatever the number of percentiles (float8 → JSON number round-trips a double exactly).
    // The sum adds in array order, ascending: as SUM(v ORDER BY v) and the shared aggregation do.
    text = `SELECT dims, bucket, n, nv, (SELECT SUM(x) FROM unnest(vals) x) AS sum, vals[1] AS min, vals[nv] AS max,
        NULL::float8[] AS pcts,
        ARRAY[${windows.map((w) => w.lo).join(', ')}]::int[] AS starts,
        json_build_array(${windows.map((w) => `vals[${w.lo} + 1 : ${w.hi} + 1]`).join(', ')}) AS windows
      FROM (${grouped}) g`;
  }
  // No JIT: at 1,000,000 traces the estimated cost passes jit_above_cost, and compiling saved nothing measurable
  // (bench/RESULTS.md). A larger work_mem (the group sort spills a few MB at 100,000 traces) made the 1M hash
  // joins slower, so the default stays. SET LOCAL ends with this transaction.
  await sql.run('SET LOCAL jit = off');
  const rows = await sql.rows<AggregateRow>(text, binds.values);
  const groups: GroupValues[] = rows.map((r) => {
    const labels = (r.dims ?? []).map((d) => String(d));
    const count = num(r.n);
    const n = num(r.nv);
    const values: GroupValues['values'] = withBounds
      ? rankedGroup(query, r)
      : countOnly
        ? new Float64Array(0)
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
