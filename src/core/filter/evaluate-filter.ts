// The reference evaluator: the SQL compiler's semantics, in memory. It is the oracle of the
// differential tests and lets the UI filter locally when it must. Keep it boring and literal; the
// comparison rules themselves live in compare-rules.ts, shared with the metrics accelerator.
import type { Comparator, ComparisonNode, FilterExpr, ValueNode } from './ast.ts';
import {
  assessmentValueForms,
  isOrderComparator,
  numberPasses,
  numericTest,
  scalarOf,
  textHolds,
} from './compare-rules.ts';
import { conjuncts, isSpanClause } from './conjuncts.ts';
import { SOURCE_RUN_METADATA } from './vocabulary.ts';
import type { RegexSearch } from './compare-rules.ts';

export type { RegexSearch } from './compare-rules.ts';

export interface EvalSpan {
  name: string;
  type: string | null;
  /** OK, ERROR or UNSET. */
  status: string;
  /** The span-dict JSON the store keeps (what span.content and trace.text search). */
  content: string;
  /** Attribute values JSON-encoded, as in the span dict; `content` must hold the same `attributes` object (SQL reads it there). */
  attributes: Record<string, string>;
}

export interface EvalAssessment {
  name: string;
  type: 'feedback' | 'expectation' | 'issue';
  /** JSON text of the value, as stored; null when absent (e.g. a feedback carrying an error). */
  value: string | null;
  valid: boolean;
}

export interface EvalTrace {
  trace_id: string;
  client_request_id: string | null;
  timestamp_ms: number;
  execution_time_ms: number | null;
  /** OK, ERROR, IN_PROGRESS or STATE_UNSPECIFIED. */
  state: string;
  tags: Record<string, string>;
  metadata: Record<string, string>;
  spans: EvalSpan[];
  assessments: EvalAssessment[];
  /** Runs linked through link-to-run. */
  run_ids: string[];
  /** Prompt versions linked through link-prompts. */
  prompts: { name: string; version: string }[];
  /**
   * Assessments stored on other traces whose metadata names this trace's session
   * (`mlflow.trace.session`): MLflow after 3.11 applies them to every trace of the session.
   */
  session_assessments?: EvalAssessment[];
}

function invalid(): never {
  throw new Error('evaluateFilter: the filter has errors; call checkFilter first');
}

function own(record: Record<string, string>, key: string): string | null {
  return Object.hasOwn(record, key) ? record[key] : null;
}

/** A comparison as every evaluator runs it (compare-rules.ts); NULL never matches. */
function holds(x: string | number | null, op: Comparator, value: ValueNode | null, regex: RegexSearch): boolean {
  if (x === null) return false;
  if (typeof x === 'number') {
    if (!isOrderComparator(op)) return invalid();
    return numberPasses(x, numericTest(op, scalarOf(value)));
  }
  return textHolds(x, op, value, regex);
}

/** A span attribute's comparable text: the decoded string when the stored value is a JSON string, else the stored text. */
export function spanAttributeText(raw: string): string {
  try {
    const v: unknown = JSON.parse(raw);
    return typeof v === 'string' ? v : raw;
  } catch {
    return raw;
  }
}

function spanHolds(c: ComparisonNode, s: EvalSpan, regex: RegexSearch): boolean {
  const ref = c.field.ref ?? invalid();
  const op = c.op?.op ?? invalid();
  if (ref.kind === 'span') return holds(s[ref.key], op, c.value, regex);
  if (ref.kind !== 'span-attribute') return invalid();
  const raw = own(s.attributes, ref.key);
  return raw !== null && holds(spanAttributeText(raw), op, c.value, regex);
}

function spansHold(clauses: ComparisonNode[], t: EvalTrace, regex: RegexSearch): boolean {
  return t.spans.some((s) => clauses.every((c) => spanHolds(c, s, regex)));
}

function attributeValue(key: string, t: EvalTrace): string | number | null {
  switch (key) {
    case 'status':
      return t.state;
    case 'request_id':
      return t.trace_id;
    case 'client_request_id':
      return t.client_request_id;
    case 'timestamp_ms':
      return t.timestamp_ms;
    case 'execution_time_ms':
      return t.execution_time_ms;
    case 'end_time_ms':
      return t.timestamp_ms + (t.execution_time_ms ?? 0);
    default:
      return invalid();
  }
}

function comparisonHolds(c: ComparisonNode, t: EvalTrace, regex: RegexSearch): boolean {
  const ref = c.field.ref ?? invalid();
  const op = c.op?.op ?? invalid();
  switch (ref.kind) {
    case 'attribute':
      return holds(attributeValue(ref.key, t), op, c.value, regex);
    case 'tag':
    case 'metadata': {
      const v = own(ref.kind === 'tag' ? t.tags : t.metadata, ref.key);
      if (op === 'IS NULL') return v === null;
      if (op === 'IS NOT NULL') return v !== null;
      if (
        ref.kind === 'metadata' &&
        ref.key === SOURCE_RUN_METADATA &&
        op === '=' &&
        t.run_ids.includes(String(scalarOf(c.value)))
      )
        return true;
      return holds(v, op, c.value, regex);
    }
    case 'span':
    case 'span-attribute':
      return spansHold([c], t, regex);
    case 'feedback':
    case 'expectation': {
      const all = t.session_assessments ? [...t.assessments, ...t.session_assessments] : t.assessments;
      const found = all.filter((a) => a.valid && a.type === ref.kind && a.name === ref.key);
      if (op === 'IS NULL') return found.length === 0;
      if (op === 'IS NOT NULL') return found.length > 0;
      if (op === '=' || op === '!=') {
        const forms = assessmentValueForms(scalarOf(c.value));
        return found.some((a) => a.value !== null && forms.includes(a.value) === (op === '='));
      }
      return found.some((a) => holds(a.value, op, c.value, regex));
    }
    case 'issue': {
      const name = scalarOf(c.value);
      return t.assessments.some((a) => a.valid && a.type === 'issue' && a.name === name);
    }
    case 'prompt': {
      const [name, version] = String(scalarOf(c.value)).split('/');
      return t.prompts.some((p) => p.name === name && p.version === version);
    }
  }
}

/** Evaluates a checked filter against one trace; null matches everything. */
export function evaluateFilter(expr: FilterExpr | null, trace: EvalTrace, regex: RegexSearch): boolean {
  if (expr === null) return true;
  switch (expr.type) {
    case 'comparison':
      return comparisonHolds(expr, trace, regex);
    case 'group':
      return evaluateFilter(expr.expr, trace, regex);
    case 'not':
      return !evaluateFilter(expr.expr, trace, regex);
    case 'or':
      return expr.children.some((c) => evaluateFilter(c, trace, regex));
    case 'and': {
      // Span clauses of one AND-chain must hold for the same span, as in the SQL.
      const items = conjuncts(expr);
      const spanClauses = items.filter(isSpanClause);
      return (
        items.every((c) => isSpanClause(c) || evaluateFilter(c, trace, regex)) &&
        (spanClauses.length === 0 || spansHold(spanClauses, trace, regex))
      );
    }
    case 'error':
      return invalid();
  }
}
