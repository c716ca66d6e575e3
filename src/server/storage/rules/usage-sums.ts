// Token usage and cost of a trace: per-key sums over its spans, kept in trace metadata
// (mlflow.trace.tokenUsage, mlflow.trace.cost) as JSON objects of numbers. A re-sent span
// replaces its earlier contribution, so ingestion is idempotent.
import type { SpanRecord } from '../span-record.ts';

export type Sums = Record<string, number>;

/** The numbers of a stored sum or span attribute (JSON, possibly JSON inside a JSON string); bad text counts as empty. */
export function parseSums(text: string): Sums {
  try {
    let value: unknown = JSON.parse(text);
    if (typeof value === 'string') value = JSON.parse(value);
    const out: Sums = {};
    if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) if (typeof v === 'number') out[k] = v;
    }
    return out;
  } catch {
    return {};
  }
}

function add(into: Sums, delta: Sums, sign: 1 | -1): void {
  for (const [k, v] of Object.entries(delta)) into[k] = (into[k] ?? 0) + sign * v;
}

/**
 * Cost sums are floats (USD): re-sending a span subtracts and re-adds its cost, which leaves
 * binary noise (0.30000000000000004). Fifteen significant digits hold any real price sum and drop it.
 */
export function roundCost(n: number): number {
  return Number.isFinite(n) ? Number(n.toPrecision(15)) : n;
}

/** What a span already stored contributed: its raw usage and cost attribute text (null: none). */
export interface StoredContribution {
  usage: string | null;
  cost: string | null;
}

/** Per-key changes a span batch makes to the trace's sums (undefined: that sum is untouched). */
export interface SumDeltas {
  usage?: Sums;
  cost?: Sums;
}

/**
 * The deltas of a batch: each span adds its usage and cost and takes back what the same span
 * id contributed before: earlier in this batch, else in storage (`stored`, by span id; only
 * spans that exist are in it).
 */
export function sumDeltas(spans: readonly SpanRecord[], stored: ReadonlyMap<string, StoredContribution>): SumDeltas {
  const out: SumDeltas = {};
  const inBatch = new Map<string, SpanRecord>();
  for (const span of spans) {
    const derived = span.derived;
    const earlier = inBatch.get(span.spanId);
    const old = earlier ? undefined : stored.get(span.spanId);
    if (derived?.tokenUsage) {
      out.usage ??= {};
      if (earlier?.derived?.tokenUsage) add(out.usage, earlier.derived.tokenUsage, -1);
      else if (old?.usage) add(out.usage, parseSums(old.usage), -1);
      add(out.usage, derived.tokenUsage, 1);
    }
    if (derived?.cost) {
      out.cost ??= {};
      if (earlier?.derived?.cost) add(out.cost, earlier.derived.cost, -1);
      else if (old?.cost) add(out.cost, parseSums(old.cost), -1);
      add(out.cost, derived.cost, 1);
    }
    inBatch.set(span.spanId, span);
  }
  return out;
}

/** The new stored sum (JSON text) from the current one and a delta. */
export function addToSum(current: string | undefined, delta: Sums, round: (n: number) => number = (n) => n): string {
  const total = current ? parseSums(current) : {};
  add(total, delta, 1);
  for (const k of Object.keys(total)) total[k] = round(total[k]);
  return JSON.stringify(total);
}
