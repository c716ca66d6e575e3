import { describe, expect, it } from 'vitest';
import type { SpanDict } from './model.ts';
import { ancestorsOf, buildSpanTree, parseAttributes, searchSpans, spanTreeSteps, visibleRows } from './span-tree.ts';

const span = (
  id: string,
  parent: string | null | undefined,
  start: number,
  end: number | null,
  extra: Record<string, unknown> = {},
) => ({
  trace_id: 't',
  span_id: id,
  parent_span_id: parent,
  name: `s-${id}`,
  start_time_unix_nano: start * 1e6,
  end_time_unix_nano: end === null ? null : end * 1e6,
  events: [],
  status: { code: 'STATUS_CODE_OK', message: '' },
  attributes: { 'mlflow.spanType': '"CHAIN"' },
  ...extra,
});

/** The tree as "name@depth" in pre-order, which is what the rows show. */
const shape = (spans: unknown[]) => {
  const tree = buildSpanTree(spans);
  return tree.nodes.map((n) => `${n.spanId}@${n.depth}${n.anomaly ? `!${n.anomaly}` : ''}`).join(' ');
};

describe('buildSpanTree', () => {
  it.each([
    ['empty', [], ''],
    ['single root (null parent)', [span('a', null, 0, 10)], 'a@0'],
    ['root written as "" by the TS SDK', [span('a', '', 0, 10)], 'a@0'],
    ['children sorted by start', [span('c', 'a', 5, 6), span('a', null, 0, 10), span('b', 'a', 1, 2)], 'a@0 b@1 c@1'],
    [
      'grandchildren nest',
      [span('a', null, 0, 10), span('b', 'a', 1, 5), span('c', 'b', 2, 3), span('d', 'a', 6, 7)],
      'a@0 b@1 c@2 d@1',
    ],
    ['orphan becomes a marked root', [span('a', null, 0, 10), span('x', 'missing', 1, 2)], 'a@0 x@0!orphan'],
    ['self-parent is an orphan', [span('a', 'a', 0, 1)], 'a@0!orphan'],
    ['two-span cycle is broken once', [span('a', 'b', 0, 1), span('b', 'a', 1, 2)], 'a@0!cycle b@1'],
    [
      'cycle beside a real root',
      [span('r', null, 0, 9), span('a', 'b', 1, 2), span('b', 'a', 2, 3)],
      'r@0 a@0!cycle b@1',
    ],
    ['duplicate id keeps both spans', [span('a', null, 0, 10), span('a', null, 1, 2)], 'a@0 a@0'],
  ])('%s', (_label, spans, expected) => {
    expect(shape(spans)).toBe(expected);
  });

  it('reads legacy v2 fields and status names', () => {
    const tree = buildSpanTree([
      {
        context: { span_id: 'p' },
        parent_id: null,
        name: 'root',
        start_time: 0,
        end_time: 5e6,
        status_code: 'ERROR',
        attributes: {},
      },
      {
        context: { span_id: 'c' },
        parent_id: 'p',
        name: 'child',
        start_time: 1e6,
        end_time: 2e6,
        status_code: 'OK',
        attributes: {},
      },
    ]);
    expect(tree.nodes.map((n) => [n.name, n.depth, n.status])).toEqual([
      ['root', 0, 'ERROR'],
      ['child', 1, 'OK'],
    ]);
    expect(tree.errorCount).toBe(1);
    expect(tree.totalMs).toBe(5);
  });

  it('places spans relative to the trace start and keeps unfinished spans', () => {
    const tree = buildSpanTree([span('a', null, 100, 200), span('b', 'a', 150, null)]);
    expect(tree.nodes.map((n) => [n.startMs, n.durationMs])).toEqual([
      [0, 100],
      [50, null],
    ]);
    expect(tree.nodes[1].type).toBe('CHAIN');
  });

  // Quadratic work or recursion would take minutes or overflow the stack: the test's timeout is the
  // guard, not a wall-clock assertion (budgets live in bench/).
  it('builds a 30,000-span trace (wide and 30,000 deep) without recursion', () => {
    const wide = [span('root', null, 0, 30_001)];
    for (let i = 0; i < 30_000; i++) wide.push(span(`w${i}`, i % 10 === 0 ? 'root' : `w${i - (i % 10)}`, i, i + 1));
    const deep = [span('d0', null, 0, 30_001)];
    for (let i = 1; i < 30_000; i++) deep.push(span(`d${i}`, `d${i - 1}`, i, 30_001 - i));
    const wideTree = buildSpanTree(wide);
    const deepTree = buildSpanTree(deep);
    const rows = visibleRows(deepTree, new Set());
    expect(wideTree.nodes).toHaveLength(30_001);
    expect(deepTree.nodes[29_999].depth).toBe(29_999);
    expect(rows).toHaveLength(30_000);
    expect(ancestorsOf(deepTree, 29_999)).toHaveLength(29_999);
  });

  it('pauses between slices of spans and builds the same tree (spanTreeSteps)', () => {
    const spans = [span('root', null, 0, 10_001)];
    for (let i = 0; i < 10_000; i++) spans.push(span(`c${i}`, i % 3 === 0 ? 'root' : `c${i - 1}`, i, i + 1));
    const steps = spanTreeSteps(spans);
    let pauses = 0;
    let step = steps.next();
    for (; !step.done; step = steps.next()) pauses++;
    // At least one pause in each of the index, link and walk passes over 10,001 spans.
    expect(pauses).toBeGreaterThanOrEqual(12);
    expect(step.value).toEqual(buildSpanTree(spans));
  });
});

