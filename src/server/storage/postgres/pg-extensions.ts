// The explorer's extension queries on PostgreSQL (key catalog, value suggestions, groups), answered by the
// database at query time so every replica sees every committed write. Table names come only from allowlists;
// every value is bound. Semantics are those of ../sqlite-extensions.ts: the same samples, orders and sums.
import type { GroupSummary, GroupsResponse, KeyKind, KeysResponse, ValuesResponse } from '../../../core/model.ts';
import { CATALOG_SAMPLE } from '../sqlite-extensions.ts';
import type { GroupsQuery, ValuesQuery } from '../trace-store.ts';
import { costSummary } from '../rules/cost-summary.ts';
import { groupsPageToken } from '../group-summaries.ts';
import { postgresDialect } from '../sql/sql-dialect.ts';
import { POSTGRES_TRACE_SCHEMA, traceCostExpr } from '../sql/trace-schema.ts';
import { num, numOrNull, type Sql } from './pg-context.ts';
import { Binds, traceScope } from './pg-search.ts';

/** A prefix search over values stops after scanning this many matching rows (as on SQLite). */
const PREFIX_SCAN_LIMIT = 20000;
const TABLES: Record<KeyKind, string> = { tag: 'trace_tags', metadata: 'trace_metadata' };

/** The newest CATALOG_SAMPLE traces in scope: key catalogs and value suggestions look only at these. */
function sampleSql(scope: string): string {
  return `SELECT t.trace_key FROM traces t WHERE ${scope} ORDER BY t.timestamp_ms DESC LIMIT ${CATALOG_SAMPLE}`;
}

export async function listKeysSql(sql: Sql, experimentIds: number[], limit: number): Promise<KeysResponse> {
  const keys: KeysResponse['keys'] = [];
  for (const kind of ['metadata', 'tag'] as const) {
    const binds = new Binds();
    const scope = traceScope(binds, experimentIds);
    const rows = await sql.rows<{ key: string; count: string }>(
      `SELECT key, COUNT(*) AS count FROM ${TABLES[kind]} WHERE trace_key IN (${sampleSql(scope)})
       GROUP BY key ORDER BY count DESC, key LIMIT ${binds.add(limit)}`,
      binds.values,
    );
    for (const r of rows) keys.push({ kind, key: r.key, count: num(r.count) });
  }
  keys.sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
  return { keys: keys.slice(0, limit) };
}

export async function listValuesSql(sql: Sql, input: ValuesQuery): Promise<ValuesResponse> {
  const binds = new Binds();
  const table = TABLES[input.kind];
  const key = binds.add(input.key);
  const scope = traceScope(binds, input.experimentIds);
  let text: string;
  if (input.prefix) {
    // A prefix is a range of values (byte order: the columns are COLLATE "C"), so rare values are found too.
    const from = binds.add(input.prefix);
    const to = binds.add(`${input.prefix}\u{10FFFF}`);
    text = `SELECT value, COUNT(*) AS count FROM (SELECT g.value FROM ${table} g JOIN traces t ON t.trace_key = g.trace_key
        WHERE g.key = ${key} AND g.value >= ${from} AND g.value < ${to} AND ${scope} LIMIT ${PREFIX_SCAN_LIMIT}) v
      GROUP BY value ORDER BY count DESC, value LIMIT ${binds.add(input.limit)}`;
  } else {
    text = `SELECT g.value AS value, COUNT(*) AS count FROM ${table} g WHERE g.key = ${key} AND g.trace_key IN (${sampleSql(scope)})
      GROUP BY g.value ORDER BY count DESC, g.value LIMIT ${binds.add(input.limit)}`;
  }
  const rows = await sql.rows<{ value: string; count: string }>(text, binds.values);
  return { values: rows.map((r) => ({ value: r.value, count: num(r.count) })) };
}

