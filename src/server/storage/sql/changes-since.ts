// The live tail's reads (TraceStore.changesSince), written once for every engine. A watcher holds a
// position in the engine's change order (SQLite: traces.change_seq, stamped by triggers; PostgreSQL:
// (traces.change_xid, trace_key), the writing transaction's id and the row key); each poll asks for the
// traces changed after it, up to a bound the engine knows is complete, that match the filter. Work per
// poll is bounded twice: the changes looked at (a window of at most `window` index entries after the
// position) and the rows answered (`limit`). An idle poll is two index seeks that find nothing.
import type { CheckedFilter } from '../../../core/filter/check-filter.ts';
import { TRACE_COLUMNS } from '../trace-rows.ts';
import { compileFilter } from './compile-filter.ts';
import type { SqlDialect } from './sql-dialect.ts';
import { TRACE_SCHEMA, type TraceSchema } from './trace-schema.ts';

/** Change-index entries one poll looks at; a watcher far behind catches up in several polls. */
export const CHANGE_WINDOW = 2000;

/** The engine's change-order columns on `traces` (both hold positions comparable with a cursor's). */
export interface ChangeColumns {
  /** Stamped on every write of the trace row (insert, state, times, previews). */
  changed: string;
  /** Stamped once, when the row is inserted. */
  created: string;
  /**
   * Breaks ties in `changed` when one value stamps many rows (a PostgreSQL transaction): positions are
   * then (changed, key) pairs, compared as rows, and the index is (experiment_id, changed, key).
   */
  key?: string;
  /** How a bound `changed` value is written in SQL, e.g. PostgreSQL's `$1::xid8`; default: the placeholder. */
  position?: (placeholder: string) => string;
}

/** How one engine reads the change order: its dialect and schema, the trace columns it selects. */
export interface ChangesEngine {
  dialect: SqlDialect;
  columns: ChangeColumns;
  /** Default: SQLite's TRACE_SCHEMA. */
  schema?: TraceSchema;
  /** The trace row's columns over alias `t` (default TRACE_COLUMNS). */
  traceColumns?: string;
}

/** A position's bound values: `[changed]`, or `[changed, key]` when the columns have a key. */
export type Position = readonly unknown[];

export interface ChangesSinceSql {
  /**
   * The window's last entry (`pos`, and `pos_key` with a key) when the window is full: the
   * `window`-th change in (after, bound] (bind: experiment ids, after, bound, window - 1).
   */
  windowEnd: {
    sql: string;
    params: (experimentIds: number[], after: Position, bound: Position, window: number) => unknown[];
  };
  /**
   * Matching rows changed in (after, end], in change order, with `changed_pos` and `created_pos`
   * (bind: experiment ids, after, end, then the filter's parameters, then the limit).
   */
  matches: {
    sql: string;
    params: (experimentIds: number[], after: Position, end: Position, limit: number) => unknown[];
  };
}

/** The two statements of one poll over `experimentCount` experiments and an optional filter. */
export function changesSinceSql(
  engine: ChangesEngine,
  experimentCount: number,
  filter: CheckedFilter | undefined,
): ChangesSinceSql {
  const { dialect, columns } = engine;
  const schema = engine.schema ?? TRACE_SCHEMA;
  const t = schema.traces;
  const changed = `t.${columns.changed}`;
  const order = columns.key ? `${changed}, t.${columns.key}` : changed;
  const castPosition = columns.position ?? ((p: string) => p);
  let n = 0;
  const next = () => dialect.placeholder(++n);
  const scope = () =>
    experimentCount === 1
      ? `t.${t.experimentId} = ${next()}`
      : `t.${t.experimentId} IN (${Array.from({ length: experimentCount }, next).join(', ')})`;
  // A bound position: `$1::xid8` alone, or as a row `($1::xid8, $2)` compared with (changed, key).
  const position = () => (columns.key ? `(${castPosition(next())}, ${next()})` : castPosition(next()));
  const current = columns.key ? `(${order})` : changed;
  const range = () => `${current} > ${position()} AND ${current} <= ${position()}`;

  const keyColumn = columns.key ? `, t.${columns.key} AS pos_key` : '';
  const windowEnd = `SELECT ${changed} AS pos${keyColumn} FROM ${t.table} t WHERE ${scope()} AND ${range()}
    ORDER BY ${order} LIMIT 1 OFFSET ${next()}`;

  n = 0;
  const head = `${scope()} AND ${range()}`;
  // Correlated: the range seek drives the plan and each changed row is probed against the filter.
  const compiled = compileFilter(filter ?? null, { dialect, schema, mode: 'correlated', startIndex: n + 1 });
  n += compiled.params.length;
  const matches = `SELECT ${engine.traceColumns ?? TRACE_COLUMNS}, ${changed} AS changed_pos, t.${columns.created} AS created_pos
    FROM ${t.table} t WHERE ${head} AND (${compiled.sql}) ORDER BY ${order} LIMIT ${next()}`;

  return {
    windowEnd: {
      sql: windowEnd,
      params: (ids, after, bound, window) => [...ids, ...after, ...bound, window - 1],
    },
    matches: {
      sql: matches,
      params: (ids, after, end, limit) => [...ids, ...after, ...end, ...compiled.params, limit],
    },
  };
}
