// The Compare page sends five metrics requests per filter change, all with the same `filter`;
// evaluating it to the set of matching trace rowids is the costly part at a million traces
// (seconds through SQL when it names a metadata key). This small LRU keeps the last few masks,
// keyed by (experiment ids, filter text) and stamped with the store's write state: a mask is
// reused only while no write has happened since it was computed. better-sqlite3 is
// synchronous, so requests that arrive together are evaluated one after another and the
// second one is a hit: identical evaluations are never run twice.

export interface MaskCacheStats {
  hits: number;
  misses: number;
}

interface Entry {
  stamp: string;
  mask: Uint8Array;
}

export class MaskCache {
  private readonly entries = new Map<string, Entry>();
  readonly stats: MaskCacheStats = { hits: 0, misses: 0 };

  constructor(private readonly size = 8) {}

  static key(experimentIds: readonly number[], filter: string): string {
    return `${[...new Set(experimentIds)].sort((a, b) => a - b).join(',')}\u0000${filter.trim()}`;
  }

  /** The mask computed for `key` at write state `stamp`, or undefined. */
  get(key: string, stamp: string): Uint8Array | undefined {
    const entry = this.entries.get(key);
    if (!entry || entry.stamp !== stamp) {
      if (entry) this.entries.delete(key);
      this.stats.misses++;
      return undefined;
    }
    // Refresh its place in the LRU order.
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.stats.hits++;
    return entry.mask;
  }

  set(key: string, stamp: string, mask: Uint8Array): void {
    this.entries.delete(key);
    this.entries.set(key, { stamp, mask });
    while (this.entries.size > this.size) this.entries.delete(this.entries.keys().next().value as string);
  }

  clear(): void {
    this.entries.clear();
  }
}
