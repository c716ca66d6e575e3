import { seriesColor } from '../charts/chart-presets.ts';

/** Version → series colour, by position in the (naturally sorted) version list, shared by every chart and the table. */
export function versionColors(versions: readonly string[]): (version: string) => string {
  const index = new Map(versions.map((version, i) => [version, i]));
  return (version) => seriesColor(index.get(version) ?? index.size);
}
