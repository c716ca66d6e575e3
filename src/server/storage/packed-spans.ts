// Spans packed for the trip from the thread that made them (an OTLP decode thread) to the one that
// stores them (SQLite's writer thread) without passing through the event loop's heap: serialized
// (v8's structured-clone format) in chunks of bounded size, each chunk its own ArrayBuffer, so the
// event loop only moves the buffers (postMessage transfers them, no copy) and the store unpacks one
// chunk at a time. docs/architecture.md, "Threads", explains the path.
import { deserialize, serialize } from 'node:v8';
import type { SpanRecord } from './span-record.ts';

/** A chunk holds at most this many spans… */
const CHUNK_SPANS = 2000;
/** …and at most about this much span JSON, so a chunk of large spans stays small too. */
const CHUNK_CONTENT_CHARS = 4 * 1024 * 1024;

export interface PackedSpans {
  /** Each a serialized SpanRecord[], in batch order. Detached once transferred. */
  chunks: ArrayBuffer[];
  count: number;
}

/** How many spans of each trace a batch holds, in the order the traces first appear. */
export type TraceSpanCounts = [traceId: string, spans: number][];

/** Collects spans and serializes them a chunk at a time, so only one chunk's records live at once. */
export class SpanPacker {
  private readonly chunks: ArrayBuffer[] = [];
  private pending: SpanRecord[] = [];
  private pendingChars = 0;
  private count = 0;
  private readonly perTrace = new Map<string, number>();

  add(span: SpanRecord): void {
    this.pending.push(span);
    this.pendingChars += span.content.length;
    this.count++;
    this.perTrace.set(span.traceId, (this.perTrace.get(span.traceId) ?? 0) + 1);
    if (this.pending.length >= CHUNK_SPANS || this.pendingChars >= CHUNK_CONTENT_CHARS) this.seal();
  }

  finish(): { spans: PackedSpans; traces: TraceSpanCounts } {
    this.seal();
    return { spans: { chunks: this.chunks, count: this.count }, traces: [...this.perTrace] };
  }

  private seal(): void {
    if (this.pending.length === 0) return;
    const bytes = serialize(this.pending);
    // A buffer of its own, so it can be transferred (v8 may hand back a view into a larger one).
    const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
    this.chunks.push(
      whole && bytes.buffer instanceof ArrayBuffer
        ? bytes.buffer
        : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
    );
    this.pending = [];
    this.pendingChars = 0;
  }
}

/**
 * The spans again, one chunk at a time, in batch order. `limits` caps the spans kept per trace (the
 * first ones of the batch, as the span cap admits them); a trace it does not name keeps all of its.
 */
export function* unpackSpans(packed: PackedSpans, limits?: ReadonlyMap<string, number>): Generator<SpanRecord[]> {
  const kept = new Map<string, number>();
  for (const chunk of packed.chunks) {
    let spans = deserialize(new Uint8Array(chunk)) as SpanRecord[];
    if (limits && limits.size > 0) {
      spans = spans.filter((span) => {
        const limit = limits.get(span.traceId);
        if (limit === undefined) return true;
        const n = kept.get(span.traceId) ?? 0;
        kept.set(span.traceId, n + 1);
        return n < limit;
      });
    }
    if (spans.length > 0) yield spans;
  }
}
