// Fills in `mlflow.llm.cost` for converted spans that have token usage and a known model but no
// cost of their own, as MLflow does at store time (docs/mlflow-contract.md §7.2). The cost is
// written into the span's attributes too, so a re-sent span takes back exactly what it added
// (rules/usage-sums.ts reads the stored attribute) and the trace's `mlflow.trace.cost` sum is the
// one number search order, group sums and metrics read.
import { costOf, type PriceTable } from '../../core/cost/price-table.ts';
import { SPAN_ATTRIBUTES } from '../../core/model.ts';
import type { SpanRecord } from '../storage/span-record.ts';

/** Whether a converted span would get a derived cost (so the caller looks up the price table only when needed). */
export function needsDerivedCost(span: SpanRecord): boolean {
  const d = span.derived;
  return d !== undefined && d.cost === undefined && d.tokenUsage !== undefined && d.model !== undefined;
}

/**
 * The span with a derived cost, or the span itself when none applies. `content` must be
 * convertOtlpSpan's text, whose attributes object is non-empty and closes the document.
 */
export function withDerivedCost(span: SpanRecord, table: PriceTable): SpanRecord {
  if (!needsDerivedCost(span)) return span;
  const cost = costOf(span.derived!.model!, span.derived!.tokenUsage!, table);
  if (!cost || !span.content.endsWith('}}')) return span;
  const attribute = `,${JSON.stringify(SPAN_ATTRIBUTES.cost)}:${JSON.stringify(JSON.stringify(cost))}}}`;
  return { ...span, content: span.content.slice(0, -2) + attribute, derived: { ...span.derived, cost: { ...cost } } };
}
