// The optional in-memory accelerator for metrics and group pages. A store may run without one
// (answers then come from SQL alone, and must be the same); when present it is fed only by the
// store's write hook (SQLite: StoreChange after each COMMIT) or by catching up from the database
// before each answer (PostgreSQL: metrics-source.ts), never refreshed by hand. Every call answers
// undefined while a column it needs is not loaded (they load in the background): callers then use SQL.
import type { CheckedFilter } from '../../core/filter/check-filter.ts';
import type { GroupSummary, GroupsResponse } from '../../core/model.ts';
import { toDataPoints, type GroupValues } from './metrics-aggregate.ts';
import type { MetricDataPoint, MetricsQuery } from './metrics-query.ts';
import type { StoreChange } from './store-change.ts';
import { groupsPageToken } from './group-summaries.ts';
import type { GroupsQuery } from './trace-store.ts';

export interface GroupPageInput {
  experimentIds: number[];
  kind: 'tag' | 'metadata';
  key: string;
  filter?: CheckedFilter;
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
  tryQuery(query: MetricsQuery): Promise<GroupValues[] | undefined>;
  /** ASSESSMENTS-view groups, or undefined when only SQL can answer exactly. */
  tryAssessments(query: MetricsQuery): Promise<GroupValues[] | undefined>;
  /** A page of the groups extension with each group's summary (group-summaries.ts), or undefined when only SQL can answer. */
  groupSummaries(input: GroupPageInput): Promise<{ groups: GroupSummary[]; hasMore: boolean } | undefined>;
  memory(): AcceleratorMemory;
  /** Resolves once nothing is left to load (base columns, dimensions asked for), starting it if needed (tests, benchmarks). */
  ready(): Promise<void>;
  /** Stops a background load; the store calls it before closing its connections. */
  close(): Promise<void>;
}

export interface AcceleratorOptions {
  /** Cap on loaded dimensions' memory; least recently used ones are dropped beyond it. Default 64 MiB. */
  maxDimensionBytes?: number;
}

export const DEFAULT_MAX_DIMENSION_BYTES = 64 * 1024 * 1024;

/** The accelerator's answer, or undefined when it cannot answer this query (SQL must). */
export async function acceleratedMetrics(
  accelerator: MetricsAccelerator | undefined,
  query: MetricsQuery,
): Promise<MetricDataPoint[] | undefined> {
  if (accelerator === undefined) return undefined;
  const fast = (await accelerator.tryQuery(query)) ?? (await accelerator.tryAssessments(query));
  return fast && toDataPoints(query, fast);
}

/**
 * A groups-extension page entirely from the columns (`query.experimentIds` active), or undefined when
 * only SQL can answer: both engines, so a page of large groups never costs a scan of their members in SQL.
 */
export async function acceleratedGroups(
  accelerator: MetricsAccelerator | undefined,
  query: GroupsQuery,
): Promise<GroupsResponse | undefined> {
  const page = await accelerator?.groupSummaries(groupPageInput(query));
  if (page === undefined) return undefined;
  const { groups, hasMore } = page;
  if (groups.length === 0) return { groups: [] };
  return { groups, ...(hasMore ? { next_page_token: groupsPageToken(query.offset + groups.length) } : {}) };
}

function groupPageInput(query: GroupsQuery): GroupPageInput {
  return {
    experimentIds: query.experimentIds,
    kind: query.groupBy.kind,
    key: query.groupBy.key,
    filter: query.filter,
    order: query.order,
    offset: query.offset,
    limit: query.maxResults,
  };
}
