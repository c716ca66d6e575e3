import { beforeEach, describe, expect, it } from 'vitest';
import { selectedCount, useTraceSelection } from './selection-store.ts';

const s = () => useTraceSelection.getState();
const ids = () => [...s().ids].sort();

beforeEach(() => {
  useTraceSelection.setState({ ids: new Set(), all: null, anchor: null, order: [], scope: '' });
  s().setOrder(['a', 'b', 'c', 'd', 'e']);
});

describe('trace selection', () => {
  it('toggles single rows and selects a range from the last one clicked', () => {
    s().toggle('b');
    s().toggle('d', true);
    expect(ids()).toEqual(['b', 'c', 'd']);
    // Shift-clicking back from the new anchor with it ticked keeps extending.
    s().toggle('a', true);
    expect(ids()).toEqual(['a', 'b', 'c', 'd']);
    // A range from an unticked anchor unticks.
    s().toggle('a');
    s().toggle('c', true);
    expect(ids()).toEqual(['d']);
  });

  it('selects the whole filtered set by its count, and a click narrows it to the loaded rows', () => {
    s().toggle('a');
    s().selectAllMatching({ experimentId: '1', filter: "status = 'ERROR'", count: 12_345, exact: true });
    expect(selectedCount(s())).toBe(12_345);
    s().toggle('c');
    expect(s().all).toBeNull();
    expect(ids()).toEqual(['a', 'b', 'd', 'e']);
  });

  it('starts empty for a new experiment or filter, and clears', () => {
    s().setScope('1|');
    s().setMany(['a', 'b'], true);
    s().setScope('1|');
    expect(selectedCount(s())).toBe(2);
    s().setScope("1|status = 'OK'");
    expect(selectedCount(s())).toBe(0);
    s().setMany(['e'], true);
    s().clear();
    expect(selectedCount(s())).toBe(0);
  });
});
