// The recursive-descent parser behind parseFilter: total, recovering at AND / OR / `)`.
// A class rather than closures: methods are created once, not on every call (tsx's keepNames
// made per-call closures the dominant cost).
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
import { invalidClauseMessage } from './invalid-clause-message.ts';
import type { Token } from './lexer.ts';
import { resolveField } from './resolve-field.ts';
import { MAX_NESTING } from './vocabulary.ts';

const VALUE_KEYWORDS = new Set(['AND', 'OR']);
const NON_IDENT_WORDS = new Set(['AND', 'OR', 'IS', 'NULL', 'LIKE', 'ILIKE', 'RLIKE', 'IN']);

export class FilterParser {
  pos = 0;
  reportedTooDeep = false;
  readonly diagnostics: Diagnostic[];

  constructor(
    readonly text: string,
    readonly tokens: Token[],
    readonly dialect: FilterDialect,
    diagnostics: Diagnostic[],
  ) {
    this.diagnostics = diagnostics;
  }

  peek(k = 0): Token | undefined {
    return this.tokens[this.pos + k];
  }
  isWord(t: Token | undefined, w: string): boolean {
    return t !== undefined && t.kind === 'ident' && t.word === w;
  }
  slice(r: TextRange): string {
    return this.text.slice(r.from, r.to);
  }
  report(
    code: DiagnosticCode,
    r: TextRange,
    message: string,
    hint?: string,
    fix?: FixIt,
    severity: 'error' | 'warning' = 'error',
  ): void {
    const d: Diagnostic = { code, message, from: r.from, to: r.to, severity };
    if (hint !== undefined) d.hint = hint;
    if (fix !== undefined) d.fix = fix;
    this.diagnostics.push(d);
  }
  endRange(): TextRange {
    return { from: this.text.length, to: this.text.length };
  }
  here(): TextRange {
    return this.peek() ?? this.endRange();
  }

  canStartUnary(t: Token | undefined): boolean {
    if (t === undefined) return false;
    if (t.kind === 'lparen') return true;
    if (t.kind === 'string') return t.quote === '"';
    return t.kind === 'ident' && !(t.word !== undefined && NON_IDENT_WORDS.has(t.word));
  }

  /**
   * Skips to the next AND / OR / unbalanced `)` and returns the skipped range, which starts at `from`
   * and covers at least up to `to` (pass the end of a token already consumed, so it is not lost).
   */
  skipToSync(from: number, to = from): TextRange {
    let depth = 0;
    for (let t = this.peek(); t !== undefined; t = this.peek()) {
      if (depth === 0 && (this.isWord(t, 'AND') || this.isWord(t, 'OR') || t.kind === 'rparen')) break;
      if (t.kind === 'lparen') depth++;
      if (t.kind === 'rparen') depth--;
      to = t.to;
      this.pos++;
    }
    return { from, to };
  }

  tooDeep(t: Token): ErrorNode {
    if (!this.reportedTooDeep) {
      this.reportedTooDeep = true;
      this.report(
        'too-deep',
        t,
        `Filter string is nested too deeply (more than ${MAX_NESTING} levels).`,
        'remove redundant parentheses or NOT',
      );
    }
    // Skip the rest of this operand, nested parts included, without recursing.
    const skipped = this.skipToSync(t.from);
    return { type: 'error', from: t.from, to: Math.max(t.to, skipped.to) };
  }

  parseOperator(): OperatorNode | null {
    const t = this.peek();
    if (t === undefined) return null;
    if (t.kind === 'op') {
      this.pos++;
      return { op: t.text as Comparator, from: t.from, to: t.to };
    }
    if (t.kind !== 'ident' || t.word === undefined) return null;
    if (t.word === 'LIKE' || t.word === 'ILIKE' || t.word === 'RLIKE' || t.word === 'IN') {
      this.pos++;
      return { op: t.word, from: t.from, to: t.to };
    }
    if (t.word === 'NOT' && this.isWord(this.peek(1), 'IN')) {
      this.pos += 2;
      return { op: 'NOT IN', from: t.from, to: this.tokens[this.pos - 1].to };
    }
    if (t.word === 'IS') {
      if (this.isWord(this.peek(1), 'NULL')) {
        this.pos += 2;
        return { op: 'IS NULL', from: t.from, to: this.tokens[this.pos - 1].to };
      }
      if (this.isWord(this.peek(1), 'NOT') && this.isWord(this.peek(2), 'NULL')) {
        this.pos += 3;
        return { op: 'IS NOT NULL', from: t.from, to: this.tokens[this.pos - 1].to };
      }
    }
    return null;
  }

