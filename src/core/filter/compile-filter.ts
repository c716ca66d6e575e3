// AST → one boolean SQL expression over `traces t`, values only as bound parameters and
// identifiers only from the fixed column map below. Call checkFilter first: the compiler throws
// on an AST that still has errors, because compiling a broken filter is a programming error.
//
// Shapes are chosen so SQLite can drive them from indexes on a million traces:
// - tag / metadata: `t.trace_id IN (SELECT trace_id FROM trace_tags WHERE key = ? AND value ...)`,
//   a seek on the (key, value, trace_id) covering index;
// - spans: every span clause of one AND-chain goes into ONE subquery, so they must hold for the
//   same span (MLflow semantics); `span.name = ?` seeks spans_by_name;
// - assessments: `assessments_by_name (name, type, valid, trace_id)`.
// IN-subqueries are two-valued (trace_id is never NULL), and nullable trace columns are guarded
// with IS NOT NULL, so NOT never meets SQL's unknown: `NOT x` is exactly the complement of `x`.
import type { AttributeKey, Comparator, ComparisonNode, FilterExpr, ValueNode } from './ast.ts';
import { isNumericAttribute } from './comparators-for.ts';
import type { SqlDialect } from './sql-dialect.ts';
import { numberHoldsAgainstText, numericValue } from './validate-filter.ts';
import { SESSION_METADATA, SOURCE_RUN_METADATA } from './vocabulary.ts';

export interface CompiledSql {
  sql: string;
  params: unknown[];
}

export const ATTRIBUTE_COLUMNS: Readonly<Record<AttributeKey | 'experiment_id', string>> = {
  status: 't.state',
  request_id: 't.trace_id',
  client_request_id: 't.client_request_id',
  timestamp_ms: 't.timestamp_ms',
  execution_time_ms: 't.execution_time_ms',
  end_time_ms: '(t.timestamp_ms + COALESCE(t.execution_time_ms, 0))',
  experiment_id: 't.experiment_id',
};

const NULLABLE_ATTRIBUTES: ReadonlySet<string> = new Set(['client_request_id', 'execution_time_ms']);
const SPAN_COLUMNS = { name: 's.name', type: 's.type', status: 's.status', content: 's.content' } as const;

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

function invalid(): never {
  throw new Error('compileFilter: the filter has errors; call checkFilter first');
}

/** String values of a comparison: scalars as one item, lists as many; numbers as given. */
function scalarOf(v: ValueNode | null): string | number {
  if (v === null || v.type === 'list' || v.type === 'word') return invalid();
  return v.value;
}

function listOf(v: ValueNode | null): string[] {
  if (v === null || v.type !== 'list') return invalid();
  return v.items.map((i) => (i.type === 'string' ? i.value : invalid()));
}

/** `<expr> <op> <value>` for the value comparators shared by every kind. */
function condition(
  expr: string,
  op: Comparator,
  value: ValueNode | null,
  p: Params,
  d: SqlDialect,
  asNumber = false,
): string {
  switch (op) {
    case 'IN':
    case 'NOT IN':
      return `${expr} ${op} (${listOf(value)
        .map((v) => p.bind(v))
        .join(', ')})`;
    case 'LIKE':
      return d.like(expr, p.bind(scalarOf(value)));
    case 'ILIKE':
      return d.ilike(expr, p.bind(scalarOf(value)));
    case 'RLIKE':
      return d.regex(expr, p.bind(scalarOf(value)));
    case '=':
    case '!=':
    case '<':
    case '<=':
    case '>':
    case '>=': {
      const raw = scalarOf(value);
      if (!asNumber) return `${expr} ${op} ${p.bind(raw)}`;
      const n = typeof raw === 'number' ? raw : numericValue(raw);
      // A quoted non-number stays text in SQLite's loose comparison and sorts after every number. Folded
      // here rather than bound as text, so PostgreSQL keeps a bigint parameter (it would reject 'abc').
      if (n === null) return numberHoldsAgainstText(op) ? `${expr} IS NOT NULL` : '1 = 0';
      if (Number.isInteger(n) || !Number.isFinite(n)) return `${expr} ${op} ${p.bind(n)}`;
      // Numeric attributes are integer milliseconds: round a fractional bound so PostgreSQL keeps an
      // integer parameter type (and its index) instead of failing to parse 2.5 as bigint.
      if (op === '=') return '1 = 0';
      if (op === '!=') return `${expr} IS NOT NULL`;
      return `${expr} ${op} ${p.bind(op === '>' || op === '<=' ? Math.floor(n) : Math.ceil(n))}`;
    }
    default:
      return invalid();
  }
}

