// The tokenizer. It mirrors the sqlparse rules MLflow relies on where they matter:
// quoted strings and backtick names keep doubled quotes verbatim (no escape processing),
// and an identifier is dot-joined segments, so `metadata.mlflow.trace.session` is one token.
import type { TextRange } from './ast.ts';

export type TokenKind = 'ident' | 'string' | 'number' | 'op' | 'lparen' | 'rparen' | 'comma' | 'semicolon' | 'unknown';

export interface Token extends TextRange {
  kind: TokenKind;
  text: string;
  /** For bare single-segment identifiers: the upper-cased word, so keywords match case-insensitively. */
  word?: string;
  /** Strings: the content between the quotes, verbatim. */
  value?: string;
  quote?: "'" | '"';
  /** Strings and backtick segments: false when the closing quote is missing. */
  terminated?: boolean;
  /** Identifiers containing characters that need backticks, e.g. `tag.my-key`. */
  needsQuoting?: boolean;
}

const isWordStart = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
const isDigit = (c: string): boolean => c >= '0' && c <= '9';
const isWordChar = (c: string): boolean => isWordStart(c) || isDigit(c);
const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';
/** Characters people put in keys (`my-key`, `a/b`, `x:y`) that sqlparse splits on. */
const isKeyPunct = (c: string): boolean => c === '-' || c === '/' || c === ':' || c === '@';

/**
 * End (exclusive) of a quoted run starting at `start`, with doubled quotes kept as content.
 * Like the regex `q(qq|[^q])*q` with backtracking: if the text ends inside a doubled pair,
 * the first quote of the last pair closes the string. Returns -1 when unterminated.
 */
export function scanQuoted(text: string, start: number, q: string): number {
  let lastPair = -1;
  let i = start + 1;
  while (i < text.length) {
    if (text[i] === q) {
      if (text[i + 1] === q) {
        lastPair = i;
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return lastPair >= 0 ? lastPair + 1 : -1;
}

function scanNumber(text: string, start: number): number {
  let i = start;
  if (text[i] === '-') i++;
  const digitsStart = i;
  while (i < text.length && isDigit(text[i])) i++;
  if (text[i] === '.' && (i > digitsStart || isDigit(text[i + 1] ?? ''))) {
    i++;
    while (i < text.length && isDigit(text[i])) i++;
  }
  if ((text[i] === 'e' || text[i] === 'E') && i > digitsStart) {
    let j = i + 1;
    if (text[j] === '+' || text[j] === '-') j++;
    if (isDigit(text[j] ?? '')) {
      i = j;
      while (i < text.length && isDigit(text[i])) i++;
    }
  }
  return i;
}

function startsNumber(text: string, i: number): boolean {
  const c = text[i];
  if (isDigit(c)) return true;
  if (c === '.') return isDigit(text[i + 1] ?? '');
  if (c === '-') return isDigit(text[i + 1] ?? '') || (text[i + 1] === '.' && isDigit(text[i + 2] ?? ''));
  return false;
}

interface IdentScan {
  end: number;
  terminated: boolean;
  needsQuoting: boolean;
  bareSegments: number;
  segments: number;
}

/**
 * Identifier: segments joined by dots; a segment is a bare word, a backtick name or (after a dot) a quoted
 * string. The first segment may be double-quoted too when a dot follows (`"tag".k`), because sqlparse
 * groups a quoted symbol and its dotted tail into one identifier.
 */
function scanIdent(text: string, start: number): IdentScan {
  let i = start;
  let terminated = true;
  let needsQuoting = false;
  let segments = 0;
  let bareSegments = 0;
  let first = true;
  for (;;) {
    const c = text[i];
    if (c === '`' || c === '"' || (!first && c === "'")) {
      const end = scanQuoted(text, i, c);
      segments++;
      if (end < 0) {
        terminated = false;
        i = text.length;
        break;
      }
      i = end;
    } else if (c !== undefined && (first ? isWordStart(c) : isWordChar(c))) {
      segments++;
      bareSegments++;
      while (i < text.length) {
        if (isWordChar(text[i])) i++;
        else if (isKeyPunct(text[i]) && isWordChar(text[i + 1] ?? '')) {
          needsQuoting = true;
          i++;
        } else break;
      }
    } else if (!first) {
      // A trailing dot (`tag.`) while typing: the key is empty.
      break;
    }
    first = false;
    if (text[i] === '.') i++;
    else break;
  }
  return { end: i, terminated, needsQuoting, bareSegments, segments };
}

function identToken(text: string, from: number, s: IdentScan): Token {
  const raw = text.slice(from, s.end);
  const token: Token = { kind: 'ident', from, to: s.end, text: raw };
  if (s.segments === 1 && s.bareSegments === 1 && !raw.includes('.') && !s.needsQuoting) token.word = raw.toUpperCase();
  if (!s.terminated) token.terminated = false;
  if (s.needsQuoting) token.needsQuoting = true;
  return token;
}

/** Tokenizes the whole text. Never throws; unknown characters become `unknown` tokens. Whitespace is dropped. */
export function lexFilter(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (isSpace(c)) {
      i++;
      continue;
    }
    const from = i;
    if (isWordStart(c) || c === '`') {
      const s = scanIdent(text, i);
      tokens.push(identToken(text, from, s));
      i = s.end;
    } else if (c === "'" || c === '"') {
      const end = scanQuoted(text, i, c);
      if (c === '"' && end >= 0 && text[end] === '.') {
        // `"tag".k`: a quoted prefix, which resolveField then rejects as MLflow does (Invalid entity type '"tag"').
        const s = scanIdent(text, i);
        tokens.push(identToken(text, from, s));
        i = s.end;
        continue;
      }
      const to = end < 0 ? n : end;
      const value = text.slice(from + 1, end < 0 ? n : end - 1);
      tokens.push({ kind: 'string', from, to, text: text.slice(from, to), value, quote: c, terminated: end >= 0 });
      i = to;
    } else if (startsNumber(text, i)) {
      const end = scanNumber(text, i);
      tokens.push({ kind: 'number', from, to: end, text: text.slice(from, end) });
      i = end;
    } else if (c === '(' || c === ')' || c === ',' || c === ';') {
      const kind: TokenKind = c === '(' ? 'lparen' : c === ')' ? 'rparen' : c === ',' ? 'comma' : 'semicolon';
      tokens.push({ kind, from, to: i + 1, text: c });
      i++;
    } else if (c === '=' || c === '!' || c === '<' || c === '>') {
      const two = text.slice(i, i + 2);
      const len = two === '==' || two === '!=' || two === '<>' || two === '<=' || two === '>=' ? 2 : c === '!' ? 0 : 1;
      if (len === 0) {
        tokens.push({ kind: 'unknown', from, to: i + 1, text: c });
        i++;
      } else {
        tokens.push({ kind: 'op', from, to: i + len, text: text.slice(i, i + len) });
        i += len;
      }
    } else {
      // Group a run of unknown characters into one token so junk input stays cheap.
      let j = i + 1;
      while (j < n && !isSpace(text[j]) && !isWordChar(text[j]) && !'\'"`()=,;!<>'.includes(text[j])) j++;
      tokens.push({ kind: 'unknown', from, to: j, text: text.slice(from, j) });
      i = j;
    }
  }
  return tokens;
}
