// The explorer's extension queries (key catalog, value suggestions, match counts, groups).
// Identifiers (table names) come only from allowlists; every value is bound.
import type {
  CountResponse,
  GroupSummary,
  GroupsResponse,
  KeyKind,
  KeysResponse,
  ValuesResponse,
} from '../../core/model.ts';
import type { CheckedFilter } from '../../core/filter/check-filter.ts';
import { compileSearchFilter } from './search-sql.ts';
import { GroupTally, groupsPageToken } from './group-summaries.ts';
import { TRACE_COLUMNS } from './trace-rows.ts';
import { sqliteDialect } from './sql/sql-dialect.ts';
import { traceCostExpr } from './sql/trace-schema.ts';
import type { SqliteReadContext } from './sqlite/sqlite-context.ts';
import type { CountQuery, GroupsQuery, ValuesQuery } from './trace-store.ts';

/** Key catalogs and value suggestions look at this many most recent traces (fast at any size). */
export const CATALOG_SAMPLE = 5000;
/** A prefix search over values stops after scanning this many matching rows. */
const PREFIX_SCAN_LIMIT = 20000;

const TABLES: Record<KeyKind, string> = { tag: 'trace_tags', metadata: 'trace_metadata' };

interface Scope {
  sql: string;
  params: unknown[];
}

/** `t.experiment_id IN (...)` (ids checked by the route) plus an optional compiled filter, over alias t. */
function scope(ids: readonly number[], filter?: CheckedFilter): Scope {
  const parts = [
    ids.length === 1 ? 't.experiment_id = ?' : `t.experiment_id IN (${ids.map(() => '?').join(', ') || 'NULL'})`,
  ];
  const params: unknown[] = [...ids];
  const compiled = compileSearchFilter(filter);
  if (compiled) {
    parts.push(`(${compiled.sql})`);
    params.push(...compiled.params);
  }
  return { sql: parts.join(' AND '), params };
}

function sampleSql(s: Scope): string {
  return `SELECT t.trace_key FROM traces t WHERE ${s.sql} ORDER BY t.timestamp_ms DESC LIMIT ${CATALOG_SAMPLE}`;
}

export function listKeysSql(store: SqliteReadContext, experimentIds: number[], limit: number): KeysResponse {
  const s = scope(experimentIds);
  const keys: KeysResponse['keys'] = [];
  for (const kind of ['metadata', 'tag'] as const) {
    const rows = store
      .stmt(
        `SELECT key, COUNT(*) AS count FROM ${TABLES[kind]} WHERE trace_key IN (${sampleSql(s)}) GROUP BY key ORDER BY count DESC, key LIMIT ?`,
      )
      .all(...s.params, limit) as { key: string; count: number }[];
    for (const r of rows) keys.push({ kind, key: r.key, count: r.count });
  }
  keys.sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
  return { keys: keys.slice(0, limit) };
}

export function listValuesSql(store: SqliteReadContext, input: ValuesQuery): ValuesResponse {
  const s = scope(input.experimentIds);
  const table = TABLES[input.kind];
  if (input.prefix) {
    // A prefix is a range on the (key, value, trace_key) index, so rare values are found too.
    const upper = `${input.prefix}\u{10FFFF}`;
    const rows = store
      .stmt(
        `SELECT value, COUNT(*) AS count FROM (SELECT g.value FROM ${table} g JOIN traces t ON t.trace_key = g.trace_key
           WHERE g.key = ? AND g.value >= ? AND g.value < ? AND ${s.sql} LIMIT ${PREFIX_SCAN_LIMIT})
         GROUP BY value ORDER BY count DESC, value LIMIT ?`,
      )
      .all(input.key, input.prefix, upper, ...s.params, input.limit) as { value: string; count: number }[];
    return { values: rows };
  }
  const rows = store
    .stmt(
      `SELECT g.value AS value, COUNT(*) AS count FROM ${table} g WHERE g.key = ? AND g.trace_key IN (${sampleSql(s)})
       GROUP BY g.value ORDER BY count DESC, g.value LIMIT ?`,
    )
    .all(input.key, ...s.params, input.limit) as { value: string; count: number }[];
  return { values: rows };
}

