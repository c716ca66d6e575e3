import { seriesColor } from '../charts/chart-presets.ts';
import { compareVersions } from './dimension-value.ts';

/**
 * Version → series colour, shared by every chart and the table swatches. Positions come from the
 * key's catalog values (independent of the filter) merged with the versions on screen, so that
 * narrowing the filter to one version does not repaint it in another colour.
 */
export function versionColors(
  catalogValues: readonly string[],
  versions: readonly string[],
): (version: string) => string {
  const order = [...new Set([...catalogValues, ...versions])].sort(compareVersions);
  const index = new Map(order.map((version, i) => [version, i]));
  return (version) => seriesColor(index.get(version) ?? index.size);
}
