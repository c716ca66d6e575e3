// A checked filter tree → one boolean SQL expression over the trace alias (`traces t`), values only
// as bound parameters and identifiers only from the schema description (trace-schema.ts). The
// language itself (parsing, checking, the comparison rules) is src/core/filter; this is the
// storage's half. Call checkFilter first: compiling a filter that still has errors throws.
//
// Two modes for predicates on the side tables (tags, metadata, spans, assessments, links):
// - `membership` (default): `t.trace_key IN (SELECT trace_key FROM trace_tags WHERE key = ? AND …)`.
//   Uncorrelated: the engine computes the id set once. Right when the side table drives the plan
//   (a rare value seeks the (key, value, trace_key) index; the metrics mask; groups).
// - `correlated`: `EXISTS (SELECT 1 FROM trace_tags x WHERE x.trace_key = t.trace_key AND …)`. One
//   index seek per trace row visited. The search walks an experiment's traces newest first through
//   the time index over a bounded window (sqlite-trace-store.ts, searchTraces) and stops after about
//   a page; SQLite would otherwise materialise the whole IN list first (700k ids for a value on 70%
//   of a million traces). Equivalent to the membership form because trace keys are never NULL.
//
// Other shapes chosen for the planner: every span clause of one AND-chain goes into ONE span
// subquery, so they must hold for the same span (MLflow's semantics) and `span.name = ?` seeks
// spans_by_name; assessments seek (name, type, valid, trace_key). Membership tests are two-valued and
// nullable trace columns are guarded with IS NOT NULL, so NOT never meets SQL's unknown: `NOT x` is
// exactly the complement of `x`, as in the reference evaluator.
import type { AttributeKey, Comparator, ComparisonNode, FilterExpr, ValueNode } from '../../../core/filter/ast.ts';
import { isNumericAttribute } from '../../../core/filter/comparators-for.ts';
import {
  assessmentValueForms,
  isOrderComparator,
  listOf,
  numericTest,
  type NumericTest,
  scalarOf,
} from '../../../core/filter/compare-rules.ts';
import { conjuncts, isSpanClause } from '../../../core/filter/conjuncts.ts';
import { SESSION_METADATA, SOURCE_RUN_METADATA } from '../../../core/filter/vocabulary.ts';
import type { SqlDialect } from './sql-dialect.ts';
import { attributeExpr, TRACE_SCHEMA, type TraceSchema } from './trace-schema.ts';

export interface CompiledSql {
  sql: string;
  params: unknown[];
}

export interface CompileOptions {
  dialect: SqlDialect;
  /** How side-table predicates refer to the trace row (see the top of this file). */
  mode?: 'membership' | 'correlated';
  /** Number of the first placeholder (PostgreSQL's $n) when the caller has bound parameters before. */
  startIndex?: number;
  schema?: TraceSchema;
  /**
   * The experiments searched. On a schema whose spans and assessments carry their trace's experiment,
   * membership subqueries over them are scoped to these, so they seek (experiment_id, name, …) indexes.
   */
  experimentIds?: readonly number[];
}

class Params {
  readonly values: unknown[] = [];
  constructor(
    private readonly dialect: SqlDialect,
    private readonly start: number,
  ) {}
  /** Binds a value and returns its placeholder; call in the order placeholders appear in the SQL. */
  bind(v: unknown): string {
    this.values.push(v);
    return this.dialect.placeholder(this.start + this.values.length - 1);
  }
}

interface Ctx {
  p: Params;
  d: SqlDialect;
  s: TraceSchema;
  correlated: boolean;
  experimentIds: readonly number[] | undefined;
}

function invalid(): never {
  throw new Error('compileFilter: the filter has errors; call checkFilter first');
}

/** The trace id column of the outer row. */
const outerId = (c: Ctx) => `${c.s.traces.alias}.${c.s.traces.traceId}`;

/**
 * "The trace has a row in `table` (alias `x`) meeting `where`", in the context's mode. `where` is a
 * function so its placeholders are bound after anything the caller bound before.
 */
function hasRow(c: Ctx, table: string, alias: string, traceId: string, where: () => string, negate = false): string {
  const cond = where();
  if (c.correlated)
    return `${negate ? 'NOT ' : ''}EXISTS (SELECT 1 FROM ${table} ${alias} WHERE ${alias}.${traceId} = ${outerId(c)} AND ${cond})`;
  return `${outerId(c)} ${negate ? 'NOT IN' : 'IN'} (SELECT ${alias}.${traceId} FROM ${table} ${alias} WHERE ${cond})`;
}

