// The canonical printer. One spelling per meaning, so equal filters share a URL and a cache key:
// - single spaces, upper-case keywords and comparators, AND / OR / NOT with parentheses only where
//   precedence needs them (NOT > AND > OR), written parentheses dropped;
// - fields by what they resolve to: bare attribute keys with aliases collapsed (`timestamp` →
//   `timestamp_ms`), `name` for tag mlflow.traceName, `run_id` for metadata mlflow.sourceRun,
//   `span.content` for `text` / `trace.text`, `tag.` / `metadata.` for every tag and metadata spelling;
// - keys bare when they are plain identifiers, else in backticks;
// - strings in single quotes unless the value holds a lone single quote, then double quotes;
//   numbers as JavaScript prints them.
import type { FieldNode, FieldRef, FilterExpr, ScalarValue, ValueNode } from './ast.ts';
import { quoteKey, quoteValue } from './quote.ts';
import { SOURCE_RUN_METADATA, TRACE_NAME_TAG } from './vocabulary.ts';

/** The canonical identifier for a resolved field, e.g. "metadata.`mlflow.trace.session`". */
export function printFieldRef(ref: FieldRef): string {
  switch (ref.kind) {
    case 'attribute':
      return ref.key;
    case 'tag':
      return ref.key === TRACE_NAME_TAG ? 'name' : `tag.${quoteKey(ref.key)}`;
    case 'metadata':
      return ref.key === SOURCE_RUN_METADATA ? 'run_id' : `metadata.${quoteKey(ref.key)}`;
    case 'span':
      return `span.${ref.key}`;
    case 'span-attribute':
      return `span.attributes.${quoteKey(ref.key)}`;
    case 'feedback':
    case 'expectation':
      return `${ref.kind}.${quoteKey(ref.key)}`;
    case 'issue':
      return 'issue.id';
    case 'prompt':
      return 'prompt';
  }
}

function printField(f: FieldNode): string {
  return f.ref === null ? f.text : printFieldRef(f.ref);
}

function printScalar(v: ScalarValue): string {
  if (v.type === 'string') return quoteValue(v.value);
  if (v.type === 'number') return Number.isFinite(v.value) ? String(v.value) : v.raw;
  return v.raw;
}

export function printValue(v: ValueNode): string {
  return v.type === 'list' ? `(${v.items.map(printScalar).join(', ')})` : printScalar(v);
}

function unwrap(e: FilterExpr): FilterExpr {
  let x = e;
  while (x.type === 'group') x = x.expr;
  return x;
}

function printExpr(e: FilterExpr): string {
  const x = unwrap(e);
  switch (x.type) {
    case 'comparison': {
      let s = printField(x.field);
      if (x.op !== null) s += ` ${x.op.op}`;
      if (x.value !== null) s += ` ${printValue(x.value)}`;
      return s;
    }
    case 'and':
      return x.children.map((c) => (unwrap(c).type === 'or' ? `(${printExpr(c)})` : printExpr(c))).join(' AND ');
    case 'or':
      return x.children.map(printExpr).join(' OR ');
    case 'not': {
      const inner = unwrap(x.expr);
      return inner.type === 'and' || inner.type === 'or' ? `NOT (${printExpr(inner)})` : `NOT ${printExpr(inner)}`;
    }
    case 'error':
      return '';
    case 'group':
      return printExpr(x.expr);
  }
}

/** Prints a filter in canonical form; `printFilter(parse(printFilter(x)).ast) === printFilter(x)` for error-free input. */
export function printFilter(ast: FilterExpr | null): string {
  return ast === null ? '' : printExpr(ast);
}
