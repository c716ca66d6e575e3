import { PRICE_TABLE_TAG, withOverride, type PriceTable } from '../../core/cost/price-table.ts';
import type { TraceStore } from '../storage/trace-store.ts';

/**
 * The price table for an experiment's spans: the default one with the experiment's
 * `trace_explorer.price_table` tag laid over it (an unknown experiment or a bad tag: the default).
 * Read per request, not cached, so a changed tag applies to the next batch (one primary-key read).
 */
export async function priceTableOf(store: TraceStore, experimentId: string): Promise<PriceTable> {
  const experiment = /^\d+$/.test(experimentId) ? await store.getExperiment(experimentId) : undefined;
  return withOverride(experiment?.tags?.find((t) => t.key === PRICE_TABLE_TAG)?.value).table;
}
