// Every heavy read of the SQLite store, over one connection. The same class runs on the event loop
// (in-memory databases, --read-workers 0) and in each read worker (sqlite/read-worker.ts), so the
// answers cannot differ by where they were computed. Methods are synchronous and take and return
// plain data (structured-clone safe): the read pool posts them between threads.
import type { CountResponse, GroupsResponse, KeysResponse, TraceInfo, ValuesResponse } from '../../../core/model.ts';
import type { MetricDataPoint, MetricsQuery } from '../metrics-query.ts';
import { compileSearchFilter, compileSearchOrder, orderKeyColumns, orderKeyset } from '../search-sql.ts';
import { nextPageCursor } from '../sql/compile-order-by.ts';
import type { SpanRecord } from '../span-record.ts';
import { queryMetricsSql } from '../sqlite-metrics.ts';
import { countTracesSql, listGroupsSql, listKeysSql, listValuesSql } from '../sqlite-extensions.ts';
import { TRACE_COLUMNS, type TraceRow } from '../trace-rows.ts';
import type { CountQuery, GroupsQuery, SearchTracesQuery, SearchTracesResult, ValuesQuery } from '../trace-store.ts';
import type { SqliteExperiments } from './experiments.ts';
import type { SqliteContext, SqliteReadContext } from './sqlite-context.ts';
import type { SqliteTraceReads } from './trace-reads.ts';

/** Rows of the time index a filtered search probes before judging the filter rare. */
const FIRST_WINDOW = 2000;
const MAX_WINDOW = 60_000;

export class SqliteReader {
  private readonly ctx: SqliteContext;
  private readonly experiments: SqliteExperiments;
  private readonly reads: SqliteTraceReads;
  private readonly searchWindows: boolean;
  /** The SQL path only: the metrics accelerator is consulted by the facade, beside the writer. */
  private readonly sql: SqliteReadContext;

  constructor(ctx: SqliteContext, experiments: SqliteExperiments, reads: SqliteTraceReads, searchWindows: boolean) {
    this.ctx = ctx;
    this.experiments = experiments;
    this.reads = reads;
    this.searchWindows = searchWindows;
    this.sql = { stmt: (sql) => ctx.stmt(sql) };
  }

  traceInfos(traceIds: string[]): TraceInfo[] {
    return this.reads.infos(traceIds);
  }

  spans(traceId: string): SpanRecord[] | undefined {
    if (!this.reads.exists(traceId)) return undefined;
    return this.reads.spansOfTraces([traceId]).get(traceId) ?? [];
  }

  spansOfTraces(traceIds: string[]): Map<string, SpanRecord[]> {
    return this.reads.spansOfTraces(traceIds);
  }

  /**
   * A trace's span ids in getSpans order and the spans of the first `chunk` of them (one read
   * answers a small trace whole), or undefined if the trace is unknown.
   */
  spanHead(traceId: string, chunk: number): { order: string[]; first: SpanRecord[] } | undefined {
    if (!this.reads.exists(traceId)) return undefined;
    const order = this.reads.spanOrder(traceId);
    return { order, first: this.reads.spansByIds(traceId, order.slice(0, chunk)) };
  }

  spansByIds(traceId: string, spanIds: string[]): SpanRecord[] {
    return this.reads.spansByIds(traceId, spanIds);
  }

  spanCounts(traceIds: string[]): Map<string, number> {
    return this.reads.spanCounts(traceIds);
  }