export function countTracesSql(store: SqliteReadContext, input: CountQuery): CountResponse {
  const correlated = compileSearchFilter(input.filter, 'correlated');
  if (correlated) {
    // A common value reaches the cap within the newest rows; probing them one by one is cheap,
    // while the index plan below would first collect every matching id.
    const ids = input.experimentIds;
    const window = Math.min(4 * (input.cap + 1), 50_000);
    const probe = store
      .stmt(
        `SELECT COUNT(*) AS n FROM (SELECT 1 FROM (SELECT t.trace_key, ${TRACE_COLUMNS} FROM traces t WHERE t.experiment_id IN (${ids.map(() => '?').join(', ') || 'NULL'})
           ORDER BY t.timestamp_ms DESC LIMIT ?) t WHERE ${correlated.sql} LIMIT ?)`,
      )
      .get(...ids, window, ...correlated.params, input.cap + 1) as { n: number };
    if (probe.n > input.cap) return { count: input.cap, exact: false };
  }
  const s = scope(input.experimentIds, input.filter);
  const row = store
    .stmt(`SELECT COUNT(*) AS n FROM (SELECT 1 FROM traces t WHERE ${s.sql} LIMIT ?)`)
    .get(...s.params, input.cap + 1) as { n: number };
  return row.n > input.cap ? { count: input.cap, exact: false } : { count: row.n, exact: true };
}

/**
 * `page`: the group values when the caller already has them (the accelerator lives beside the
 * write connection, while this may run in a read worker without one).
 */
export function listGroupsSql(store: SqliteReadContext, query: GroupsQuery): GroupsResponse {
  const s = scope(query.experimentIds, query.filter);
  const table = TABLES[query.groupBy.kind];
  const wanted = query.offset + query.maxResults;
  let values: string[];
  let hasMore: boolean;
  if (query.order === 'recent') {
    // Walk traces newest first through the time index and stop once the page's groups are seen:
    // the order of first sight is the order of each group's latest trace.
    const seen: string[] = [];
    const seenSet = new Set<string>();
    const it = store
      .stmt(
        `SELECT g.value AS value FROM traces t JOIN ${table} g ON g.trace_key = t.trace_key AND g.key = ?
         WHERE ${s.sql} ORDER BY t.timestamp_ms DESC, t.trace_id`,
      )
      .iterate(query.groupBy.key, ...s.params) as IterableIterator<{ value: string }>;
    for (const row of it) {
      if (seenSet.has(row.value)) continue;
      seenSet.add(row.value);
      seen.push(row.value);
      if (seen.length > wanted) break;
    }
    if (typeof it.return === 'function') it.return();
    hasMore = seen.length > wanted;
    values = seen.slice(query.offset, wanted);
  } else {
    const rows = store
      .stmt(
        `SELECT g.value AS value, COUNT(*) AS n FROM traces t JOIN ${table} g ON g.trace_key = t.trace_key AND g.key = ?
         WHERE ${s.sql} GROUP BY g.value ORDER BY n DESC, g.value LIMIT ? OFFSET ?`,
      )
      .all(query.groupBy.key, ...s.params, query.maxResults + 1, query.offset) as { value: string; n: number }[];
    hasMore = rows.length > query.maxResults;
    values = rows.slice(0, query.maxResults).map((r) => r.value);
  }
  if (values.length === 0) return { groups: [] };
  const valuesJson = JSON.stringify(values);
  const members = store
    .stmt(
      `SELECT g.value AS value, t.timestamp_ms AS ts, t.execution_time_ms AS ms, t.state AS state, ${traceCostExpr(sqliteDialect)} AS cost FROM ${table} g
       JOIN traces t ON t.trace_key = g.trace_key WHERE g.key = ? AND g.value IN (SELECT value FROM json_each(?)) AND ${s.sql}`,
    )
    .all(query.groupBy.key, valuesJson, ...s.params) as {
    value: string;
    ts: number;
    ms: number | null;
    state: string;
    cost: number | null;
  }[];
  const feedback = store
    .stmt(
      `SELECT g.value AS value, a.value AS v, COUNT(*) AS n FROM ${table} g JOIN traces t ON t.trace_key = g.trace_key
       JOIN assessments a ON a.trace_key = g.trace_key AND a.type = 'feedback' AND a.valid = 1 AND a.value IN ('true', 'false')
       WHERE g.key = ? AND g.value IN (SELECT value FROM json_each(?)) AND ${s.sql} GROUP BY g.value, a.value`,
    )
    .all(query.groupBy.key, valuesJson, ...s.params) as { value: string; v: string; n: number }[];
  const byValue = new Map(values.map((v) => [v, new GroupTally(v)]));
  for (const m of members) byValue.get(m.value)?.add(m.ts, m.ms, m.state === 'ERROR', m.cost);
  for (const f of feedback) byValue.get(f.value)?.feedback(f.v, f.n);
  const groups: GroupSummary[] = values.map((value) => byValue.get(value)!.summary());
  return {
    groups,
    ...(hasMore ? { next_page_token: groupsPageToken(query.offset + values.length) } : {}),
  };
}
