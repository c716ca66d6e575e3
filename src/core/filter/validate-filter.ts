// Semantic checks, separate from syntax: identifiers, value types, comparators. The order of the
// diagnostics follows MLflow's, so the first error is the one an MLflow server would report:
// identifier and value errors (raised while MLflow parses each clause) come before comparator
// errors (raised later, in the store).
import type { ComparisonNode, FilterDialect, FilterExpr, ListValue, ScalarValue } from './ast.ts';
import { closestWord } from './closest-word.ts';
import { comparatorsFor, isNumericAttribute } from './comparators-for.ts';
import type { Diagnostic, DiagnosticCode, FixIt, Severity } from './diagnostic.ts';
import { pythonSet } from './python-repr.ts';
import { quoteValue } from './quote.ts';
import { numericValue } from './compare-rules.ts';
import { resolveField } from './resolve-field.ts';
import { unsupportedRegex } from './unsupported-regex.ts';
import { ATTRIBUTE_WORDS, LIST_ATTRIBUTE_KEYS, NUMERIC_ATTRIBUTE_KEYS, SUGGESTED_PREFIXES } from './vocabulary.ts';

export interface ValidateOptions {
  dialect?: FilterDialect;
}

export function collectComparisons(ast: FilterExpr | null): ComparisonNode[] {
  const out: ComparisonNode[] = [];
  if (ast === null) return out;
  const stack: FilterExpr[] = [ast];
  while (stack.length > 0) {
    const e = stack.pop() as FilterExpr;
    if (e.type === 'comparison') out.push(e);
    else if (e.type === 'and' || e.type === 'or')
      for (let i = e.children.length - 1; i >= 0; i--) stack.push(e.children[i]);
    else if (e.type === 'not' || e.type === 'group') stack.push(e.expr);
  }
  return out;
}

function scalarText(v: ScalarValue): string {
  return v.type === 'string' ? `${v.quote}${v.value}${v.quote}` : v.raw;
}

function listText(v: ListValue): string {
  return `(${v.items.map(scalarText).join(', ')})`;
}

export function validateFilter(ast: FilterExpr | null, options: ValidateOptions = {}): Diagnostic[] {
  const dialect = options.dialect ?? 'extended';
  const comparisons = collectComparisons(ast);
  const parseErrors: Diagnostic[] = [];
  const storeErrors: Diagnostic[] = [];
  for (const c of comparisons) checkClause(c, dialect, parseErrors);
  for (const c of comparisons) checkComparator(c, dialect, storeErrors);
  return [...parseErrors, ...storeErrors];
}

function push(
  out: Diagnostic[],
  code: DiagnosticCode,
  r: { from: number; to: number },
  message: string,
  hint?: string,
  fix?: FixIt,
  severity: Severity = 'error',
): false {
  const d: Diagnostic = { code, message, from: r.from, to: r.to, severity };
  if (hint !== undefined) d.hint = hint;
  if (fix !== undefined) d.fix = fix;
  out.push(d);
  return false;
}

const SPAN_WORDS = ['name', 'type', 'status', 'content', 'attributes'];