/** `<expr> <op> <value>` for the value comparators shared by every kind (text, or integer ms when asNumber). */
function condition(
  expr: string,
  op: Comparator,
  value: ValueNode | null,
  c: Ctx,
  asNumber = false,
  indexed = false,
): string {
  const { p, d } = c;
  const prefix = indexed ? c.s.indexedPrefixChars : undefined;
  switch (op) {
    case 'IN':
    case 'NOT IN': {
      const placeholders = listOf(value).map((v) => p.bind(v));
      const test = `${expr} ${op} (${placeholders.join(', ')})`;
      if (prefix === undefined || op === 'NOT IN') return test;
      return `${prefixedExpr(expr, prefix)} IN (${placeholders.map((x) => prefixedExpr(x, prefix)).join(', ')}) AND ${test}`;
    }
    case 'LIKE':
      return d.like(expr, p.bind(scalarOf(value)));
    case 'ILIKE':
      return d.ilike(expr, p.bind(scalarOf(value)));
    case 'RLIKE':
      return d.regex(expr, p.bind(scalarOf(value)));
    default: {
      if (!isOrderComparator(op)) return invalid();
      // Text fields accept only = and != among these (vocabulary.ts), so no collation question arises.
      if (!asNumber) {
        const placeholder = p.bind(scalarOf(value));
        if (prefix !== undefined && op === '=') return indexedEquals(expr, placeholder, prefix);
        return `${expr} ${op} ${placeholder}`;
      }
      // The rule for quoted values and fractional bounds is compare-rules.ts's: folded here rather
      // than bound as text, so PostgreSQL keeps an integer parameter (and its index).
      const test = withinBigint(numericTest(op, scalarOf(value)));
      if (test.kind === 'none') return '1 = 0';
      if (test.kind === 'present') return `${expr} IS NOT NULL`;
      return `${expr} ${test.op} ${p.bind(test.bound)}`;
    }
  }
}

/** 2^63: no BIGINT (PostgreSQL's time columns) reaches it, and a larger bound cannot be bound to one. */
const BIGINT_LIMIT = 2 ** 63;

/**
 * A bound beyond ±2^63 (or infinite) folded to what it means for stored times, which are always within it:
 * above them all, `<`, `<=` and `!=` hold for every value and the rest for none; below them all, the reverse.
 */
function withinBigint(test: NumericTest): NumericTest {
  if (test.kind !== 'compare' || Math.abs(test.bound) < BIGINT_LIMIT) return test;
  const holdsBelow = test.op === '<' || test.op === '<=' || test.op === '!=';
  const holdsAbove = test.op === '>' || test.op === '>=' || test.op === '!=';
  return (test.bound > 0 ? holdsBelow : holdsAbove) ? { kind: 'present' } : { kind: 'none' };
}

/** `left(expr, n)`: the indexed prefix of a free-text column (see TraceSchema.indexedPrefixChars). */
const prefixedExpr = (expr: string, n: number) => `left(${expr}, ${n})`;

/** `expr = placeholder`, spelled so an index on the column's prefix can seek it when the schema has one. */
function indexedEquals(expr: string, placeholder: string, prefix: number | undefined): string {
  if (prefix === undefined) return `${expr} = ${placeholder}`;
  return `${prefixedExpr(expr, prefix)} = ${prefixedExpr(placeholder, prefix)} AND ${expr} = ${placeholder}`;
}

/**
 * `alias.experiment_id IN (…)` for a membership subquery over a table that carries the experiment
 * (TraceSchema: spans, assessments), so the side of the plan it drives stays inside the searched experiments.
 */
function experimentScope(c: Ctx, alias: string, column: string | undefined): string {
  if (column === undefined || c.experimentIds === undefined || c.experimentIds.length === 0) return '';
  return `${alias}.${column} IN (${c.experimentIds.map((id) => c.p.bind(id)).join(', ')}) AND `;
}