function isSpanClause(e: FilterExpr): e is ComparisonNode {
  return e.type === 'comparison' && (e.field.ref?.kind === 'span' || e.field.ref?.kind === 'span-attribute');
}

/** Children of an AND-chain with nested groups and ANDs flattened: they form one conjunction. */
export function conjuncts(e: FilterExpr, out: FilterExpr[] = []): FilterExpr[] {
  if (e.type === 'group') conjuncts(e.expr, out);
  else if (e.type === 'and') for (const c of e.children) conjuncts(c, out);
  else out.push(e);
  return out;
}

function spanCondition(c: ComparisonNode, p: Params, d: SqlDialect): string {
  const ref = c.field.ref ?? invalid();
  const op = c.op?.op ?? invalid();
  if (ref.kind === 'span') return condition(SPAN_COLUMNS[ref.key], op, c.value, p, d);
  if (ref.kind !== 'span-attribute') return invalid();
  const key = p.bind(ref.key);
  return `EXISTS (SELECT 1 FROM ${d.spanAttributeSource('s.content')} WHERE j.key = ${key} AND ${condition(d.spanAttributeValue('j.value'), op, c.value, p, d)})`;
}

function spanGroup(clauses: ComparisonNode[], p: Params, d: SqlDialect): string {
  const conds = clauses.map((c) => spanCondition(c, p, d));
  return `t.trace_id IN (SELECT s.trace_id FROM spans s WHERE ${conds.join(' AND ')})`;
}

function compileComparison(c: ComparisonNode, p: Params, d: SqlDialect): string {
  const ref = c.field.ref ?? invalid();
  const op = c.op?.op ?? invalid();
  switch (ref.kind) {
    case 'attribute': {
      const col = ATTRIBUTE_COLUMNS[ref.key];
      const cond = condition(col, op, c.value, p, d, isNumericAttribute(ref));
      return NULLABLE_ATTRIBUTES.has(ref.key) ? `(${col} IS NOT NULL AND ${cond})` : cond;
    }
    case 'tag':
    case 'metadata': {
      const table = ref.kind === 'tag' ? 'trace_tags' : 'trace_metadata';
      if (op === 'IS NULL' || op === 'IS NOT NULL') {
        return `t.trace_id ${op === 'IS NULL' ? 'NOT IN' : 'IN'} (SELECT trace_id FROM ${table} WHERE key = ${p.bind(ref.key)})`;
      }
      if (ref.kind === 'metadata' && ref.key === SOURCE_RUN_METADATA && op === '=') {
        // run_id = X also matches traces linked to run X (link-to-run), as MLflow does.
        const key = p.bind(ref.key);
        const value = p.bind(scalarOf(c.value));
        const run = p.bind(scalarOf(c.value));
        return `t.trace_id IN (SELECT trace_id FROM trace_metadata WHERE key = ${key} AND value = ${value} UNION SELECT trace_id FROM trace_run_links WHERE run_id = ${run})`;
      }
      const key = p.bind(ref.key);
      return `t.trace_id IN (SELECT trace_id FROM ${table} WHERE key = ${key} AND ${condition('value', op, c.value, p, d)})`;
    }
    case 'span':
    case 'span-attribute':
      return spanGroup([c], p, d);
    case 'feedback':
    case 'expectation':
      return compileAssessment(ref.kind, ref.key, op, c.value, p, d);
    case 'issue':
      return `t.trace_id IN (SELECT trace_id FROM assessments WHERE name = ${p.bind(scalarOf(c.value))} AND type = ${p.bind('issue')} AND valid = 1)`;
    case 'prompt': {
      const [name, version] = String(scalarOf(c.value)).split('/');
      return `t.trace_id IN (SELECT trace_id FROM trace_prompt_links WHERE name = ${p.bind(name)} AND version = ${p.bind(version)})`;
    }
  }
}

