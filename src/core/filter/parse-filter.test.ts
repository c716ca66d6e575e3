import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeFilter } from './analyze-filter.ts';
import type { FilterExpr } from './ast.ts';
import { checkFilter } from './check-filter.ts';
import { parseFilter } from './parse-filter.ts';
import { printFilter } from './print-filter.ts';
import { requiresExtended } from './requires-extended.ts';
import { filterArb } from './filter-arbitraries.test.ts';

/** Every node's range must lie inside its parent's and inside the text. */
function rangesNest(e: FilterExpr, from: number, to: number): boolean {
  if (e.from < from || e.to > to || e.from > e.to) return false;
  switch (e.type) {
    case 'and':
    case 'or':
      return e.children.every((c) => rangesNest(c, e.from, e.to));
    case 'not':
    case 'group':
      return rangesNest(e.expr, e.from, e.to);
    case 'comparison':
      return e.field.from >= e.from && (e.value === null || e.value.to <= e.to);
    case 'error':
      return true;
  }
}

const FILTERISH = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc
    .array(
      fc.constantFrom(
        'tag.',
        'span.',
        'attributes.',
        '`',
        "'",
        '"',
        '(',
        ')',
        ',',
        ';',
        '=',
        '!=',
        '<',
        '>=',
        ' ',
        ' AND ',
        ' OR ',
        'NOT ',
        'IS ',
        'NULL',
        'IN',
        'LIKE',
        'x',
        'status',
        '5',
        '-1.5e3',
        '.',
        '%',
        'é',
        '\n',
      ),
      { maxLength: 30 },
    )
    .map((xs) => xs.join('')),
);

