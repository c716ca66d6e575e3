// Pieces of the filter text with a token class and an error flag, for the overlay drawn behind
// the transparent input. Pieces cover the text exactly, so the overlay lines up character for
// character with what the input shows.
import { KEYWORDS, lexFilter, type Diagnostic, type Token } from '../../core/filter/index.ts';
// The tokenizer is not part of the library's public index yet; highlighting needs exactly it.

export type TokenClass = 'prefix' | 'key' | 'op' | 'string' | 'number' | 'keyword' | 'plain';

export interface Piece {
  from: number;
  to: number;
  cls: TokenClass;
  error: boolean;
}

const KEYWORD_SET = new Set<string>(KEYWORDS);

function classify(token: Token): { from: number; to: number; cls: TokenClass }[] {
  switch (token.kind) {
    case 'ident': {
      if (token.word && KEYWORD_SET.has(token.word)) return [{ from: token.from, to: token.to, cls: 'keyword' }];
      const dot = token.text.indexOf('.');
      if (dot > 0 && !token.text.startsWith('`')) {
        return [
          { from: token.from, to: token.from + dot + 1, cls: 'prefix' },
          { from: token.from + dot + 1, to: token.to, cls: 'key' },
        ];
      }
      return [{ from: token.from, to: token.to, cls: 'key' }];
    }
    case 'string':
      return [{ from: token.from, to: token.to, cls: 'string' }];
    case 'number':
      return [{ from: token.from, to: token.to, cls: 'number' }];
    case 'op':
      return [{ from: token.from, to: token.to, cls: 'op' }];
    default:
      return [{ from: token.from, to: token.to, cls: 'plain' }];
  }
}

/** Zero-width diagnostics (e.g. "expected a value" at the end) underline the character before them. */
export function errorRanges(text: string, diagnostics: readonly Diagnostic[]): { from: number; to: number }[] {
  return diagnostics
    .filter((d) => d.severity === 'error')
    .map((d) =>
      d.from < d.to
        ? { from: d.from, to: d.to }
        : { from: Math.max(0, Math.min(d.from, text.length) - 1), to: Math.min(text.length, Math.max(d.from, 1)) },
    )
    .filter((r) => r.from < r.to);
}

export function highlightPieces(text: string, diagnostics: readonly Diagnostic[]): Piece[] {
  const classes: TokenClass[] = new Array<TokenClass>(text.length).fill('plain');
  for (const token of lexFilter(text))
    for (const part of classify(token)) for (let i = part.from; i < part.to; i++) classes[i] = part.cls;
  const errors: boolean[] = new Array<boolean>(text.length).fill(false);
  for (const range of errorRanges(text, diagnostics)) for (let i = range.from; i < range.to; i++) errors[i] = true;
  const pieces: Piece[] = [];
  for (let i = 0; i < text.length; i++) {
    const last = pieces[pieces.length - 1];
    if (last && last.cls === classes[i] && last.error === errors[i]) last.to = i + 1;
    else pieces.push({ from: i, to: i + 1, cls: classes[i], error: errors[i] });
  }
  return pieces;
}