function resolutionHint(code: DiagnosticCode, text: string, prefix: string | null): string | undefined {
  const dot = text.indexOf('.');
  const key = dot < 0 ? text : text.slice(dot + 1);
  if (code === 'invalid-entity-type') {
    const guess = prefix === null ? null : closestWord(prefix.replace(/^[`'"]/, ''), SUGGESTED_PREFIXES);
    return guess
      ? `did you mean ${guess}.?`
      : 'prefixes are tag, metadata, span, feedback, expectation, issue or trace; dotted keys need backticks';
  }
  if (code === 'invalid-attribute-key') {
    const guess = closestWord(key, ATTRIBUTE_WORDS);
    return guess ? `did you mean ${guess}?` : 'use tag.<key> or metadata.<key> for custom keys';
  }
  if (code === 'invalid-span-key') {
    const guess = closestWord(key, SPAN_WORDS);
    return guess ? `did you mean span.${guess === 'attributes' ? 'attributes.<key>' : guess}?` : undefined;
  }
  return undefined;
}

/** Identifier and value-type checks (MLflow's parse phase). */
function checkClause(c: ComparisonNode, dialect: FilterDialect, out: Diagnostic[]): boolean {
  const ref = c.field.ref;
  if (ref === null) {
    const r = resolveField(c.field.text);
    if (!r.ok) {
      push(out, r.code, c.field, r.message, resolutionHint(r.code, c.field.text, r.prefix));
    }
    return false;
  }
  const v = c.value;
  const entity = c.field.entity;
  if (v === null || c.op === null || entity === null) return true;
  if (v.type === 'word') {
    return push(
      out,
      'unquoted-value',
      v,
      `Parameter value is either not quoted or unidentified quote types used for string value ${v.raw}. Use either single or double quotes.`,
      v.raw.toUpperCase() === 'NULL' ? 'use IS NULL / IS NOT NULL' : 'use quotes around the value',
      { from: v.from, to: v.to, insert: quoteValue(v.raw) },
    );
  }
  if (v.type === 'number') {
    if (isNumericAttribute(ref)) return true;
    if (entity === 'attribute') {
      return push(
        out,
        'numeric-value',
        v,
        `Only the '${pythonSet(NUMERIC_ATTRIBUTE_KEYS)}' attributes support comparison with numeric values.`,
        'use quotes around the value',
        {
          from: v.from,
          to: v.to,
          insert: quoteValue(v.raw),
        },
      );
    }
    return push(
      out,
      'numeric-value',
      v,
      `Expected a quoted string value for ${entity} (e.g. 'my-value'). Got value ${v.raw}`,
      'use quotes around the value',
      {
        from: v.from,
        to: v.to,
        insert: quoteValue(v.raw),
      },
    );
  }
  if (v.type === 'list') {
    const listAllowed =
      entity === 'attribute'
        ? ref.kind !== 'prompt' && !(ref.kind === 'span') && !isNumericAttribute(ref)
        : entity === 'tag' || entity === 'span' || (entity === 'request_metadata' && dialect === 'extended');
    if (!listAllowed) {
      if (entity === 'attribute') {
        return push(
          out,
          'list-value',
          v,
          `Only the '${pythonSet(LIST_ATTRIBUTE_KEYS)}' attributes support comparison with a list of values.`,
        );
      }
      return push(
        out,
        'list-value',
        v,
        `Expected a quoted string value for ${entity} (e.g. 'my-value'). Got value ${listText(v)}`,
      );
    }
    if (v.items.length === 0) {
      return push(
        out,
        'empty-list',
        v,
        'While parsing a list in the query, expected a non-empty list of string values, but got empty list',
        'add at least one quoted value',
      );
    }
    if (v.items.some((i) => i.type !== 'string')) {
      return push(
        out,
        'invalid-list-item',
        v,
        `While parsing a list in the query, expected string value, punctuation, or whitespace, but got different type in list: ${listText(v)}`,
        'quote every list item',
      );
    }
  }
  return true;
}

/** Comparator and value-shape checks (MLflow's store phase). */
function checkComparator(c: ComparisonNode, dialect: FilterDialect, out: Diagnostic[]): void {
  const ref = c.field.ref;
  if (ref === null || c.op === null) return;
  const op = c.op.op;
  const allowed = comparatorsFor(ref, dialect);
  if (!allowed.includes(op)) {
    const set = pythonSet(allowed);
    const message =
      ref.kind === 'span' || ref.kind === 'span-attribute'
        ? `span.${ref.kind === 'span' ? ref.key : `attributes.${ref.key}`} comparator '${op}' not one of '${set}'`
        : ref.kind === 'feedback' || ref.kind === 'expectation'
          ? `assessment.${ref.key} comparator '${op}' not one of '${set}'`
          : ref.kind === 'issue'
            ? `issue.id comparator '${op}' not one of '${set}'`
            : ref.kind === 'prompt'
              ? `Invalid comparator '${op}' for prompts filter. Only '=' is supported with format: prompt = "name/version"`
              : `Invalid comparator '${op}' not one of '${set}'`;
    const replacement = op === '==' ? '=' : op === '<>' ? '!=' : undefined;
    const extendedOnly = dialect === 'mlflow' && comparatorsFor(ref, 'extended').includes(op);
    push(
      out,
      'invalid-comparator',
      c.op,
      message,
      replacement !== undefined
        ? `write ${replacement}`
        : extendedOnly
          ? `${op} on tags and metadata needs the extended dialect`
          : `use one of ${allowed.join(', ')}`,
      replacement !== undefined ? { from: c.op.from, to: c.op.to, insert: replacement } : undefined,
    );
    return;
  }
  const v = c.value;
  if (v === null) return;
  const wantsList = op === 'IN' || op === 'NOT IN';
  if (wantsList && v.type !== 'list') {
    push(
      out,
      'expected-list',
      v,
      `Invalid value for comparator '${op}': expected a parenthesised list of quoted strings, e.g. ('a', 'b')`,
      'wrap the values in parentheses',
      {
        from: v.from,
        to: v.to,
        insert: `(${v.type === 'string' ? `${v.quote}${v.value}${v.quote}` : quoteValue(v.raw)})`,
      },
    );
    return;
  }
  if (!wantsList && v.type === 'list') {
    push(
      out,
      'unexpected-list',
      v,
      `Invalid value for comparator '${op}': a list is only allowed with IN and NOT IN`,
      'use IN with a list',
    );
    return;
  }
  if (v.type !== 'string') return;
  const unsupported = op === 'RLIKE' ? unsupportedRegex(v.value) : null;
  if (unsupported !== null) {
    push(
      out,
      'unsupported-regex',
      v,
      `RLIKE pattern uses ${unsupported.construct} (${unsupported.text}), which this server does not support: ` +
        'patterns run on a linear-time engine (RE2 syntax) so that no pattern can stall the server.',
      'rewrite the pattern without backreferences, lookaround, atomic groups or possessive quantifiers',
    );
  } else if (ref.kind === 'prompt' && v.value.split('/').length !== 2) {
    push(
      out,
      'invalid-prompt-value',
      v,
      `Invalid prompts filter value '${v.value}'. Expected format: prompt = "name/version"`,
      'write the prompt as name/version',
    );
  } else if (isNumericAttribute(ref) && numericValue(v.value) === null) {
    // MLflow accepts any quoted value here and its store compares loosely, so this is only a warning.
    push(
      out,
      'invalid-number',
      v,
      `'${v.value}' is not a number, so ${ref.key} compares it as text, which sorts after every number: only !=, < and <= can match.`,
      'compare numeric attributes with a number',
      undefined,
      'warning',
    );
  }
}