describe('buildSpanTree order', () => {
  it('lists children by start time, ties in input order, across the sort blocks of a big trace', () => {
    // 9,000 children with scrambled starts and many ties (blocks of 2,000 are sorted, then merged).
    const spans = [span('root', null, 0, 100_000)];
    for (let i = 0; i < 9_000; i++) spans.push(span(`c${i}`, 'root', ((i * 7_919) % 3_001) + 1, 99_999));
    const expected = spans
      .slice(1)
      .map((s, i) => ({ id: s.span_id, start: s.start_time_unix_nano, i }))
      .sort((a, b) => a.start - b.start || a.i - b.i)
      .map((s) => s.id);
    const tree = buildSpanTree(spans);
    expect(tree.nodes[0].children.map((c) => tree.nodes[c].spanId)).toEqual(expected);
  });
});

describe('visibleRows and searchSpans', () => {
  const tree = buildSpanTree([
    span('a', null, 0, 10),
    span('b', 'a', 1, 5),
    span('c', 'b', 2, 3),
    span('d', 'a', 6, 7),
  ]);
  it.each([
    ['nothing collapsed', [], ['a', 'b', 'c', 'd']],
    ['collapse b hides c', [1], ['a', 'b', 'd']],
    ['collapse root', [0], ['a']],
  ])('%s', (_l, collapsed, expected) => {
    expect(visibleRows(tree, new Set(collapsed)).map((i) => tree.nodes[i].spanId)).toEqual(expected);
  });
  it.each([
    ['', [], []],
    ['S-C', ['c'], ['a', 'b', 'c']],
    ['chain', ['a', 'b', 'c', 'd'], ['a', 'b', 'c', 'd']],
    ['nope', [], []],
  ])('search %j', (query, matches, rows) => {
    const result = searchSpans(tree, query);
    expect(result.matches.map((i) => tree.nodes[i].spanId)).toEqual(matches);
    expect(result.rows.map((i) => tree.nodes[i].spanId)).toEqual(rows);
  });
});

describe('parseAttributes', () => {
  it('JSON-decodes every value and keeps non-JSON text', () => {
    const attrs = parseAttributes(
      span('a', null, 0, 1, {
        attributes: { 'mlflow.spanInputs': '{"q":"hi"}', weird: 'not json', '<img src=x>': '1' },
      }) as unknown as SpanDict,
    );
    expect(attrs).toEqual([
      ['mlflow.spanInputs', { q: 'hi' }],
      ['weird', 'not json'],
      ['<img src=x>', 1],
    ]);
  });
});