describe('parseFilter', () => {
  it('never throws, and every range nests inside the text (property)', { timeout: 60_000 }, () => {
    fc.assert(
      fc.property(FILTERISH, fc.constantFrom('mlflow' as const, 'extended' as const), (text, dialect) => {
        const r = analyzeFilter(text, { dialect });
        for (const d of r.diagnostics) expect(d.from >= 0 && d.from <= d.to && d.to <= text.length).toBe(true);
        expect(r.ast === null || rangesNest(r.ast, 0, text.length)).toBe(true);
        checkFilter(text, dialect);
      }),
      { seed: 7, numRuns: 10_000 },
    );
  });

  it('prints canonically and idempotently (property)', { timeout: 60_000 }, () => {
    fc.assert(
      fc.property(filterArb, (text) => {
        const once = printFilter(parseFilter(text).ast);
        const again = parseFilter(once);
        expect(again.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        expect(printFilter(again.ast)).toBe(once);
        const checked = checkFilter(once, 'extended');
        expect(checked.ok).toBe(true);
      }),
      { seed: 11, numRuns: 10_000 },
    );
  });

  it(
    'accepts in mlflow exactly the generated filters that do not require the extended dialect (property)',
    { timeout: 60_000 },
    () => {
      fc.assert(
        fc.property(filterArb, (text) => {
          const ext = checkFilter(text, 'extended');
          const ml = checkFilter(text, 'mlflow');
          expect(ml.ok).toBe(ext.ok && !requiresExtended(ext.expr));
        }),
        { seed: 13, numRuns: 10_000 },
      );
    },
  );

  it('keeps structure of half-typed input', () => {
    const r = parseFilter("tag.env = 'prod' AND span.name");
    expect(r.ast?.type).toBe('and');
    const second = r.ast?.type === 'and' ? r.ast.children[1] : null;
    expect(second).toMatchObject({ type: 'comparison', op: null, field: { text: 'span.name', from: 21, to: 30 } });
    expect(r.diagnostics.map((d) => d.code)).toEqual(['expected-operator']);
  });

  it('recovers at AND after junk', () => {
    const r = parseFilter("status = = 'x' AND tag.a = 'b'");
    expect(r.ast?.type).toBe('and');
    expect(r.diagnostics[0]).toMatchObject({ code: 'expected-value', severity: 'error' });
    expect(printFilter(r.ast)).toContain("tag.a = 'b'");
  });

  it('records ranges for every part of a comparison', () => {
    const r = parseFilter('metadata.`a.b` IN (\'x\', "y")');
    expect(r.ast).toMatchObject({
      type: 'comparison',
      from: 0,
      to: 28,
      field: { from: 0, to: 14, prefix: 'metadata', ref: { kind: 'metadata', key: 'a.b' }, entity: 'request_metadata' },
      op: { op: 'IN', from: 15, to: 17 },
      value: {
        type: 'list',
        from: 18,
        to: 28,
        items: [
          { value: 'x', from: 19, to: 22 },
          { value: 'y', quote: '"', from: 24, to: 27 },
        ],
      },
    });
  });

  it.each([
    ['stray AND', "AND status = 'OK'", 'stray-and', { from: 0, to: 3, insert: '' }],
    ['implicit AND', "status = 'OK' tag.a = 'b'", 'implicit-and', { from: 14, to: 14, insert: 'AND ' }],
    ['unquoted value', 'tag.a = prod', 'unquoted-value', { from: 8, to: 12, insert: "'prod'" }],
    ['unterminated string', "tag.a = 'prod", 'unterminated-string', { from: 13, to: 13, insert: "'" }],
    ['unquoted key', "tag.my-key = 'x'", 'unquoted-key', { from: 4, to: 10, insert: '`my-key`' }],
    ['bare text in mlflow', "text LIKE '%a%'", 'reserved-word', { from: 0, to: 4, insert: 'trace.text' }],
    ['== comparator', "tag.a == 'x'", 'invalid-comparator', { from: 6, to: 8, insert: '=' }],
  ])('offers a fix-it: %s', (_name, text, code, fix) => {
    const d = analyzeFilter(text, { dialect: 'mlflow' }).diagnostics.find((x) => x.code === code);
    expect(d?.fix).toEqual(fix);
    expect(typeof d?.hint).toBe('string');
  });

  it.each([
    ["state = 'OK'", 'did you mean status?'],
    ["STATUS = 'OK'", 'did you mean status?'],
    ['execution_tim_ms > 5', 'did you mean execution_time_ms?'],
    ["TAG.env = 'x'", 'did you mean tag.?'],
    ["metdata.env = 'x'", 'did you mean metadata.?'],
    ["span.nam = 'x'", 'did you mean span.name?'],
    ["zzz = 'x'", 'use tag.<key> or metadata.<key> for custom keys'],
  ])('suggests the nearest key: %s', (text, hint) => {
    expect(analyzeFilter(text).diagnostics[0]?.hint).toBe(hint);
  });

  it('limits input size', () => {
    const text = `tag.a = '${'x'.repeat(9000)}'`;
    const r = parseFilter(text);
    expect(r.ast).toBeNull();
    expect(r.diagnostics).toMatchObject([{ code: 'too-long', severity: 'error' }]);
    expect(parseFilter(`tag.a = '${'é'.repeat(4500)}'`).diagnostics[0]?.code).toBe('too-long');
  });

  it.each([
    ['parentheses', (n: number) => `${'('.repeat(n)}status = 'OK'${')'.repeat(n)}`],
    ['NOT', (n: number) => `${'NOT '.repeat(n)}status = 'OK'`],
    ['unbalanced parentheses', (n: number) => '('.repeat(n)],
  ])('limits nesting of %s without overflowing the stack', (_name, make) => {
    expect(checkFilter(make(32), 'extended').ok).toBe(_name !== 'unbalanced parentheses');
    const deep = parseFilter(make(2000));
    expect(deep.diagnostics.filter((d) => d.code === 'too-deep')).toHaveLength(1);
  });

  it.each([
    ["status = 'OK' 5", 'invalid-clause', '5'],
    ["status = 'OK' ,", 'invalid-clause', ','],
    ['execution_time_ms > 1.5.5', 'invalid-clause', '.5'],
    ["tag.k = 'v';", 'invalid-clause', ';'],
    ["status = 'OK' OR", 'expected-identifier', 'OR'],
    ["OR status = 'OK'", 'expected-identifier', 'OR'],
    ["tag.a = 'b' AND NOT", 'expected-identifier', 'NOT'],
    ['NOT )', 'expected-identifier', 'NOT'],
    ['(  )', 'expected-identifier', '(  )'],
  ])('puts the error on the offending text: %s', (text, code, offending) => {
    const errors = parseFilter(text).diagnostics.filter((d) => d.severity === 'error');
    expect(errors[0]).toMatchObject({ code });
    expect(text.slice(errors[0].from, errors[0].to)).toBe(offending);
  });

  it('offers to delete a trailing ;', () => {
    const d = parseFilter("tag.k = 'v';").diagnostics;
    expect(d).toMatchObject([{ code: 'invalid-clause', from: 11, to: 12, fix: { from: 11, to: 12, insert: '' } }]);
  });

  it('reads a double-quoted prefix as part of the identifier', () => {
    const r = parseFilter('"tag".k = \'v\'');
    expect(r.diagnostics).toEqual([]);
    expect(r.ast).toMatchObject({
      type: 'comparison',
      field: { text: '"tag".k', from: 0, to: 7, prefix: '"tag"', ref: null, entity: null },
      op: { op: '=' },
    });
    expect(parseFilter('tag."k" = "v"').ast).toMatchObject({
      field: { ref: { kind: 'tag', key: 'k' } },
      value: { value: 'v' },
    });
  });

  it('warns, without failing the filter, on a quoted non-number for a numeric attribute', () => {
    for (const dialect of ['mlflow', 'extended'] as const) {
      const d = analyzeFilter("timestamp_ms > 'abc'", { dialect }).diagnostics;
      expect(d).toMatchObject([{ code: 'invalid-number', severity: 'warning', from: 15, to: 20 }]);
      expect(checkFilter("timestamp_ms > 'abc'", dialect).ok).toBe(true);
    }
    expect(analyzeFilter("timestamp_ms > ' 1e3 '").diagnostics).toEqual([]);
    expect(analyzeFilter("timestamp_ms > '0x64'").diagnostics).toMatchObject([{ code: 'invalid-number' }]);
  });

  it('reports MLflow-rejected syntax in the mlflow dialect only', () => {
    const text = "status = 'OK' OR (tag.a = 'b' AND NOT tag.c = 'd')";
    expect(parseFilter(text, { dialect: 'extended' }).diagnostics).toEqual([]);
    const ml = parseFilter(text, { dialect: 'mlflow' }).diagnostics;
    expect(ml.map((d) => text.slice(d.from, d.to))).toEqual(['OR', "(tag.a = 'b' AND NOT tag.c = 'd')"]);
    expect(requiresExtended(parseFilter(text).ast)).toBe(true);
    expect(requiresExtended(parseFilter("tag.a IN ('x')").ast)).toBe(true);
    expect(requiresExtended(parseFilter("span.name IN ('x')").ast)).toBe(false);
  });
});
