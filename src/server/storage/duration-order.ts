// The trace rows in ascending order of duration, kept beside the metrics columns so that exact
// percentiles need no sort per query. With the order at hand, the p-th percentile of every group
// is found in one walk: count each group's rows as they pass and note the value at the ranks the
// aggregation reads. Sorting each group per query cost ≈ 100–200 ms at a million traces; the walk
// costs one pass.
//
// Writes must not re-sort a million rows, so rows written since the order was built form a small
// `delta`: their old entries in `order` are skipped, and the delta (sorted per walk) is merged in.
// Once the delta outgrows a fraction of the rows, the order is rebuilt.

/** Rebuild when more than 1/REBUILD_FRACTION of the rows have changed since the last build. */
const REBUILD_FRACTION = 32;

export class DurationOrder {
  private order = new Int32Array(0);
  private built = false;
  /** 1 where the row's entry in `order` is outdated (the row is in `delta` instead). */
  private moved = new Uint8Array(0);
  private delta: number[] = [];

  /** Forget everything: the columns were reloaded. */
  reset(): void {
    this.built = false;
    this.order = new Int32Array(0);
    this.moved = new Uint8Array(0);
    this.delta = [];
  }

  /** The row's duration was (re)written after the order was built. */
  changed(row: number): void {
    if (!this.built) return;
    if (row >= this.moved.length) {
      const grown = new Uint8Array(Math.max(row + 1, this.moved.length * 2));
      grown.set(this.moved);
      this.moved = grown;
    }
    if (this.moved[row] === 1) return;
    this.moved[row] = 1;
    this.delta.push(row);
  }

  /**
   * Calls `visit` with every row whose duration is a number (not NaN), in ascending order of
   * duration (ties by row), until `visit` returns false.
   */
  walk(dur: Float64Array, rows: number, visit: (row: number) => boolean): void {
    if (!this.built || this.delta.length > rows / REBUILD_FRACTION) this.build(dur, rows);
    const byDuration = (a: number, b: number) => dur[a] - dur[b] || a - b;
    const extra = this.delta.filter((r) => r < rows && !Number.isNaN(dur[r])).sort(byDuration);
    const { order, moved } = this;
    let j = 0;
    for (let i = 0; i < order.length; i++) {
      const r = order[i];
      if (r < moved.length && moved[r] === 1) continue;
      while (j < extra.length && byDuration(extra[j], r) < 0) if (!visit(extra[j++])) return;
      if (!visit(r)) return;
    }
    while (j < extra.length) if (!visit(extra[j++])) return;
  }

  private build(dur: Float64Array, rows: number): void {
    let count = 0;
    for (let r = 0; r < rows; r++) if (!Number.isNaN(dur[r])) count++;
    const order = new Int32Array(count);
    let k = 0;
    for (let r = 0; r < rows; r++) if (!Number.isNaN(dur[r])) order[k++] = r;
    order.sort((a, b) => dur[a] - dur[b] || a - b);
    this.order = order;
    this.moved = new Uint8Array(rows);
    this.delta = [];
    this.built = true;
  }
}
