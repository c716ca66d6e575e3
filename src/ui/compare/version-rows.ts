import type { Estimate } from '../../core/stats/version-verdict.ts';
import { wilsonInterval, type Interval } from '../../core/stats/proportion.ts';
import { percentileKey, type MetricsResponse } from '../../core/stats/trace-metrics-wire.ts';
import { ASSESSMENT_NAME, PERCENTILES, TRACE_STATUS, type Percentile } from './compare-requests.ts';
import { compareVersions, dimensionValue } from './dimension-value.ts';

export interface VersionRow {
  version: string;
  count: number;
  errors: number;
  /** Wilson 95% interval of errors / count. */
  errorRate: Interval | undefined;
  latency: Partial<Record<Percentile, Estimate>>;
  /** Share of 👍 among boolean feedback of the chosen name; undefined when there is none. */
  thumbsUp: number | undefined;
}

export interface VersionRowsInput {
  dimension: string;
  counts: MetricsResponse | undefined;
  latency: MetricsResponse | undefined;
  feedback: MetricsResponse | undefined;
  feedbackName: string;
}

const finite = (value: number | null | undefined): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

/** Joins the three per-version answers into one row per version, in natural version order. */
export function toVersionRows({ dimension, counts, latency, feedback, feedbackName }: VersionRowsInput): VersionRow[] {
  const rows = new Map<string, VersionRow>();
  const row = (version: string): VersionRow => {
    let existing = rows.get(version);
    if (!existing) {
      existing = { version, count: 0, errors: 0, errorRate: undefined, latency: {}, thumbsUp: undefined };
      rows.set(version, existing);
    }
    return existing;
  };

  for (const point of counts?.data_points ?? []) {
    const version = dimensionValue(point, dimension);
    const count = finite(point.values.COUNT);
    if (version === undefined || count === undefined) continue;
    const target = row(version);
    target.count += count;
    if (point.dimensions[TRACE_STATUS] === 'ERROR') target.errors += count;
  }
  for (const point of latency?.data_points ?? []) {
    const version = dimensionValue(point, dimension);
    if (version === undefined) continue;
    const target = row(version);
    for (const p of PERCENTILES) {
      const key = percentileKey(p);
      const value = finite(point.values[key]);
      if (value === undefined) continue;
      target.latency[p] = { value, low: finite(point.values[`${key}_LOW`]), high: finite(point.values[`${key}_HIGH`]) };
    }
  }
  for (const point of feedback?.data_points ?? []) {
    if (point.dimensions[ASSESSMENT_NAME] !== feedbackName) continue;
    const version = dimensionValue(point, dimension);
    const share = finite(point.values.AVG);
    // Feedback on a version with no matching traces cannot happen under one filter; skip it
    // rather than inventing a row with zero traces.
    if (version === undefined || share === undefined || !rows.has(version)) continue;
    row(version).thumbsUp = share;
  }
  for (const target of rows.values()) target.errorRate = wilsonInterval(target.errors, target.count);
  return [...rows.values()].sort((a, b) => compareVersions(a.version, b.version));
}