/** The conditions on one assessment row (name, type, valid, value); binds as it goes. */
function assessmentConditions(
  kind: 'feedback' | 'expectation',
  name: string,
  op: Comparator,
  value: ValueNode | null,
  p: Params,
  d: SqlDialect,
): string {
  const head = `name = ${p.bind(name)} AND type = ${p.bind(kind)} AND valid = 1`;
  if (op === 'IS NULL' || op === 'IS NOT NULL') return head;
  if (op === '=' || op === '!=') {
    // The value column holds JSON text: 'true' matches true, '5' matches 5, 'high' matches "high".
    const raw = String(scalarOf(value));
    return `${head} AND value ${op === '=' ? 'IN' : 'NOT IN'} (${p.bind(raw)}, ${p.bind(JSON.stringify(raw))})`;
  }
  return `${head} AND ${condition('value', op, value, p, d)}`;
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
  p: Params,
  d: SqlDialect,
): string {
  const own = `SELECT trace_id FROM assessments WHERE ${assessmentConditions(kind, name, op, value, p, d)}`;
  const sessionKey = p.bind(SESSION_METADATA);
  const member = d.jsonMember('metadata', p.bind(d.jsonMemberArgument(SESSION_METADATA)));
  const conds = assessmentConditions(kind, name, op, value, p, d);
  const prefilter = d.contains('metadata', p.bind(SESSION_METADATA));
  const shared = `SELECT m.trace_id FROM trace_metadata m WHERE m.key = ${sessionKey} AND m.value IN (SELECT ${member} FROM assessments WHERE ${conds} AND ${prefilter})`;
  return `t.trace_id ${op === 'IS NULL' ? 'NOT IN' : 'IN'} (${own} UNION ${shared})`;
}

function compileExpr(e: FilterExpr, p: Params, d: SqlDialect): string {
  switch (e.type) {
    case 'comparison':
      return compileComparison(e, p, d);
    case 'group':
      return compileExpr(e.expr, p, d);
    case 'not':
      return `NOT (${compileExpr(e.expr, p, d)})`;
    case 'or':
      return `(${e.children.map((c) => compileExpr(c, p, d)).join(' OR ')})`;
    case 'and': {
      const items = conjuncts(e);
      const spans = items.filter(isSpanClause);
      const parts: string[] = [];
      let spansDone = false;
      for (const item of items) {
        if (isSpanClause(item)) {
          if (!spansDone) parts.push(spanGroup(spans, p, d));
          spansDone = true;
        } else parts.push(compileExpr(item, p, d));
      }
      return parts.length === 1 ? parts[0] : `(${parts.join(' AND ')})`;
    }
    case 'error':
      return invalid();
  }
}

/**
 * Compiles a checked filter to a boolean SQL expression over `traces t`. `startIndex` is the
 * number of the first placeholder (PostgreSQL's $n) when the caller has bound parameters before.
 * A null filter compiles to `1 = 1`.
 */
export function compileFilter(expr: FilterExpr | null, dialect: SqlDialect, startIndex = 1): CompiledSql {
  if (expr === null) return { sql: '1 = 1', params: [] };
  const p = new Params(dialect, startIndex);
  const sql = compileExpr(expr, p, dialect);
  return { sql, params: p.values };
}
