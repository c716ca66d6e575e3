// The spans-per-trace cap, checked at the edge before a write: one runaway trace (a loop that
// logs a span per iteration) must not grow without bound, since every read of it (GetTrace, the
// explorer) loads it whole. Both span-writing routes use it: OTLP (partial success) and the
// traces.json upload (400).
import type { SpanRecord } from '../storage/span-record.ts';
import type { TraceSpanCounts } from '../storage/packed-spans.ts';
import type { TraceStore } from '../storage/trace-store.ts';

/**
 * 100,000: the largest trace the explorer is built to open (issue 14), about 7 MiB of span JSON
 * and a 34 MiB GetTrace body. Real agent traces have hundreds to a few thousand spans.
 */
export const DEFAULT_MAX_SPANS_PER_TRACE = 100_000;

export interface Admission {
  /** Spans admitted. */
  admitted: number;
  /** Per trace with spans refused, how many of its spans (the first of the batch) are admitted. */
  limits: Map<string, number>;
  /** Spans refused because their trace is at the cap. */
  refused: number;
  /** Why, naming the first trace that hit the cap; empty when nothing was refused. */
  message: string;
  /** Per trace, the spans this admission reserved (release them once the write settles). */
  reserved: Map<string, number>;
}

/** How many spans of each trace a batch holds, in first-seen order. */
export function countByTrace(spans: readonly SpanRecord[]): TraceSpanCounts {
  const counts = new Map<string, number>();
  for (const span of spans) counts.set(span.traceId, (counts.get(span.traceId) ?? 0) + 1);
  return [...counts];
}

/** The spans an admission keeps: of each trace it limits, the first ones of the batch. */
export function admittedSpans(spans: SpanRecord[], admission: Admission): SpanRecord[] {
  if (admission.limits.size === 0) return spans;
  const kept = new Map<string, number>();
  return spans.filter((span) => {
    const limit = admission.limits.get(span.traceId);
    if (limit === undefined) return true;
    const n = kept.get(span.traceId) ?? 0;
    kept.set(span.traceId, n + 1);
    return n < limit;
  });
}

export class SpanCap {
  /** Spans admitted but not yet committed, per trace, so concurrent requests cannot overshoot together. */
  private readonly pending = new Map<string, number>();
  /**
   * The latest admission in progress per trace. Admissions of the same trace take turns: on PostgreSQL the
   * stored count is a network round trip, and two admissions reading it side by side would both see room.
   */
  private readonly admitting = new Map<string, Promise<void>>();
  readonly max: number;
  private readonly store: Pick<TraceStore, 'spanCounts'>;

  constructor(store: Pick<TraceStore, 'spanCounts'>, max: number) {
    this.store = store;
    this.max = max;
  }

  /**
   * Keeps each trace's spans while stored + pending + admitted stays within the cap, in batch order.
   * A re-sent span counts as new, so a trace at the cap refuses it (its stored copy stays). `traces`:
   * the batch's spans per trace, so a packed batch (never unpacked here) is admitted as a list of records is.
   */
  async admit(traces: TraceSpanCounts): Promise<Admission> {
    const ids = traces.map(([id]) => id);
    const before = ids.map((id) => this.admitting.get(id)).filter((p) => p !== undefined);
    let done = () => {};
    const mine = new Promise<void>((resolve) => (done = resolve));
    for (const id of ids) this.admitting.set(id, mine);
    try {
      await Promise.all(before);
      return await this.admitInTurn(ids, traces);
    } finally {
      done();
      for (const id of ids) if (this.admitting.get(id) === mine) this.admitting.delete(id);
    }
  }

  private async admitInTurn(ids: string[], traces: TraceSpanCounts): Promise<Admission> {
    // Pending is read before the stored counts: a write that commits in between is then counted
    // twice (refusing early near the cap), never missed.
    const pendingBefore = new Map(ids.map((id) => [id, this.pending.get(id) ?? 0]));
    const stored = await this.store.spanCounts(ids);
    const limits = new Map<string, number>();
    const reserved = new Map<string, number>();
    let admitted = 0;
    let refused = 0;
    let firstFull: string | undefined;
    for (const [id, count] of traces) {
      const room = Math.max(0, this.max - (stored.get(id) ?? 0) - (pendingBefore.get(id) ?? 0));
      const kept = Math.min(count, room);
      if (kept < count) {
        limits.set(id, kept);
        refused += count - kept;
        firstFull ??= id;
      }
      if (kept > 0) reserved.set(id, kept);
      admitted += kept;
    }
    for (const [id, n] of reserved) this.pending.set(id, (this.pending.get(id) ?? 0) + n);
    const message =
      firstFull === undefined
        ? ''
        : `${refused} span(s) refused: trace '${firstFull}' reached the limit of ${this.max} spans per trace (--max-spans-per-trace).`;
    return { admitted, limits, refused, message, reserved };
  }

  /** Ends an admission's reservation, after its write committed or failed. */
  release(admission: Admission): void {
    for (const [id, n] of admission.reserved) {
      const left = (this.pending.get(id) ?? 0) - n;
      if (left > 0) this.pending.set(id, left);
      else this.pending.delete(id);
    }
  }
}
