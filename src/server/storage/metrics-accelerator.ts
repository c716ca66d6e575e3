// The optional in-memory accelerator for metrics and group pages. A store may run without one
// (answers then come from SQL alone, and must be the same); when present it is fed only by the
// store's write hook (StoreChange after each COMMIT), never refreshed by hand.
import type { GroupValues } from './metrics-aggregate.ts';
import type { MetricsQuery } from './metrics-query.ts';
import type { StoreChange } from './store-change.ts';

export interface GroupPageInput {
  experimentIds: string[];
  kind: 'tag' | 'metadata';
  key: string;
  filter?: string;
  order: 'count' | 'recent';
  offset: number;
  limit: number;
}

export interface AcceleratorMemory {
  /** Bytes held by loaded group-by / filter dimensions (the part the cap bounds). */
  dimensionBytes: number;
  dimensions: number;
  /** Bytes of the per-trace base columns (experiment, time, duration, state, duration order). */
  baseBytes: number;
}

export interface MetricsAccelerator {
  /** The store's write hook: what one commit changed. */
  changed(change: StoreChange): void;
  /** TRACES-view groups, or undefined when only SQL can answer exactly. */
  tryQuery(query: MetricsQuery): GroupValues[] | undefined;
  /** ASSESSMENTS-view groups, or undefined when only SQL can answer exactly. */
  tryAssessments(query: MetricsQuery): GroupValues[] | undefined;
  /** A page of a key's values for the groups extension, or undefined for SQL. */
  groupPage(input: GroupPageInput): { values: string[]; hasMore: boolean } | undefined;
  memory(): AcceleratorMemory;
}

export interface AcceleratorOptions {
  /** Cap on loaded dimensions' memory; least recently used ones are dropped beyond it. Default 64 MiB. */
  maxDimensionBytes?: number;
}

export const DEFAULT_MAX_DIMENSION_BYTES = 64 * 1024 * 1024;
