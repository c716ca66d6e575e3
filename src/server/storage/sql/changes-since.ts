// The live tail's reads (TraceStore.changesSince), written once for every engine. A watcher holds a
// position in the engine's change order (SQLite: traces.change_seq, stamped by triggers); each poll
// asks for the traces changed after it that match the filter. Work per poll is bounded twice: the
// changes looked at (a window of at most `window` index entries after the position) and the rows
// answered (`limit`). An idle poll is two index seeks that find nothing.
import type { CheckedFilter } from '../../../core/filter/check-filter.ts';
import { TRACE_COLUMNS } from '../trace-rows.ts';
import { compileFilter } from './compile-filter.ts';
import type { SqlDialect } from './sql-dialect.ts';
import { TRACE_SCHEMA } from './trace-schema.ts';

/** The engine's change-order columns on `traces` (both hold positions comparable with a cursor's). */
export interface ChangeColumns {
  /** Stamped on every write of the trace row (insert, state, times, previews). */
  changed: string;
  /** Stamped once, when the row is inserted. */
  created: string;
  /** How a bound position is written in SQL, e.g. PostgreSQL's `$1::xid8`; default: the placeholder. */
  position?: (placeholder: string) => string;
}

export interface ChangesSinceSql {
  /** Position of the window's last entry when the window is full (bind: experiment ids, after, window - 1). */
  windowEnd: { sql: string; params: (experimentIds: number[], after: unknown, window: number) => unknown[] };
  /**
   * Matching rows changed in (after, end], in change order, with `changed_pos` and `created_pos`
   * (bind: experiment ids, after, end, then the filter's parameters, then the limit).
   */
  matches: { sql: string; params: (experimentIds: number[], after: unknown, end: unknown, limit: number) => unknown[] };
}

/** The two statements of one poll over `experimentCount` experiments and an optional filter. */
export function changesSinceSql(
  dialect: SqlDialect,
  columns: ChangeColumns,
  experimentCount: number,
  filter: CheckedFilter | undefined,
): ChangesSinceSql {
  const t = TRACE_SCHEMA.traces;
  const changed = `t.${columns.changed}`;
  const pos = columns.position ?? ((p: string) => p);
  let n = 0;
  const next = () => dialect.placeholder(++n);
  const scope = () =>
    experimentCount === 1
      ? `t.${t.experimentId} = ${next()}`
      : `t.${t.experimentId} IN (${Array.from({ length: experimentCount }, next).join(', ')})`;

  const windowEnd = `SELECT ${changed} AS pos FROM ${t.table} t WHERE ${scope()} AND ${changed} > ${pos(next())}
    ORDER BY ${changed} LIMIT 1 OFFSET ${next()}`;

  n = 0;
  const head = `${scope()} AND ${changed} > ${pos(next())} AND ${changed} <= ${pos(next())}`;
  // Correlated: the range seek drives the plan and each changed row is probed against the filter.
  const compiled = compileFilter(filter ?? null, { dialect, mode: 'correlated', startIndex: n + 1 });
  n += compiled.params.length;
  const matches = `SELECT ${TRACE_COLUMNS}, ${changed} AS changed_pos, t.${columns.created} AS created_pos
    FROM ${t.table} t WHERE ${head} AND (${compiled.sql}) ORDER BY ${changed} LIMIT ${next()}`;

  return {
    windowEnd: { sql: windowEnd, params: (ids, after, window) => [...ids, after, window - 1] },
    matches: { sql: matches, params: (ids, after, end, limit) => [...ids, after, end, ...compiled.params, limit] },
  };
}
