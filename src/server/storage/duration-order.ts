// The trace rows in ascending order of duration, kept beside the metrics columns so that exact
// percentiles need no sort per query. With the order at hand, the p-th percentile of every group
// is found in one pass: count each group's rows as they go by and note the value at the ranks the
// aggregation reads. The durations are stored in that order too, so the pass reads them
// sequentially; only the row's group is a random access.
//
// Writes must not re-sort a million rows: rows written since the last query are collected, and
// the next query merges them in (drop their old entries, merge the few sorted new ones), which
// is linear.

export interface SortedDurations {
  /** Rows with a duration (not NaN), ascending by duration, ties by row. */
  rows: Int32Array;
  /** Their durations, aligned with `rows`. */
  values: Float64Array;
}

export class DurationOrder {
  private sorted: SortedDurations = { rows: new Int32Array(0), values: new Float64Array(0) };
  private built = false;
  /** 1 for rows written since the last merge (their entries in `sorted`, if any, are outdated). */
  private moved = new Uint8Array(0);
  private pending: number[] = [];

  /** Forget everything: the columns were reloaded. */
  reset(): void {
    this.built = false;
    this.sorted = { rows: new Int32Array(0), values: new Float64Array(0) };
    this.moved = new Uint8Array(0);
    this.pending = [];
  }

  /** Bytes held (the accelerator's memory report). */
  bytes(): number {
    return (
      this.sorted.rows.byteLength + this.sorted.values.byteLength + this.moved.byteLength + this.pending.length * 8
    );
  }

  /** The row's duration was (re)written. */
  changed(row: number): void {
    if (!this.built) return;
    if (row >= this.moved.length) {
      const grown = new Uint8Array(Math.max(row + 1, this.moved.length * 2));
      grown.set(this.moved);
      this.moved = grown;
    }
    if (this.moved[row] === 1) return;
    this.moved[row] = 1;
    this.pending.push(row);
  }

  /** The order for the durations in `dur[0, rows)`: built on first use, then kept up to date. */
  current(dur: Float64Array, rows: number): SortedDurations {
    if (!this.built) this.build(dur, rows);
    else if (this.pending.length > 0) this.merge(dur, rows);
    return this.sorted;
  }

  private build(dur: Float64Array, rows: number): void {
    let count = 0;
    for (let r = 0; r < rows; r++) if (!Number.isNaN(dur[r])) count++;
    const order = new Int32Array(count);
    let k = 0;
    for (let r = 0; r < rows; r++) if (!Number.isNaN(dur[r])) order[k++] = r;
    order.sort((a, b) => dur[a] - dur[b] || a - b);
    const values = new Float64Array(count);
    for (let i = 0; i < count; i++) values[i] = dur[order[i]];
    this.sorted = { rows: order, values };
    this.moved = new Uint8Array(rows);
    this.pending = [];
    this.built = true;
  }

  private merge(dur: Float64Array, rows: number): void {
    const { moved } = this;
    const fresh = this.pending
      .filter((r) => r < rows && !Number.isNaN(dur[r]))
      .sort((a, b) => dur[a] - dur[b] || a - b);
    const old = this.sorted;
    let kept = 0;
    for (let i = 0; i < old.rows.length; i++) if (moved[old.rows[i]] !== 1) kept++;
    const order = new Int32Array(kept + fresh.length);
    const values = new Float64Array(kept + fresh.length);
    let k = 0;
    let j = 0;
    for (let i = 0; i < old.rows.length; i++) {
      const r = old.rows[i];
      if (moved[r] === 1) continue;
      const v = old.values[i];
      while (j < fresh.length && (dur[fresh[j]] < v || (dur[fresh[j]] === v && fresh[j] < r))) {
        order[k] = fresh[j];
        values[k++] = dur[fresh[j++]];
      }
      order[k] = r;
      values[k++] = v;
    }
    while (j < fresh.length) {
      order[k] = fresh[j];
      values[k++] = dur[fresh[j++]];
    }
    for (const r of this.pending) moved[r] = 0;
    this.pending = [];
    this.sorted = { rows: order, values };
  }
}
