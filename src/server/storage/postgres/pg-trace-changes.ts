// The live tail on PostgreSQL: traces changed after a position (change_xid, trace_key), where change_xid
// is the id of the transaction that last wrote the trace row (migration 5). Transaction ids are handed
// out at a transaction's first write but become visible at commit, in any order; so a poll reads only
// changes of transactions older than its snapshot's xmin (every one of them has ended, and every later
// write gets a larger id) and answers positions below it. A transaction still open delays the changes
// of younger ones until it ends, and never loses them; replicas agree because the position is read from
// the database. The statements are the shared ones (../sql/changes-since.ts).
import { setTimeout as sleep } from 'node:timers/promises';
import { invalidParameter } from '../../errors.ts';
import { CHANGE_WINDOW, changesSinceSql, type ChangesEngine } from '../sql/changes-since.ts';
import { postgresDialect } from '../sql/sql-dialect.ts';
import { POSTGRES_TRACE_SCHEMA } from '../sql/trace-schema.ts';
import type { ChangesQuery, ChangesResult } from '../trace-store.ts';
import type { PgContext } from './pg-context.ts';
import type { PgExperiments } from './pg-experiments.ts';
import { PG_TRACE_COLUMNS, type PgTraceRow, type PgTraceReads } from './pg-trace-reads.ts';

const ENGINE: ChangesEngine = {
  dialect: postgresDialect,
  schema: POSTGRES_TRACE_SCHEMA,
  traceColumns: PG_TRACE_COLUMNS,
  columns: { changed: 'change_xid', created: 'created_xid', key: 'trace_key', position: (p) => `${p}::xid8` },
};

/**
 * How long a poll waits by default for the transactions in flight when it began (a few ms each when
 * ingesting) before it answers up to where they are: the changes they delay come in a later poll instead.
 */
export const DEFAULT_TAIL_SETTLE_MS = 100;
const SETTLE_STEP_MS = 10;

const MAX_XID = 2n ** 64n - 1n;
const MAX_KEY = 2n ** 63n - 1n;

/** A position (transaction id, trace key): (x, 0) means every change of transactions below x. */
type XidPosition = readonly [bigint, bigint];

function parsePosition(position: string): XidPosition {
  const match = /^(\d{1,20}):(\d{1,19})$/.exec(position);
  const xid = match ? BigInt(match[1]) : -1n;
  const key = match ? BigInt(match[2]) : -1n;
  if (xid < 0n || xid > MAX_XID || key < 0n || key > MAX_KEY) throw invalidParameter('Invalid cursor');
  return [xid, key];
}

const after = (a: XidPosition, b: XidPosition) => a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);
const format = (p: XidPosition) => `${p[0]}:${p[1]}`;
const bind = (p: XidPosition) => [p[0].toString(), p[1].toString()];

export class PgTraceChanges {
  constructor(
    private readonly ctx: PgContext,
    private readonly experiments: PgExperiments,
    private readonly reads: PgTraceReads,
    private readonly settleMs: number,
  ) {}

  async since(query: ChangesQuery): Promise<ChangesResult> {
    const start = query.after === undefined ? undefined : parsePosition(query.after);
    const createdAfter = start === undefined ? undefined : parsePosition(query.createdAfter);
    const bound: XidPosition = [await this.settledXmin(), 0n];
    const now = { created: [], updated: [], position: format(bound), more: false };
    // A position ahead of this database (restored, replaced) starts from now, as a fresh watcher.
    if (start === undefined || createdAfter === undefined || after(start, bound)) return now;
    return this.ctx.read(async (sql) => {
      const ids = await this.experiments.activeIds(sql, query.experimentIds);
      if (ids.length === 0) return now;
      const statements = changesSinceSql(ENGINE, ids.length, query.filter);
      const full = await sql.one<{ pos: string; pos_key: string }>(
        statements.windowEnd.sql,
        statements.windowEnd.params(ids, bind(start), bind(bound), CHANGE_WINDOW),
      );
      let end: XidPosition = full ? [BigInt(full.pos), BigInt(full.pos_key)] : bound;
      const rows = await sql.rows<PgTraceRow & { changed_pos: string; created_pos: string }>(
        statements.matches.sql,
        statements.matches.params(ids, bind(start), bind(end), query.maxResults + 1),
      );
      let more = full !== undefined;
      if (rows.length > query.maxResults) {
        rows.length = query.maxResults;
        const last = rows[rows.length - 1];
        end = [BigInt(last.changed_pos), BigInt(last.trace_key)];
        more = true;
      }
      const infos = await this.reads.assemble(sql, rows);
      const created: ChangesResult['created'] = [];
      const updated: ChangesResult['updated'] = [];
      rows.forEach((row, i) =>
        (after([BigInt(row.created_pos), BigInt(row.trace_key)], createdAfter) ? created : updated).push(infos[i]),
      );
      return { created, updated, position: format(end), more };
    });
  }

  /**
   * The oldest transaction id still in flight (or the next to be handed out): every change below it is
   * committed or rolled back. Waits briefly for the transactions open when the poll began, so a write
   * acknowledged before the poll is in its answer unless an older transaction stays open longer. Each try
   * is its own short read: no connection is held while waiting.
   */
  private async settledXmin(): Promise<bigint> {
    const snapshot = () =>
      this.ctx.read(async (sql) => {
        const row = await sql.one<{ xmin: string; xmax: string }>(
          'SELECT pg_snapshot_xmin(s)::text AS xmin, pg_snapshot_xmax(s)::text AS xmax FROM pg_current_snapshot() s',
        );
        return { xmin: BigInt(row!.xmin), xmax: BigInt(row!.xmax) };
      });
    const first = await snapshot();
    let xmin = first.xmin;
    for (let waited = 0; waited < this.settleMs && xmin < first.xmax; waited += SETTLE_STEP_MS) {
      await sleep(SETTLE_STEP_MS);
      xmin = (await snapshot()).xmin;
    }
    return xmin;
  }
}
