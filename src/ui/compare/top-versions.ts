import { compareVersions } from './dimension-value.ts';
import type { VersionRow } from './version-rows.ts';
import type { VersionSeries } from './version-series.ts';

// A key such as deployment_id or region can have dozens of values; past about ten bars or lines
// a chart stops being readable (and the palette repeats), so charts show the values with the
// most traces while the table keeps every row.
export const MAX_CHART_VERSIONS = 10;

/** The `max` rows with the most traces, back in natural version order. */
export function topVersions(rows: readonly VersionRow[], max = MAX_CHART_VERSIONS): readonly VersionRow[] {
  if (rows.length <= max) return rows;
  return [...rows]
    .sort((a, b) => b.count - a.count || compareVersions(a.version, b.version))
    .slice(0, max)
    .sort((a, b) => compareVersions(a.version, b.version));
}

/** A series restricted to the given versions (the points keep their other values; only drawn lines change). */
export function onlyVersions(series: VersionSeries, versions: readonly string[]): VersionSeries {
  const keep = new Set(versions);
  return { ...series, versions: series.versions.filter((v) => keep.has(v)) };
}
