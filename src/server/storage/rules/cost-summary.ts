// A group row's cost figures from its traces' costs (sorted ascending), the same on every engine:
// traces without a cost are left out, so a group none of whose traces has a cost shows no figures
// rather than a misleading 0.
import type { GroupSummary } from '../../../core/model.ts';
import { exactQuantile } from '../../../core/stats/quantile.ts';
import { roundCost } from './usage-sums.ts';

export function costSummary(
  sorted: Float64Array,
): Pick<GroupSummary, 'cost_total' | 'cost_count' | 'cost_p50' | 'cost_p95'> {
  if (sorted.length === 0) return { cost_total: null, cost_count: 0, cost_p50: null, cost_p95: null };
  let total = 0;
  for (const c of sorted) total += c;
  return {
    cost_total: roundCost(total),
    cost_count: sorted.length,
    cost_p50: exactQuantile(sorted, 0.5),
    cost_p95: exactQuantile(sorted, 0.95),
  };
}