  parseScalar(t: Token): ScalarValue | null {
    if (t.kind === 'string') {
      if (t.terminated === false) {
        this.report('unterminated-string', t, invalidClauseMessage([t.text]), `close the string with ${t.quote}`, {
          from: this.text.length,
          to: this.text.length,
          insert: t.quote ?? "'",
        });
      }
      return { type: 'string', value: t.value ?? '', quote: t.quote ?? "'", from: t.from, to: t.to };
    }
    if (t.kind === 'number') return { type: 'number', value: Number(t.text), raw: t.text, from: t.from, to: t.to };
    if (t.kind === 'ident' && !(t.word !== undefined && VALUE_KEYWORDS.has(t.word)))
      return { type: 'word', raw: t.text, from: t.from, to: t.to };
    return null;
  }

  parseList(open: Token): ListValue {
    this.pos++;
    const items: ScalarValue[] = [];
    let to = open.to;
    for (;;) {
      const t = this.peek();
      if (t?.kind === 'rparen') {
        this.pos++;
        to = t.to;
        break;
      }
      const item = t === undefined ? null : this.parseScalar(t);
      if (t === undefined || item === null) {
        this.report(
          'missing-rparen',
          this.here(),
          invalidClauseMessage([this.slice({ from: open.from, to: t?.to ?? this.text.length })]),
          'close the list with )',
          {
            from: to,
            to,
            insert: ')',
          },
        );
        break;
      }
      this.pos++;
      items.push(item);
      to = item.to;
      if (this.peek()?.kind === 'comma') {
        to = this.peek()?.to ?? to;
        this.pos++;
      } else if (this.peek()?.kind !== 'rparen') {
        this.report(
          'missing-rparen',
          this.here(),
          invalidClauseMessage([this.slice({ from: open.from, to: this.peek()?.to ?? this.text.length })]),
          'separate list items with commas and close the list with )',
        );
        break;
      }
    }
    return { type: 'list', items, from: open.from, to };
  }

  parseComparison(): FilterExpr {
    const t = this.tokens[this.pos++];
    const resolution = resolveField(t.text);
    const field: FieldNode = {
      text: t.text,
      from: t.from,
      to: t.to,
      prefix: resolution.prefix,
      ref: resolution.ok ? resolution.ref : null,
      entity: resolution.entity,
    };
    if (t.terminated === false)
      this.report('unterminated-string', t, invalidClauseMessage([t.text]), 'close the backtick', {
        from: this.text.length,
        to: this.text.length,
        insert: '`',
      });
    if (t.needsQuoting) {
      const dot = t.text.indexOf('.');
      const keyFrom = dot < 0 ? t.from : t.from + dot + 1;
      this.report('unquoted-key', t, invalidClauseMessage([t.text]), 'keys with special characters need backticks', {
        from: keyFrom,
        to: t.to,
        insert: `\`${this.text.slice(keyFrom, t.to)}\``,
      });
    }
    if (this.dialect === 'mlflow' && t.word === 'TEXT') {
      // sqlparse reads a bare `text` as the SQL type keyword, so MLflow rejects it.
      this.report(
        'reserved-word',
        t,
        invalidClauseMessage([t.text]),
        'bare this.text is a SQL keyword in MLflow: write trace.text',
        { from: t.from, to: t.to, insert: 'trace.text' },
      );
    }
    const op = this.parseOperator();
    const node: ComparisonNode = { type: 'comparison', field, op, value: null, from: t.from, to: op?.to ?? t.to };
    if (op === null) {
      const next = this.peek();
      const stop = next === undefined || this.isWord(next, 'AND') || this.isWord(next, 'OR') || next.kind === 'rparen';
      const skipped = stop ? { from: t.from, to: t.to } : this.skipToSync(t.from);
      this.report(
        'expected-operator',
        next === undefined || stop ? { from: t.to, to: t.to } : next,
        invalidClauseMessage([this.slice(skipped)]),
        'add a comparator such as = or LIKE',
      );
      node.to = skipped.to;
      return node;
    }
    if (op.op === 'IS NULL' || op.op === 'IS NOT NULL') return node;
    const v = this.peek();
    let value: ValueNode | null = null;
    if (v?.kind === 'lparen') value = this.parseList(v);
    else if (v !== undefined) {
      value = this.parseScalar(v);
      if (value !== null) this.pos++;
    }
    if (value === null) {
      this.report(
        'expected-value',
        v ?? { from: op.to, to: op.to },
        invalidClauseMessage([this.slice(node)]),
        "add a quoted value, e.g. 'my-value'",
      );
      return node;
    }
    node.value = value;
    node.to = value.to;
    return node;
  }

