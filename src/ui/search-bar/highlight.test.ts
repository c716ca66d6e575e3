import { describe, expect, it } from 'vitest';
import { analyzeFilter } from '../../core/filter/index.ts';
import { highlightPieces } from './highlight.ts';

const show = (text: string) =>
  highlightPieces(text, analyzeFilter(text).diagnostics)
    .filter((p) => p.cls !== 'plain' || p.error)
    .map((p) => `${p.error ? '!' : ''}${p.cls}:${text.slice(p.from, p.to)}`);

describe('highlightPieces', () => {
  it.each<[string, string[]]>([
    ["metadata.env = 'prod'", ['prefix:metadata.', 'key:env', 'op:=', "string:'prod'"]],
    [
      'execution_time_ms > 500 AND tag.x IS NULL',
      [
        'key:execution_time_ms',
        'op:>',
        'number:500',
        'keyword:AND',
        'prefix:tag.',
        'key:x',
        'keyword:IS',
        'keyword:NULL',
      ],
    ],
    ['status = OK', ['key:status', 'op:=', '!key:OK']],
  ])('%s', (text, expected) => {
    expect(show(text)).toEqual(expected);
  });

  it('covers the text exactly', () => {
    const text = "tag.a = 'x'  AND  b";
    const pieces = highlightPieces(text, []);
    expect(pieces.map((p) => text.slice(p.from, p.to)).join('')).toBe(text);
  });
});
