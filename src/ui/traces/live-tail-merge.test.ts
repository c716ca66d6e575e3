import { describe, expect, it } from 'vitest';
import type { TraceInfo } from '../../core/model.ts';
import { addPending, loadedIds, prependNew, replaceLoaded, type SearchData } from './live-tail-merge.ts';

const info = (id: string, state: TraceInfo['state'] = 'OK') => ({ trace_id: id, state }) as TraceInfo;
const data = (...pages: string[][]): SearchData => ({
  pages: pages.map((ids, i) => ({
    traces: ids.map((id) => info(id)),
    nextPageToken: i < pages.length - 1 ? `p${i}` : undefined,
  })),
  pageParams: pages.map((_, i) => (i === 0 ? undefined : `p${i - 1}`)),
});
const ids = (d: SearchData) => d.pages.map((p) => p.traces.map((t) => t.trace_id));

describe('live tail merge', () => {
  it('puts new traces at the top of the first page, skipping rows already loaded', () => {
    const before = data(['b', 'c'], ['d']);
    const after = prependNew(before, [info('z'), info('c'), info('y')]);
    expect(ids(after)).toEqual([['z', 'y', 'b', 'c'], ['d']]);
    // Later pages keep their identity (the grid does not re-render their rows).
    expect(after.pages[1]).toBe(before.pages[1]);
    expect(prependNew(before, [info('d')])).toBe(before);
  });

  it('replaces loaded rows by newer versions in place and leaves other pages alone', () => {
    const before = data(['a', 'b'], ['c']);
    const after = replaceLoaded(
      before,
      new Map([
        ['c', info('c', 'ERROR')],
        ['x', info('x')],
      ]),
    );
    expect(ids(after)).toEqual([['a', 'b'], ['c']]);
    expect(after.pages[1].traces[0].state).toBe('ERROR');
    expect(after.pages[0]).toBe(before.pages[0]);
    expect(replaceLoaded(before, new Map([['x', info('x')]]))).toBe(before);
    expect(loadedIds(after)).toEqual(new Set(['a', 'b', 'c']));
  });

  it('keeps waiting traces capped, a newer version in its place', () => {
    const pending = new Map<string, TraceInfo>();
    addPending(pending, [info('a', 'IN_PROGRESS'), info('b'), info('c')], 10);
    addPending(pending, [info('a', 'OK')], 10);
    expect([...pending.keys()]).toEqual(['a', 'b', 'c']);
    expect(pending.get('a')?.state).toBe('OK');
    addPending(pending, [info('d'), info('e')], 3);
    expect([...pending.keys()]).toEqual(['c', 'd', 'e']);
  });
});