function spanCondition(cmp: ComparisonNode, c: Ctx): string {
  const ref = cmp.field.ref ?? invalid();
  const op = cmp.op?.op ?? invalid();
  if (ref.kind === 'span')
    return condition(
      `s.${c.s.spans.columns[ref.key]}`,
      op,
      cmp.value,
      c,
      false,
      ref.key === 'name' || ref.key === 'type',
    );
  if (ref.kind !== 'span-attribute') return invalid();
  const key = c.p.bind(ref.key);
  const source = c.d.spanAttributeSource(`s.${c.s.spans.columns.content}`);
  return `EXISTS (SELECT 1 FROM ${source} WHERE j.key = ${key} AND ${condition(c.d.spanAttributeValue('j.value'), op, cmp.value, c)})`;
}

function spanGroup(clauses: ComparisonNode[], c: Ctx): string {
  const sp = c.s.spans;
  return hasRow(
    c,
    sp.table,
    's',
    sp.traceId,
    () => experimentScope(c, 's', sp.experimentId) + clauses.map((cl) => spanCondition(cl, c)).join(' AND '),
  );
}

function compileAttribute(key: AttributeKey, op: Comparator, value: ValueNode | null, c: Ctx): string {
  const col = attributeExpr(key, c.s);
  const cond = condition(col, op, value, c, isNumericAttribute({ kind: 'attribute', key }));
  return c.s.traces.attributes[key].nullable ? `(${col} IS NOT NULL AND ${cond})` : cond;
}

function compileKeyValue(kind: 'tag' | 'metadata', key: string, op: Comparator, value: ValueNode | null, c: Ctx) {
  const kv = c.s[kind];
  const { p } = c;
  if (op === 'IS NULL' || op === 'IS NOT NULL')
    return hasRow(c, kv.table, 'x', kv.traceId, () => `x.${kv.key} = ${p.bind(key)}`, op === 'IS NULL');
  if (kind === 'metadata' && key === SOURCE_RUN_METADATA && op === '=') {
    // run_id = X also matches traces linked to run X (link-to-run), as MLflow does.
    const runs = c.s.runLinks;
    const byMetadata = (x: string) =>
      `${x}.${kv.key} = ${p.bind(key)} AND ${indexedEquals(`${x}.${kv.value}`, p.bind(scalarOf(value)), c.s.indexedPrefixChars)}`;
    const byLink = (x: string) => `${x}.${runs.runId} = ${p.bind(scalarOf(value))}`;
    if (c.correlated)
      return `(${hasRow(c, kv.table, 'x', kv.traceId, () => byMetadata('x'))} OR ${hasRow(c, runs.table, 'x', runs.traceId, () => byLink('x'))})`;
    return `${outerId(c)} IN (SELECT x.${kv.traceId} FROM ${kv.table} x WHERE ${byMetadata('x')} UNION SELECT r.${runs.traceId} FROM ${runs.table} r WHERE ${byLink('r')})`;
  }
  return hasRow(
    c,
    kv.table,
    'x',
    kv.traceId,
    () => `x.${kv.key} = ${p.bind(key)} AND ${condition(`x.${kv.value}`, op, value, c, false, true)}`,
  );
}

/** The conditions on one assessment row (alias `alias`): name, type, valid, value; binds as it goes. */
function assessmentConditions(
  alias: string,
  kind: 'feedback' | 'expectation',
  name: string,
  op: Comparator,
  value: ValueNode | null,
  c: Ctx,
): string {
  const a = c.s.assessments;
  const { p, d } = c;
  const head = `${experimentScope(c, alias, a.experimentId)}${indexedEquals(`${alias}.${a.name}`, p.bind(name), c.s.indexedPrefixChars)} AND ${alias}.${a.type} = ${p.bind(kind)} AND ${d.isTrue(`${alias}.${a.valid}`)}`;
  if (op === 'IS NULL' || op === 'IS NOT NULL') return head;
  if (op === '=' || op === '!=') {
    const [text, json] = assessmentValueForms(scalarOf(value));
    return `${head} AND ${alias}.${a.value} ${op === '=' ? 'IN' : 'NOT IN'} (${p.bind(text)}, ${p.bind(json)})`;
  }
  return `${head} AND ${condition(`${alias}.${a.value}`, op, value, c)}`;
}

/**
 * Traces with a matching valid assessment: their own, or (MLflow after 3.11) one whose metadata names
 * the trace's session in mlflow.trace.session, which applies to every trace of that session.
 */
