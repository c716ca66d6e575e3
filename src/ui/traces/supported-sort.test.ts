import { describe, expect, it } from 'vitest';
import type { ServerFeature } from '../api/useServerFeatures.ts';
import { supportedSort } from './supported-sort.ts';
import { DEFAULT_SORT, type SortSpec } from './traces-url.ts';

const server = (known: boolean, list: ServerFeature[]) => ({ known, has: (f: ServerFeature) => list.includes(f) });

describe('supportedSort', () => {
  it('keeps an MLflow order whatever the server', () => {
    const sort: SortSpec = { column: 'latency', desc: false };
    expect(supportedSort(sort, server(true, []))).toEqual({ sort, pending: false, unsupported: null });
    expect(supportedSort(sort, server(false, []))).toEqual({ sort, pending: false, unsupported: null });
  });

  it('keeps an extension order the server lists', () => {
    const sort: SortSpec = { column: 'cost', desc: true };
    expect(supportedSort(sort, server(true, ['order_by.cost']))).toEqual({ sort, pending: false, unsupported: null });
  });

  it.each<[SortSpec['column'], ServerFeature[]]>([
    ['feedback', ['order_by.cost', 'order_by.total_tokens']],
    ['tokens', ['order_by.feedback']],
    ['cost', ['order_by.total_tokens', 'order_by.feedback']],
  ])('falls back to newest first for %s on a server without its capability', (column, list) => {
    expect(supportedSort({ column, desc: true }, server(true, list))).toEqual({
      sort: DEFAULT_SORT,
      pending: false,
      unsupported: column,
    });
  });

  it('waits for the capabilities before sending an extension order', () => {
    const sort: SortSpec = { column: 'feedback', desc: true };
    expect(supportedSort(sort, server(false, []))).toEqual({ sort, pending: true, unsupported: null });
  });
});