  searchTraces(query: SearchTracesQuery): SearchTracesResult {
    // Traces of a deleted experiment are not searchable.
    const experimentIds = this.experiments.activeIds(query.experimentIds);
    if (experimentIds.length === 0) return { traces: [] };
    const scope =
      experimentIds.length === 1
        ? 't.experiment_id = ?'
        : `t.experiment_id IN (${experimentIds.map(() => '?').join(', ')})`;
    const filter = compileSearchFilter(query.filter);
    const order = compileSearchOrder(query.orderBy);
    let offset = query.cursor.offset;
    const after = query.cursor.after;
    const keyset: { sql: string; params: unknown[] } | undefined =
      order.isDefault && after
        ? {
            sql: 't.timestamp_ms <= ? AND (t.timestamp_ms < ? OR t.trace_id > ?)',
            params: [after.ts, after.ts, after.id],
          }
        : query.cursor.keys && orderKeyset(order, query.cursor.keys);
    if (keyset) offset = 0;

    let rows: TraceRow[] | undefined;
    const correlated =
      order.isDefault && offset === 0 && this.searchWindows
        ? compileSearchFilter(query.filter, 'correlated')
        : undefined;
    if (correlated) {
      // Newest-first window: the page is the first matches in time order, found by probing each
      // row of the time index. A full page from a window prefix is exactly the answer. If the
      // first window shows the filter is rare, the index-driven plan below is the fast one.
      // `skip` rows of the time order are stepped over without probing them (OFFSET reads no row).
      const windowed = (size: number, skip: number, limit: number) =>
        this.ctx
          .stmt(
            `SELECT ${TRACE_COLUMNS} FROM (SELECT t.trace_key, ${TRACE_COLUMNS} FROM traces t WHERE ${scope}${keyset ? ` AND ${keyset.sql}` : ''}
             ORDER BY t.timestamp_ms DESC, t.trace_id ASC LIMIT ? OFFSET ?) t WHERE ${correlated.sql} LIMIT ?`,
          )
          .all(...experimentIds, ...(keyset?.params ?? []), size, skip, ...correlated.params, limit) as TraceRow[];
      // One snapshot for both windows (a read worker's request is one already; on the event loop a
      // write committed between them would shift the time order under the second window's OFFSET).
      rows = this.ctx.db.transaction(() => {
        const first = windowed(FIRST_WINDOW, 0, query.maxResults);
        if (first.length === query.maxResults) return first;
        if (first.length === 0) return undefined;
        const needed = Math.ceil((FIRST_WINDOW * query.maxResults * 1.5) / first.length);
        if (needed > MAX_WINDOW) return undefined;
        // The first window's matches are all of its rows' matches: the second window continues after
        // it instead of probing those rows again (a 1% filter probes ≈ 10,000 rows for a page, not 12,000).
        const rest = windowed(needed - FIRST_WINDOW, FIRST_WINDOW, query.maxResults - first.length);
        return first.length + rest.length === query.maxResults ? [...first, ...rest] : undefined;
      })();
      rows?.sort(
        (a, b) => b.timestamp_ms - a.timestamp_ms || (a.trace_id < b.trace_id ? -1 : a.trace_id > b.trace_id ? 1 : 0),
      );
    }
    if (!rows) {
      const where = [scope, ...(filter ? [`(${filter.sql})`] : []), ...(keyset ? [keyset.sql] : [])];
      const params = [...experimentIds, ...(filter?.params ?? []), ...(keyset?.params ?? [])];
      const keyColumns = orderKeyColumns(order);
      const sql = `SELECT ${TRACE_COLUMNS}${keyColumns.sql} FROM traces t WHERE ${where.join(' AND ')} ORDER BY ${order.sql} LIMIT ? OFFSET ?`;
      rows = this.ctx
        .stmt(sql)
        .all(...keyColumns.params, ...params, ...order.params, query.maxResults, offset) as TraceRow[];
    }
    const traces = this.reads.assemble(rows);
    return { traces, next: nextPageCursor(rows, query.maxResults, query.cursor.offset, order) };
  }

  // Every read scoped by experiment answers for active experiments only: a deleted experiment's
  // traces are not searchable (MLflow), so they are not counted, grouped or measured either.

  /** The SQL path of QueryTraceMetrics (the facade asked the accelerator first). */
  metrics(query: MetricsQuery): MetricDataPoint[] {
    const experimentIds = this.experiments.activeIds(query.experimentIds);
    if (experimentIds.length === 0) return [];
    return queryMetricsSql(this.sql, { ...query, experimentIds });
  }

  listKeys(experimentIds: number[], limit: number): KeysResponse {
    const active = this.experiments.activeIds(experimentIds);
    if (active.length === 0) return { keys: [] };
    return listKeysSql(this.sql, active, limit);
  }

  listValues(input: ValuesQuery): ValuesResponse {
    const experimentIds = this.experiments.activeIds(input.experimentIds);
    if (experimentIds.length === 0) return { values: [] };
    return listValuesSql(this.sql, { ...input, experimentIds });
  }

  countTraces(input: CountQuery): CountResponse {
    const experimentIds = this.experiments.activeIds(input.experimentIds);
    if (experimentIds.length === 0) return { count: 0, exact: true };
    return countTracesSql(this.sql, { ...input, experimentIds });
  }

  /** `query.experimentIds` already active; `page` from the accelerator when it had one. */
  listGroups(query: GroupsQuery): GroupsResponse {
    return listGroupsSql(this.sql, query);
  }
}

/** What the read pool may call: the reader's methods by name. */
export type ReadMethod = {
  [K in keyof SqliteReader]: SqliteReader[K] extends (...args: never[]) => unknown ? K : never;
}[keyof SqliteReader];
