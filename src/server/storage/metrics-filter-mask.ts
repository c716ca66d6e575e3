// The metrics accelerator's filter evaluator: a checked filter over the in-memory columns
// (metrics-columns.ts) as a mask over trace rowids, for the clauses the columns hold exactly
// (status, start, duration, end, tag and metadata values and presence, under AND / OR / NOT).
// Anything else (ids, spans, assessments, links) returns undefined and the caller asks SQL. The
// comparison rules are src/core/filter/compare-rules.ts's, the same the reference evaluator runs;
// filter-differential.test.ts checks this evaluator against SQL and the reference evaluator.
import type { ComparisonNode, FilterExpr } from '../../core/filter/ast.ts';
import type { CheckedFilter } from '../../core/filter/check-filter.ts';
import { isOrderComparator, numberPasses, numericTest, scalarOf, textHolds } from '../../core/filter/compare-rules.ts';
import { SOURCE_RUN_METADATA } from '../../core/filter/vocabulary.ts';
import { re2Search } from '../re2-search.ts';

/** What the evaluator reads: the accelerator's columns, indexed by trace rowid. */
export interface FilterColumns {
  /** Rows are 0 … capacity - 1. */
  readonly capacity: number;
  /** State code per row; 0 means no trace at that rowid. */
  readonly state: Uint8Array;
  /** State code → state name. */
  readonly stateNames: readonly string[];
  /** Start time (ms) per row. */
  readonly ts: Float64Array;
  /** Duration (ms) per row; NaN when unknown. */
  readonly dur: Float64Array;
  /**
   * The dictionary-encoded column of a tag or metadata key (code -1: key absent), loading it if
   * the accelerator allows; undefined when it may not load another column.
   */
  column(kind: 'tag' | 'metadata', key: string): { codes: Int32Array; dict: readonly string[] } | undefined;
}

/** Thrown inside the evaluator for a clause the columns cannot answer exactly. */
class Unsupported extends Error {}

function unsupported(): never {
  throw new Unsupported();
}

/**
 * Rows matching `filter` among those set in `universe` (the experiments' traces), or undefined
 * when a clause needs SQL. Every sub-mask is two-valued, as the compiled SQL is, so NOT is the
 * complement within the universe.
 */
export function columnFilterMask(
  filter: CheckedFilter,
  universe: Uint8Array,
  cols: FilterColumns,
): Uint8Array | undefined {
  try {
    const mask = evalExpr(filter, universe, cols);
    for (let r = 0; r < cols.capacity; r++) mask[r] &= universe[r];
    return mask;
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}

function evalExpr(e: FilterExpr, universe: Uint8Array, cols: FilterColumns): Uint8Array {
  const n = cols.capacity;
  switch (e.type) {
    case 'group':
      return evalExpr(e.expr, universe, cols);
    case 'not': {
      const inner = evalExpr(e.expr, universe, cols);
      for (let r = 0; r < n; r++) inner[r] = universe[r] & (inner[r] ^ 1);
      return inner;
    }
    case 'and':
    case 'or': {
      const [first, ...rest] = e.children.map((c) => evalExpr(c, universe, cols));
      for (const m of rest) {
        if (e.type === 'and') for (let r = 0; r < n; r++) first[r] &= m[r];
        else for (let r = 0; r < n; r++) first[r] |= m[r];
      }
      return first;
    }
    case 'comparison':
      return evalComparison(e, cols);
    default:
      return unsupported();
  }
}

/** Decides once per dictionary code (code -1: absent) and spreads the answers over the rows. */
function byCode(codes: Int32Array | Uint8Array, decide: readonly number[], offset: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let r = 0; r < n; r++) out[r] = decide[codes[r] + offset];
  return out;
}

function evalComparison(c: ComparisonNode, cols: FilterColumns): Uint8Array {
  const ref = c.field.ref ?? unsupported();
  const op = c.op?.op ?? unsupported();
  const n = cols.capacity;
  if (ref.kind === 'attribute') {
    if (ref.key === 'timestamp_ms' || ref.key === 'execution_time_ms' || ref.key === 'end_time_ms') {
      if (!isOrderComparator(op)) return unsupported();
      const test = numericTest(op, scalarOf(c.value));
      const { ts, dur } = cols;
      const out = new Uint8Array(n);
      for (let r = 0; r < n; r++) {
        // end_time_ms counts an unknown duration as 0 (as the SQL's COALESCE); execution_time_ms is NULL then.
        const x = ref.key === 'timestamp_ms' ? ts[r] : ref.key === 'end_time_ms' ? ts[r] + (dur[r] || 0) : dur[r];
        if (!Number.isNaN(x) && numberPasses(x, test)) out[r] = 1;
      }
      return out;
    }
    if (ref.key === 'status') {
      const decide = cols.stateNames.map((s, code) => (code !== 0 && textHolds(s, op, c.value, re2Search) ? 1 : 0));
      return byCode(cols.state, decide, 0, n);
    }
    return unsupported();
  }
  if (ref.kind === 'tag' || ref.kind === 'metadata') {
    // run_id = X also matches runs linked to the trace (a second table in SQL): leave it to SQL.
    if (ref.kind === 'metadata' && ref.key === SOURCE_RUN_METADATA && op === '=') return unsupported();
    const col = cols.column(ref.kind, ref.key) ?? unsupported();
    const decide = [op === 'IS NULL' ? 1 : 0];
    for (const value of col.dict) {
      if (op === 'IS NULL') decide.push(0);
      else if (op === 'IS NOT NULL') decide.push(1);
      else decide.push(textHolds(value, op, c.value, re2Search) ? 1 : 0);
    }
    return byCode(col.codes, decide, 1, n);
  }
  return unsupported();
}
