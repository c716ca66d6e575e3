import { PERCENTILES, type Percentile } from './compare-requests.ts';
import type { VersionRow } from './version-rows.ts';

// Pure mappings from per-version rows to the flat records Recharts plots. Error bars take
// [below, above] distances from the bar top, not absolute bounds.

export interface ErrorRateDatum {
  version: string;
  rate: number;
  ci: [number, number];
}

export function toErrorRateData(rows: readonly VersionRow[]): ErrorRateDatum[] {
  return rows.flatMap((row) =>
    row.errorRate
      ? [
          {
            version: row.version,
            rate: row.errorRate.estimate,
            ci: [row.errorRate.estimate - row.errorRate.low, row.errorRate.high - row.errorRate.estimate] as [
              number,
              number,
            ],
          },
        ]
      : [],
  );
}

export type LatencyDatum = { version: string } & Partial<Record<`p${Percentile}`, number>> &
  Partial<Record<`ci${Percentile}`, [number, number]>>;

export function toLatencyData(rows: readonly VersionRow[]): LatencyDatum[] {
  return rows.flatMap((row) => {
    const datum: LatencyDatum = { version: row.version };
    let any = false;
    for (const p of PERCENTILES) {
      const estimate = row.latency[p];
      if (!estimate) continue;
      any = true;
      datum[`p${p}`] = estimate.value;
      if (estimate.low !== undefined && estimate.high !== undefined) {
        datum[`ci${p}`] = [Math.max(0, estimate.value - estimate.low), Math.max(0, estimate.high - estimate.value)];
      }
    }
    return any ? [datum] : [];
  });
}
