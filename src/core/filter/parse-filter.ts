// The parser: total (never throws), recovering at AND / OR / `)` so half-typed filters keep
// their structure. It always parses the extended grammar and then, for the mlflow dialect,
// reports OR / NOT / parentheses the way MLflow does ("Invalid clause(s) in filter string").
// Semantic checks (keys, comparators, values) live in validate-filter.ts.
import type {
  Comparator,
  ComparisonNode,
  ErrorNode,
  FieldNode,
  FilterDialect,
  FilterExpr,
  ListValue,
  OperatorNode,
  ScalarValue,
  TextRange,
  ValueNode,
} from './ast.ts';
import type { Diagnostic, DiagnosticCode, FixIt } from './diagnostic.ts';
import { lexFilter, type Token } from './lexer.ts';
import { pythonRepr } from './python-repr.ts';
import { resolveField } from './resolve-field.ts';
import { MAX_FILTER_BYTES, MAX_NESTING } from './vocabulary.ts';

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

const VALUE_KEYWORDS = new Set(['AND', 'OR']);
const NON_IDENT_WORDS = new Set(['AND', 'OR', 'IS', 'NULL', 'LIKE', 'ILIKE', 'RLIKE', 'IN']);

export function invalidClauseMessage(texts: readonly string[]): string {
  return `Invalid clause(s) in filter string: ${texts.map((t) => `'${t}'`).join(', ')}`;
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
  const semicolons = all.filter((t) => t.kind === 'semicolon');
  if (semicolons.length > 0) {
    diagnostics.push({
      code: 'multiple-statements',
      message: `Search filter contained multiple expression ${pythonRepr(text)}. Provide AND-ed expression list.`,
      from: semicolons[0].from,
      to: semicolons[0].to,
      severity: 'error',
      hint: 'join conditions with AND instead of ;',
    });
  }
  const tokens = semicolons.length > 0 ? all.filter((t) => t.kind !== 'semicolon') : all;
  let pos = 0;
  let reportedTooDeep = false;

  const peek = (k = 0): Token | undefined => tokens[pos + k];
  const isWord = (t: Token | undefined, w: string): boolean => t !== undefined && t.kind === 'ident' && t.word === w;
  const slice = (r: TextRange): string => text.slice(r.from, r.to);
  const report = (code: DiagnosticCode, r: TextRange, message: string, hint?: string, fix?: FixIt, severity: 'error' | 'warning' = 'error'): void => {
    const d: Diagnostic = { code, message, from: r.from, to: r.to, severity };
    if (hint !== undefined) d.hint = hint;
    if (fix !== undefined) d.fix = fix;
    diagnostics.push(d);
  };
  const endRange = (): TextRange => ({ from: text.length, to: text.length });
  const here = (): TextRange => peek() ?? endRange();

  const canStartUnary = (t: Token | undefined): boolean => {
    if (t === undefined) return false;
    if (t.kind === 'lparen') return true;
    if (t.kind === 'string') return t.quote === '"';
    return t.kind === 'ident' && !(t.word !== undefined && NON_IDENT_WORDS.has(t.word));
  };

  /** Skips to the next AND / OR / unbalanced `)` and returns the skipped range. */
  const skipToSync = (from: number): TextRange => {
    let depth = 0;
    let to = from;
    for (let t = peek(); t !== undefined; t = peek()) {
      if (depth === 0 && (isWord(t, 'AND') || isWord(t, 'OR') || t.kind === 'rparen')) break;
      if (t.kind === 'lparen') depth++;
      if (t.kind === 'rparen') depth--;
      to = t.to;
      pos++;
    }
    return { from, to };
  };

  const tooDeep = (t: Token): ErrorNode => {
    if (!reportedTooDeep) {
      reportedTooDeep = true;
      report('too-deep', t, `Filter string is nested too deeply (more than ${MAX_NESTING} levels).`, 'remove redundant parentheses or NOT');
    }
    // Skip the rest of this operand, nested parts included, without recursing.
    const skipped = skipToSync(t.from);
    return { type: 'error', from: t.from, to: Math.max(t.to, skipped.to) };
  };

  const parseOperator = (): OperatorNode | null => {
    const t = peek();
    if (t === undefined) return null;
    if (t.kind === 'op') {
      pos++;
      return { op: t.text as Comparator, from: t.from, to: t.to };
    }
    if (t.kind !== 'ident' || t.word === undefined) return null;
    if (t.word === 'LIKE' || t.word === 'ILIKE' || t.word === 'RLIKE' || t.word === 'IN') {
      pos++;
      return { op: t.word, from: t.from, to: t.to };
    }
    if (t.word === 'NOT' && isWord(peek(1), 'IN')) {
      pos += 2;
      return { op: 'NOT IN', from: t.from, to: tokens[pos - 1].to };
    }
    if (t.word === 'IS') {
      if (isWord(peek(1), 'NULL')) {
        pos += 2;
        return { op: 'IS NULL', from: t.from, to: tokens[pos - 1].to };
      }
      if (isWord(peek(1), 'NOT') && isWord(peek(2), 'NULL')) {
        pos += 3;
        return { op: 'IS NOT NULL', from: t.from, to: tokens[pos - 1].to };
      }
    }
    return null;
  };

  const parseScalar = (t: Token): ScalarValue | null => {
    if (t.kind === 'string') {
      if (t.terminated === false) {
        report('unterminated-string', t, invalidClauseMessage([t.text]), `close the string with ${t.quote}`, { from: text.length, to: text.length, insert: t.quote ?? "'" });
      }
      return { type: 'string', value: t.value ?? '', quote: t.quote ?? "'", from: t.from, to: t.to };
    }
    if (t.kind === 'number') return { type: 'number', value: Number(t.text), raw: t.text, from: t.from, to: t.to };
    if (t.kind === 'ident' && !(t.word !== undefined && VALUE_KEYWORDS.has(t.word))) return { type: 'word', raw: t.text, from: t.from, to: t.to };
    return null;
  };

  const parseList = (open: Token): ListValue => {
    pos++;
    const items: ScalarValue[] = [];
    let to = open.to;
    for (;;) {
      const t = peek();
      if (t?.kind === 'rparen') {
        pos++;
        to = t.to;
        break;
      }
      const item = t === undefined ? null : parseScalar(t);
      if (t === undefined || item === null) {
        report('missing-rparen', here(), invalidClauseMessage([slice({ from: open.from, to: t?.to ?? text.length })]), 'close the list with )', {
          from: to,
          to,
          insert: ')',
        });
        break;
      }
      pos++;
      items.push(item);
      to = item.to;
      if (peek()?.kind === 'comma') {
        to = peek()?.to ?? to;
        pos++;
      } else if (peek()?.kind !== 'rparen') {
        report('missing-rparen', here(), invalidClauseMessage([slice({ from: open.from, to: peek()?.to ?? text.length })]), 'separate list items with commas and close the list with )');
        break;
      }
    }
    return { type: 'list', items, from: open.from, to };
  };

  const parseComparison = (): FilterExpr => {
    const t = tokens[pos++];
    const resolution = resolveField(t.text);
    const field: FieldNode = {
      text: t.text,
      from: t.from,
      to: t.to,
      prefix: resolution.prefix,
      ref: resolution.ok ? resolution.ref : null,
      entity: resolution.entity,
    };
    if (t.terminated === false) report('unterminated-string', t, invalidClauseMessage([t.text]), 'close the backtick', { from: text.length, to: text.length, insert: '`' });
    if (t.needsQuoting) {
      const dot = t.text.indexOf('.');
      const keyFrom = dot < 0 ? t.from : t.from + dot + 1;
      report('unquoted-key', t, invalidClauseMessage([t.text]), 'keys with special characters need backticks', {
        from: keyFrom,
        to: t.to,
        insert: `\`${text.slice(keyFrom, t.to)}\``,
      });
    }
    if (dialect === 'mlflow' && t.word === 'TEXT') {
      // sqlparse reads a bare `text` as the SQL type keyword, so MLflow rejects it.
      report('reserved-word', t, invalidClauseMessage([t.text]), 'bare text is a SQL keyword in MLflow: write trace.text', { from: t.from, to: t.to, insert: 'trace.text' });
    }
    const op = parseOperator();
    const node: ComparisonNode = { type: 'comparison', field, op, value: null, from: t.from, to: op?.to ?? t.to };
    if (op === null) {
      const next = peek();
      const stop = next === undefined || isWord(next, 'AND') || isWord(next, 'OR') || next.kind === 'rparen';
      const skipped = stop ? { from: t.from, to: t.to } : skipToSync(t.from);
      report('expected-operator', next === undefined || stop ? { from: t.to, to: t.to } : next, invalidClauseMessage([slice(skipped)]), 'add a comparator such as = or LIKE');
      node.to = skipped.to;
      return node;
    }
    if (op.op === 'IS NULL' || op.op === 'IS NOT NULL') return node;
    const v = peek();
    let value: ValueNode | null = null;
    if (v?.kind === 'lparen') value = parseList(v);
    else if (v !== undefined) {
      value = parseScalar(v);
      if (value !== null) pos++;
    }
    if (value === null) {
      report('expected-value', v ?? { from: op.to, to: op.to }, invalidClauseMessage([slice(node)]), "add a quoted value, e.g. 'my-value'");
      return node;
    }
    node.value = value;
    node.to = value.to;
    return node;
  };

  const parseOr = (depth: number): FilterExpr | null => {
    const first = parseAnd(depth);
    const children: FilterExpr[] = first ? [first] : [];
    const keywords: TextRange[] = [];
    while (isWord(peek(), 'OR')) {
      const kw = tokens[pos++];
      keywords.push({ from: kw.from, to: kw.to });
      if (children.length === 0) report('expected-identifier', kw, invalidClauseMessage([kw.text]), 'OR needs a condition on each side');
      const right = parseAnd(depth);
      if (right) children.push(right);
      else report('expected-identifier', peek() ?? endRange(), invalidClauseMessage([kw.text]), 'OR needs a condition on each side');
    }
    if (keywords.length === 0) return first;
    if (children.length === 0) return { type: 'error', from: keywords[0].from, to: keywords[keywords.length - 1].to };
    return { type: 'or', children, keywords, from: Math.min(children[0].from, keywords[0].from), to: Math.max(children[children.length - 1].to, keywords[keywords.length - 1].to) };
  };

  const parseAnd = (depth: number): FilterExpr | null => {
    const children: FilterExpr[] = [];
    let pendingAnd: Token | null = null;
    for (let t = peek(); t !== undefined; t = peek()) {
      if (t.kind === 'rparen' || isWord(t, 'OR')) break;
      if (isWord(t, 'AND')) {
        pos++;
        if (children.length === 0 || pendingAnd) {
          report('stray-and', t, 'Extra AND is ignored.', 'remove the extra AND', { from: t.from, to: t.to, insert: '' }, 'warning');
        }
        pendingAnd = t;
        continue;
      }
      if (canStartUnary(t)) {
        if (children.length > 0 && pendingAnd === null) {
          report('implicit-and', { from: t.from, to: t.from }, 'Conditions are joined by AND.', 'write AND between conditions', { from: t.from, to: t.from, insert: 'AND ' }, 'warning');
        }
        children.push(parseUnary(depth));
        pendingAnd = null;
        continue;
      }
      pos++;
      const skipped = skipToSync(t.from);
      const unknown = t.kind === 'unknown';
      report(unknown ? 'unexpected-character' : 'invalid-clause', unknown ? t : skipped, invalidClauseMessage([unknown ? t.text : slice(skipped)]), unknown ? `remove '${t.text}'` : 'start a condition with a field such as tag.<key>');
      children.push({ type: 'error', from: skipped.from, to: Math.max(skipped.to, t.to) });
      pendingAnd = null;
    }
    if (pendingAnd && children.length > 0) {
      report('stray-and', pendingAnd, 'Extra AND is ignored.', 'remove the trailing AND', { from: pendingAnd.from, to: pendingAnd.to, insert: '' }, 'warning');
    }
    if (children.length === 0) return null;
    if (children.length === 1) return children[0];
    return { type: 'and', children, from: children[0].from, to: children[children.length - 1].to };
  };

  const parseUnary = (depth: number): FilterExpr => {
    const t = tokens[pos];
    if (isWord(t, 'NOT') || t.kind === 'lparen') {
      if (depth >= MAX_NESTING) return tooDeep(t);
    }
    if (isWord(t, 'NOT')) {
      pos++;
      const keyword = { from: t.from, to: t.to };
      if (!canStartUnary(peek())) {
        report('expected-identifier', peek() ?? endRange(), invalidClauseMessage([t.text]), 'NOT needs a condition after it');
        return { type: 'error', from: t.from, to: t.to };
      }
      const expr = parseUnary(depth + 1);
      return { type: 'not', expr, keyword, from: t.from, to: expr.to };
    }
    if (t.kind === 'lparen') {
      pos++;
      const inner = parseOr(depth + 1);
      const close = peek();
      let to: number;
      if (close?.kind === 'rparen') {
        pos++;
        to = close.to;
      } else {
        to = inner?.to ?? t.to;
        report('missing-rparen', t, invalidClauseMessage([slice({ from: t.from, to })]), 'close the parenthesis', { from: to, to, insert: ')' });
      }
      if (inner === null) {
        report('expected-identifier', { from: t.from, to }, invalidClauseMessage([slice({ from: t.from, to })]), 'put a condition inside the parentheses');
        return { type: 'error', from: t.from, to };
      }
      return { type: 'group', expr: inner, from: t.from, to };
    }
    if (t.kind === 'string' && t.quote === "'") {
      pos++;
      report('expected-identifier', t, invalidClauseMessage([t.text]), 'a field name cannot be in single quotes: use backticks');
      skipToSync(t.to);
      return { type: 'error', from: t.from, to: t.to };
    }
    return parseComparison();
  };

  const parts: FilterExpr[] = [];
  while (pos < tokens.length) {
    const e = parseOr(0);
    if (e) parts.push(e);
    const t = peek();
    if (t?.kind === 'rparen') {
      pos++;
      report('unmatched-rparen', t, invalidClauseMessage([')']), 'remove this )', { from: t.from, to: t.to, insert: '' });
    }
  }
  const ast: FilterExpr | null =
    parts.length === 0 ? null : parts.length === 1 ? parts[0] : { type: 'and', children: parts, from: parts[0].from, to: parts[parts.length - 1].to };

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
    out.push({ code: 'invalid-clause', message: invalidClauseMessage([t]), from: r.from, to: r.to, severity: 'error', hint: 'OR, NOT and parentheses need the extended dialect' });
  }
}