function compileAssessment(
  kind: 'feedback' | 'expectation',
  name: string,
  op: Comparator,
  value: ValueNode | null,
  c: Ctx,
): string {
  const a = c.s.assessments;
  const m = c.s.metadata;
  const { p, d } = c;
  const negate = op === 'IS NULL';
  const shared = () => {
    const sessionKey = p.bind(SESSION_METADATA);
    const member = d.jsonMember(`b.${a.metadata}`, p.bind(d.jsonMemberArgument(SESSION_METADATA)));
    const conds = assessmentConditions('b', kind, name, op, value, c);
    const prefilter = d.contains(`b.${a.metadata}`, p.bind(SESSION_METADATA));
    return `m.${m.key} = ${sessionKey} AND m.${m.value} IN (SELECT ${member} FROM ${a.table} b WHERE ${conds} AND ${prefilter})`;
  };
  if (c.correlated) {
    const own = hasRow(c, a.table, 'a', a.traceId, () => assessmentConditions('a', kind, name, op, value, c));
    const viaSession = hasRow(c, m.table, 'm', m.traceId, shared);
    return `${negate ? 'NOT ' : ''}(${own} OR ${viaSession})`;
  }
  const own = `SELECT a.${a.traceId} FROM ${a.table} a WHERE ${assessmentConditions('a', kind, name, op, value, c)}`;
  const viaSession = `SELECT m.${m.traceId} FROM ${m.table} m WHERE ${shared()}`;
  return `${outerId(c)} ${negate ? 'NOT IN' : 'IN'} (${own} UNION ${viaSession})`;
}

function compileComparison(cmp: ComparisonNode, c: Ctx): string {
  const ref = cmp.field.ref ?? invalid();
  const op = cmp.op?.op ?? invalid();
  const { p, s } = c;
  switch (ref.kind) {
    case 'attribute':
      return compileAttribute(ref.key, op, cmp.value, c);
    case 'tag':
    case 'metadata':
      return compileKeyValue(ref.kind, ref.key, op, cmp.value, c);
    case 'span':
    case 'span-attribute':
      return spanGroup([cmp], c);
    case 'feedback':
    case 'expectation':
      return compileAssessment(ref.kind, ref.key, op, cmp.value, c);
    case 'issue': {
      const a = s.assessments;
      return hasRow(
        c,
        a.table,
        'a',
        a.traceId,
        () =>
          `${experimentScope(c, 'a', a.experimentId)}${indexedEquals(`a.${a.name}`, p.bind(scalarOf(cmp.value)), s.indexedPrefixChars)} AND a.${a.type} = ${p.bind('issue')} AND ${c.d.isTrue(`a.${a.valid}`)}`,
      );
    }
    case 'prompt': {
      const [name, version] = String(scalarOf(cmp.value)).split('/');
      const l = s.promptLinks;
      return hasRow(
        c,
        l.table,
        'l',
        l.traceId,
        () => `l.${l.name} = ${p.bind(name)} AND l.${l.version} = ${p.bind(version)}`,
      );
    }
  }
}

function compileExpr(e: FilterExpr, c: Ctx): string {
  switch (e.type) {
    case 'comparison':
      return compileComparison(e, c);
    case 'group':
      return compileExpr(e.expr, c);
    case 'not':
      return `NOT (${compileExpr(e.expr, c)})`;
    case 'or':
      return `(${e.children.map((x) => compileExpr(x, c)).join(' OR ')})`;
    case 'and': {
      const items = conjuncts(e);
      const spans = items.filter(isSpanClause);
      const parts: string[] = [];
      let spansDone = false;
      for (const item of items) {
        if (isSpanClause(item)) {
          if (!spansDone) parts.push(spanGroup(spans, c));
          spansDone = true;
        } else parts.push(compileExpr(item, c));
      }
      return parts.length === 1 ? parts[0] : `(${parts.join(' AND ')})`;
    }
    case 'error':
      return invalid();
  }
}

/** Compiles a checked filter to a boolean SQL expression over the trace alias; null compiles to `1 = 1`. */
export function compileFilter(expr: FilterExpr | null, options: CompileOptions): CompiledSql {
  if (expr === null) return { sql: '1 = 1', params: [] };
  const p = new Params(options.dialect, options.startIndex ?? 1);
  const ctx: Ctx = {
    p,
    d: options.dialect,
    s: options.schema ?? TRACE_SCHEMA,
    correlated: options.mode === 'correlated',
    experimentIds: options.experimentIds,
  };
  return { sql: compileExpr(expr, ctx), params: p.values };
}
