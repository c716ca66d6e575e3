// The spans-per-trace cap, checked at the edge before a write: one runaway trace (a loop that
// logs a span per iteration) must not grow without bound, since every read of it (GetTrace, the
// explorer) loads it whole. Both span-writing routes use it: OTLP (partial success) and the
// traces.json upload (400).
import type { SpanRecord } from '../storage/span-record.ts';
import type { TraceStore } from '../storage/trace-store.ts';

/**
 * 100,000: the largest trace the explorer is built to open (issue 14), about 7 MiB of span JSON
 * and a 34 MiB GetTrace body. Real agent traces have hundreds to a few thousand spans.
 */
export const DEFAULT_MAX_SPANS_PER_TRACE = 100_000;

export interface Admission {
  admitted: SpanRecord[];
  /** Spans refused because their trace is at the cap. */
  refused: number;
  /** Why, naming the first trace that hit the cap; empty when nothing was refused. */
  message: string;
  /** Per trace, the spans this admission reserved (release them once the write settles). */
  reserved: Map<string, number>;
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
   * A re-sent span counts as new, so a trace at the cap refuses it (its stored copy stays).
   */
  async admit(spans: SpanRecord[]): Promise<Admission> {
    const ids = [...new Set(spans.map((s) => s.traceId))];
    const before = ids.map((id) => this.admitting.get(id)).filter((p) => p !== undefined);
    let done = () => {};
    const mine = new Promise<void>((resolve) => (done = resolve));
    for (const id of ids) this.admitting.set(id, mine);
    try {
      await Promise.all(before);
      return await this.admitInTurn(ids, spans);
    } finally {
      done();
      for (const id of ids) if (this.admitting.get(id) === mine) this.admitting.delete(id);
    }
  }

  private async admitInTurn(ids: string[], spans: SpanRecord[]): Promise<Admission> {
    // Pending is read before the stored counts: a write that commits in between is then counted
    // twice (refusing early near the cap), never missed.
    const pendingBefore = new Map(ids.map((id) => [id, this.pending.get(id) ?? 0]));
    const stored = await this.store.spanCounts(ids);
    const used = new Map(ids.map((id) => [id, (stored.get(id) ?? 0) + (pendingBefore.get(id) ?? 0)]));
    const admitted: SpanRecord[] = [];
    const reserved = new Map<string, number>();
    let refused = 0;
    let firstFull: string | undefined;
    for (const span of spans) {
      const n = used.get(span.traceId) ?? 0;
      if (n >= this.max) {
        refused++;
        firstFull ??= span.traceId;
        continue;
      }
      used.set(span.traceId, n + 1);
      reserved.set(span.traceId, (reserved.get(span.traceId) ?? 0) + 1);
      admitted.push(span);
    }
    for (const [id, n] of reserved) this.pending.set(id, (this.pending.get(id) ?? 0) + n);
    const message =
      firstFull === undefined
        ? ''
        : `${refused} span(s) refused: trace '${firstFull}' reached the limit of ${this.max} spans per trace (--max-spans-per-trace).`;
    return { admitted, refused, message, reserved };
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
