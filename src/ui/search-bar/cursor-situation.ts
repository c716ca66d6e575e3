// What is at the cursor, as a pure union (the Tempo `situation.ts` idea). The filter library's
// own completionAt had not landed when this was written; this reads the library's tokens and
// resolution and can be swapped for completionAt without touching the suggestion mapping.
import type { FieldRef } from '../../core/filter/ast.ts';
import { lexFilter, type Token } from '../../core/filter/lexer.ts';
import { resolveField } from '../../core/filter/resolve-field.ts';

export type CursorSituation =
  /** Typing a field: `partial` is the word so far (may contain `prefix.`). */
  | { kind: 'field'; from: number; to: number; partial: string }
  /** After a complete field: an operator goes here. */
  | { kind: 'operator'; from: number; to: number; partial: string; field: string; ref: FieldRef | null }
  /** After an operator: a value goes here; `partial` is the value typed so far, unquoted. */
  | { kind: 'value'; from: number; to: number; partial: string; field: string; ref: FieldRef | null; op: string }
  /** After a complete comparison: AND / OR. */
  | { kind: 'connective'; from: number; to: number; partial: string }
  | { kind: 'none' };

const CONNECTIVES = new Set(['AND', 'OR', 'NOT']);
const WORD_OPERATORS = new Set(['LIKE', 'ILIKE', 'RLIKE', 'IN', 'IS']);

const isConnective = (t: Token) => t.kind === 'ident' && t.word !== undefined && CONNECTIVES.has(t.word);
const isWordOperator = (t: Token) => t.kind === 'ident' && t.word !== undefined && WORD_OPERATORS.has(t.word);

export function cursorSituation(text: string, cursor: number): CursorSituation {
  const all = lexFilter(text.slice(0, cursor));
  // The token being typed touches the cursor; an unterminated string is always "being typed".
  const last = all[all.length - 1];
  const typing = last && last.to === cursor && (last.kind !== 'string' || last.terminated === false) && last.kind !== 'rparen' && last.kind !== 'lparen';
  const current = typing ? last : undefined;
  const before = current ? all.slice(0, -1) : all;
  const from = current ? current.from : cursor;
  const partialText = current ? current.text : '';

  // Walk back to the start of the clause being written.
  let start = before.length;
  while (start > 0) {
    const t = before[start - 1];
    if (isConnective(t) || t.kind === 'lparen') break;
    start--;
  }
  const clause = before.slice(start);
  if (clause.length === 0) {
    if (current?.kind === 'string' || current?.kind === 'number') return { kind: 'none' };
    return { kind: 'field', from, to: cursor, partial: partialText };
  }
  const field = clause[0];
  if (field.kind !== 'ident') return { kind: 'none' };
  const resolution = resolveField(field.text);
  const ref = resolution.ok ? resolution.ref : null;
  const ops = clause.slice(1);
  if (ops.length === 0) {
    return { kind: 'operator', from, to: cursor, partial: partialText, field: field.text, ref };
  }
  const opText = ops.map((t) => t.text.toUpperCase()).join(' ');
  const operatorComplete =
    (ops.length === 1 && ops[0].kind === 'op') ||
    (ops.every(isWordOperator) && ['LIKE', 'ILIKE', 'RLIKE', 'IN', 'NOT IN'].includes(opText));
  if (ops.every((t) => t.kind === 'op' || isWordOperator(t) || (t.kind === 'ident' && (t.word === 'NOT' || t.word === 'NULL')))) {
    if (/^IS( NOT)?( NULL)?$/.test(opText) && !opText.endsWith('NULL')) {
      return { kind: 'operator', from, to: cursor, partial: partialText, field: field.text, ref };
    }
    if (opText.endsWith('NULL')) return { kind: 'connective', from, to: cursor, partial: partialText };
    if (operatorComplete) {
      const partial = current?.kind === 'string' ? (current.value ?? '') : partialText;
      return { kind: 'value', from, to: cursor, partial, field: field.text, ref, op: opText };
    }
    return { kind: 'operator', from, to: cursor, partial: partialText, field: field.text, ref };
  }
  // A value has been written: the clause is complete.
  return { kind: 'connective', from, to: cursor, partial: partialText };
}
