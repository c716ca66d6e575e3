// The live tail on SQLite: traces changed after a position of traces.change_seq (migration 2
// stamps it from a counter on every write of a trace row). The statements are the shared ones
// (../sql/changes-since.ts).
import { invalidParameter } from '../../errors.ts';
import { CHANGE_WINDOW, changesSinceSql } from '../sql/changes-since.ts';
import { sqliteDialect } from '../sql/sql-dialect.ts';
import type { TraceRow } from '../trace-rows.ts';
import type { ChangesQuery, ChangesResult } from '../trace-store.ts';
import type { SqliteContext } from './sqlite-context.ts';
import type { SqliteTraceReads } from './trace-reads.ts';

const ENGINE = { dialect: sqliteDialect, columns: { changed: 'change_seq', created: 'created_seq' } };

function sequence(position: string): number {
  const n = Number(position);
  if (!/^\d{1,16}$/.test(position) || !Number.isSafeInteger(n)) throw invalidParameter('Invalid cursor');
  return n;
}

export class SqliteTraceChanges {
  constructor(
    private readonly ctx: SqliteContext,
    private readonly reads: SqliteTraceReads,
  ) {}

  /** `experimentIds` are active experiments (the facade checked). */
  since(query: ChangesQuery, experimentIds: number[]): ChangesResult {
    // Read first: every sequence number up to it is committed (one writer, numbers in commit order).
    const clock = (this.ctx.stmt('SELECT seq FROM trace_change_clock WHERE id = 1').get() as { seq: number }).seq;
    if (query.after === undefined || experimentIds.length === 0)
      return { created: [], updated: [], position: String(clock), more: false };
    const after = sequence(query.after);
    // A position from another database (restored, replaced) is ahead of this one: start from now.
    if (after > clock) return { created: [], updated: [], position: String(clock), more: false };
    const createdAfter = sequence(query.createdAfter);
    const sql = changesSinceSql(ENGINE, experimentIds.length, query.filter);
    const full = this.ctx
      .stmt(sql.windowEnd.sql)
      .get(...sql.windowEnd.params(experimentIds, [after], [clock], CHANGE_WINDOW)) as { pos: number } | undefined;
    let end = full ? full.pos : clock;
    const rows = this.ctx
      .stmt(sql.matches.sql)
      .all(...sql.matches.params(experimentIds, [after], [end], query.maxResults + 1)) as (TraceRow & {
      changed_pos: number;
      created_pos: number;
    })[];
    let more = full !== undefined;
    if (rows.length > query.maxResults) {
      rows.length = query.maxResults;
      end = rows[rows.length - 1].changed_pos;
      more = true;
    }
    const infos = this.reads.assemble(rows);
    const created: ChangesResult['created'] = [];
    const updated: ChangesResult['updated'] = [];
    rows.forEach((row, i) => (row.created_pos > createdAfter ? created : updated).push(infos[i]));
    return { created, updated, position: String(end), more };
  }
}
