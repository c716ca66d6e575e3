// The parser: total (never throws), recovering at AND / OR / `)` so half-typed filters keep
// their structure. It always parses the extended grammar and then, for the mlflow dialect,
// reports OR / NOT / parentheses the way MLflow does ("Invalid clause(s) in filter string").
// Semantic checks (keys, comparators, values) live in validate-filter.ts.
import type { FilterDialect, FilterExpr, TextRange } from './ast.ts';
import type { Diagnostic } from './diagnostic.ts';
import { FilterParser } from './filter-parser.ts';
import { invalidClauseMessage } from './invalid-clause-message.ts';
import { lexFilter, type Token } from './lexer.ts';
import { pythonRepr } from './python-repr.ts';
import { MAX_FILTER_BYTES } from './vocabulary.ts';

export interface ParseOptions {
  /** Defaults to 'extended', this project's server dialect. */
  dialect?: FilterDialect;
}

export interface ParseResult {
  /** null for an empty filter (which matches everything) or when nothing could be parsed. */
  ast: FilterExpr | null;
  diagnostics: Diagnostic[];
}

/** UTF-8 length, stopping early once past `limit` so a huge input costs nothing. */
function utf8LengthExceeds(text: string, limit: number): number | null {
  if (text.length > limit) return text.length;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdbff ? 2 : 3;
  }
  return bytes > limit ? bytes : null;
}

/**
 * The first `;` that splits the text into two statements the way sqlparse's StatementSplitter does, or
 * null for one statement: a `;` outside parentheses ends a statement only when a token follows it, so
 * `tag.k = 'v';` is one statement (holding the `;`) and `a = 'x'; b = 'y'` is two.
 */
function statementSplit(tokens: readonly Token[]): Token | null {
  let level = 0;
  let ended: Token | null = null;
  for (const t of tokens) {
    if (ended !== null) return ended;
    if (t.kind === 'lparen') level++;
    else if (t.kind === 'rparen') level--;
    else if (t.kind === 'semicolon' && level <= 0) ended = t;
  }
  return null;
}

export function parseFilter(text: string, options: ParseOptions = {}): ParseResult {
  const dialect = options.dialect ?? 'extended';
  const tooLong = utf8LengthExceeds(text, MAX_FILTER_BYTES);
  if (tooLong !== null) {
    return {
      ast: null,
      diagnostics: [
        {
          code: 'too-long',
          message: `Filter string is too long (more than ${MAX_FILTER_BYTES} bytes).`,
          from: MAX_FILTER_BYTES > text.length ? 0 : MAX_FILTER_BYTES,
          to: text.length,
          severity: 'error',
          hint: 'shorten the filter',
        },
      ],
    };
  }

  const diagnostics: Diagnostic[] = [];
  const all = lexFilter(text);
  const split = statementSplit(all);
  if (split !== null) {
    diagnostics.push({
      code: 'multiple-statements',
      message: `Search filter contained multiple expression ${pythonRepr(text)}. Provide AND-ed expression list.`,
      from: split.from,
      to: split.to,
      severity: 'error',
      hint: 'join conditions with AND instead of ;',
    });
  }
  // One statement: a ';' left in it (trailing, or inside parentheses) is an invalid clause, as in MLflow.
  const tokens = split !== null ? all.filter((t) => t.kind !== 'semicolon') : all;
  const parser = new FilterParser(text, tokens, dialect, diagnostics);
  const parts: FilterExpr[] = [];
  while (parser.pos < tokens.length) {
    const e = parser.parseOr(0);
    if (e) parts.push(e);
    const t = parser.peek();
    if (t?.kind === 'rparen') {
      parser.pos++;
      parser.report('unmatched-rparen', t, invalidClauseMessage([')']), 'remove this )', {
        from: t.from,
        to: t.to,
        insert: '',
      });
    }
  }
  const ast: FilterExpr | null =
    parts.length === 0
      ? null
      : parts.length === 1
        ? parts[0]
        : { type: 'and', children: parts, from: parts[0].from, to: parts[parts.length - 1].to };

  if (dialect === 'mlflow' && ast !== null) reportExtendedSyntax(ast, text, diagnostics);
  return { ast, diagnostics };
}

/** MLflow rejects OR, NOT and parentheses as invalid clauses; report each, in source order. */
function reportExtendedSyntax(ast: FilterExpr, text: string, out: Diagnostic[]): void {
  const found: TextRange[] = [];
  const stack: FilterExpr[] = [ast];
  while (stack.length > 0) {
    const e = stack.pop() as FilterExpr;
    if (e.type === 'group') found.push(e);
    else if (e.type === 'or') {
      found.push(...e.keywords);
      stack.push(...e.children);
    } else if (e.type === 'not') {
      found.push(e.keyword);
      stack.push(e.expr);
    } else if (e.type === 'and') stack.push(...e.children);
  }
  found.sort((a, b) => a.from - b.from);
  for (const r of found) {
    const t = text.slice(r.from, r.to);
    out.push({
      code: 'invalid-clause',
      message: invalidClauseMessage([t]),
      from: r.from,
      to: r.to,
      severity: 'error',
      hint: 'OR, NOT and parentheses need the extended dialect',
    });
  }
}