  parseOr(depth: number): FilterExpr | null {
    const first = this.parseAnd(depth);
    const children: FilterExpr[] = first ? [first] : [];
    const keywords: TextRange[] = [];
    while (this.isWord(this.peek(), 'OR')) {
      const kw = this.tokens[this.pos++];
      keywords.push({ from: kw.from, to: kw.to });
      const missingLeft = children.length === 0;
      const right = this.parseAnd(depth);
      if (right) children.push(right);
      // One diagnostic per OR, on the keyword itself rather than on what follows: the mlflow dialect
      // reports the same range as an invalid clause, and checkFilter folds by range, so MLflow's message
      // names the OR once.
      if (missingLeft || right === null)
        this.report('expected-identifier', kw, invalidClauseMessage([kw.text]), 'OR needs a condition on each side');
    }
    if (keywords.length === 0) return first;
    if (children.length === 0) return { type: 'error', from: keywords[0].from, to: keywords[keywords.length - 1].to };
    return {
      type: 'or',
      children,
      keywords,
      from: Math.min(children[0].from, keywords[0].from),
      to: Math.max(children[children.length - 1].to, keywords[keywords.length - 1].to),
    };
  }

  parseAnd(depth: number): FilterExpr | null {
    const children: FilterExpr[] = [];
    let pendingAnd: Token | null = null;
    for (let t = this.peek(); t !== undefined; t = this.peek()) {
      if (t.kind === 'rparen' || this.isWord(t, 'OR')) break;
      if (this.isWord(t, 'AND')) {
        this.pos++;
        if (children.length === 0 || pendingAnd) {
          this.report(
            'stray-and',
            t,
            'Extra AND is ignored.',
            'remove the extra AND',
            { from: t.from, to: t.to, insert: '' },
            'warning',
          );
        }
        pendingAnd = t;
        continue;
      }
      if (this.canStartUnary(t)) {
        if (children.length > 0 && pendingAnd === null) {
          this.report(
            'implicit-and',
            { from: t.from, to: t.from },
            'Conditions are joined by AND.',
            'write AND between conditions',
            { from: t.from, to: t.from, insert: 'AND ' },
            'warning',
          );
        }
        children.push(this.parseUnary(depth));
        pendingAnd = null;
        continue;
      }
      this.pos++;
      const skipped = this.skipToSync(t.from, t.to);
      if (t.kind === 'unknown') {
        this.report('unexpected-character', t, invalidClauseMessage([t.text]), `remove '${t.text}'`);
      } else if (t.kind === 'semicolon') {
        // Only a ';' that ends the single statement gets here (parse-filter.ts splits statements as sqlparse
        // does); MLflow then rejects the ';' token itself as an invalid clause.
        this.report('invalid-clause', skipped, invalidClauseMessage([this.slice(skipped)]), 'remove the ;', {
          from: t.from,
          to: t.to,
          insert: '',
        });
      } else {
        this.report(
          'invalid-clause',
          skipped,
          invalidClauseMessage([this.slice(skipped)]),
          'start a condition with a field such as tag.<key>',
        );
      }
      children.push({ type: 'error', from: skipped.from, to: skipped.to });
      pendingAnd = null;
    }
    if (pendingAnd && children.length > 0) {
      this.report(
        'stray-and',
        pendingAnd,
        'Extra AND is ignored.',
        'remove the trailing AND',
        { from: pendingAnd.from, to: pendingAnd.to, insert: '' },
        'warning',
      );
    }
    if (children.length === 0) return null;
    if (children.length === 1) return children[0];
    return { type: 'and', children, from: children[0].from, to: children[children.length - 1].to };
  }

  parseUnary(depth: number): FilterExpr {
    const t = this.tokens[this.pos];
    if (this.isWord(t, 'NOT') || t.kind === 'lparen') {
      if (depth >= MAX_NESTING) return this.tooDeep(t);
    }
    if (this.isWord(t, 'NOT')) {
      this.pos++;
      const keyword = { from: t.from, to: t.to };
      if (!this.canStartUnary(this.peek())) {
        this.report('expected-identifier', keyword, invalidClauseMessage([t.text]), 'NOT needs a condition after it');
        return { type: 'error', from: t.from, to: t.to };
      }
      const expr = this.parseUnary(depth + 1);
      return { type: 'not', expr, keyword, from: t.from, to: expr.to };
    }
    if (t.kind === 'lparen') {
      this.pos++;
      const inner = this.parseOr(depth + 1);
      const close = this.peek();
      let to: number;
      if (close?.kind === 'rparen') {
        this.pos++;
        to = close.to;
      } else {
        to = inner?.to ?? t.to;
        this.report(
          'missing-rparen',
          t,
          invalidClauseMessage([this.slice({ from: t.from, to })]),
          'close the parenthesis',
          { from: to, to, insert: ')' },
        );
      }
      if (inner === null) {
        this.report(
          'expected-identifier',
          { from: t.from, to },
          invalidClauseMessage([this.slice({ from: t.from, to })]),
          'put a condition inside the parentheses',
        );
        return { type: 'error', from: t.from, to };
      }
      return { type: 'group', expr: inner, from: t.from, to };
    }
    // A single-quoted string never gets here (canStartUnary): parseAnd reports it as an invalid clause.
    return this.parseComparison();
  }
}