interface GroupRow {
  value: string;
  count: string;
  errors: string;
  first_ms: string | null;
  last_ms: string | null;
  p50: number | null;
  p95: number | null;
  up: string;
  down: string;
  /** The group's trace costs, ascending (NULL: none has a cost). */
  costs: number[] | null;
}

export async function listGroupsSql(sql: Sql, query: GroupsQuery): Promise<GroupsResponse> {
  const table = TABLES[query.groupBy.kind];
  const binds = new Binds();
  const key = binds.add(query.groupBy.key);
  const scope = traceScope(binds, query.experimentIds, query.filter);
  const members = `SELECT g.value, t.trace_key, t.trace_id, t.timestamp_ms, t.execution_time_ms, t.state,
      ${traceCostExpr(postgresDialect, 'total_cost', POSTGRES_TRACE_SCHEMA)} AS cost
    FROM traces t JOIN ${table} g ON g.trace_key = t.trace_key AND g.key = ${key} WHERE ${scope}`;
  // The page of group values: by size, or by each group's newest trace (ties: that trace's id, as the
  // SQLite store's newest-first walk sees them).
  const limit = binds.add(query.maxResults + 1);
  const offset = binds.add(query.offset);
  const page =
    query.order === 'recent'
      ? `SELECT value, row_number() OVER (ORDER BY timestamp_ms DESC, trace_id) AS pos
         FROM (SELECT DISTINCT ON (m.value) m.value, m.timestamp_ms, m.trace_id FROM m ORDER BY m.value, m.timestamp_ms DESC, m.trace_id) r`
      : 'SELECT m.value, row_number() OVER (ORDER BY COUNT(*) DESC, m.value) AS pos FROM m GROUP BY m.value';
  const p50 = binds.add(0.5);
  const p95 = binds.add(0.95);
  // Durations' percentiles by percentile_cont: the interpolation of core/stats/quantile.ts's exactQuantile.
  const rows = await sql.rows<GroupRow>(
    `WITH m AS MATERIALIZED (${members}),
       p AS (${page} ORDER BY pos LIMIT ${limit} OFFSET ${offset})
     SELECT p.value, COUNT(*) AS count, COUNT(*) FILTER (WHERE m.state = 'ERROR') AS errors,
       MIN(m.timestamp_ms) AS first_ms, MAX(m.timestamp_ms) AS last_ms,
       percentile_cont(${p50}::float8) WITHIN GROUP (ORDER BY m.execution_time_ms) AS p50,
       percentile_cont(${p95}::float8) WITHIN GROUP (ORDER BY m.execution_time_ms) AS p95,
       COALESCE(SUM(f.up), 0) AS up, COALESCE(SUM(f.down), 0) AS down,
       array_agg(m.cost ORDER BY m.cost) FILTER (WHERE m.cost IS NOT NULL) AS costs
     FROM p JOIN m ON m.value = p.value
       LEFT JOIN LATERAL (SELECT COUNT(*) FILTER (WHERE a.value = 'true') AS up, COUNT(*) FILTER (WHERE a.value = 'false') AS down
         FROM assessments a WHERE a.trace_key = m.trace_key AND a.type = 'feedback' AND a.valid) f ON TRUE
     GROUP BY p.value, p.pos ORDER BY p.pos`,
    binds.values,
  );
  const hasMore = rows.length > query.maxResults;
  const groups: GroupSummary[] = rows.slice(0, query.maxResults).map((r) => ({
    value: r.value,
    count: num(r.count),
    error_count: num(r.errors),
    p50_ms: numOrNull(r.p50),
    p95_ms: numOrNull(r.p95),
    feedback_up: num(r.up),
    feedback_down: num(r.down),
    first_ms: numOrNull(r.first_ms) ?? 0,
    last_ms: numOrNull(r.last_ms) ?? 0,
    ...costSummary(Float64Array.from(r.costs ?? [])),
  }));
  if (groups.length === 0) return { groups: [] };
  return {
    groups,
    ...(hasMore ? { next_page_token: groupsPageToken(query.offset + groups.length) } : {}),
  };
}
