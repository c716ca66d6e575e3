import { useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import { metricsQueries } from '../api/metrics-queries.ts';
import { useServerFeatures } from '../api/useServerFeatures.ts';
import { formatCost } from '../components/format-cost.ts';
import type { Estimate } from '../../core/stats/version-verdict.ts';
import { CONFIDENCE_LABEL, type CompareScope } from './compare-requests.ts';
import { costRequest, toCostRows } from './cost-by-version.ts';
import { formatCount } from './format.ts';

function estimateCell(estimate: Estimate | undefined) {
  if (!estimate) return '—';
  return (
    <>
      {formatCost(estimate.value)}
      {estimate.low !== undefined && estimate.high !== undefined && (
        <span className="muted">
          {' '}
          ({formatCost(estimate.low)}–{formatCost(estimate.high)})
        </span>
      )}
    </>
  );
}

/**
 * Cost by version (the trace-explorer server's `total_cost` metric): total, mean and exact
 * percentiles per trace with the same distribution-free bounds as latency. Traces without a cost
 * (no priced model, no carried cost) are not counted, which the caption says.
 */
export function CostTable({
  scope,
  keyLabel,
  colorOf,
}: {
  scope: CompareScope;
  keyLabel: string;
  colorOf: (version: string) => string;
}) {
  const features = useServerFeatures();
  const query = useQuery({ ...metricsQueries.query(costRequest(scope)), enabled: features.has('metrics.cost') });
  const rows = useMemo(() => toCostRows(query.data, scope.dimension), [query.data, scope.dimension]);
  if (!features.has('metrics.cost')) return null;
  return (
    <table className="version-table cost-table" aria-busy={query.isFetching}>
      <caption>
        Cost per {keyLabel} (USD), over the traces that have a cost; percentile bounds are {CONFIDENCE_LABEL} (exact,
        distribution-free).
      </caption>
      <thead>
        <tr>
          <th scope="col">{keyLabel}</th>
          <th scope="col" className="num">
            Traces with cost
          </th>
          <th scope="col" className="num">
            Total cost
          </th>
          <th scope="col" className="num">
            Mean per trace
          </th>
          <th scope="col" className="num">
            p50 per trace
          </th>
          <th scope="col" className="num">
            p95 per trace
          </th>
        </tr>
      </thead>
      <tbody>
        {query.isError && (
          <tr>
            <td colSpan={6} role="alert">
              Could not load costs: {query.error.message}
            </td>
          </tr>
        )}
        {query.isSuccess && rows.length === 0 && (
          <tr>
            <td colSpan={6} className="muted">
              No matching trace has a cost.
            </td>
          </tr>
        )}
        {rows.map((row) => (
          <tr key={row.version} data-version={row.version}>
            <th scope="row">
              <span className="swatch" style={{ background: colorOf(row.version) }} aria-hidden="true" />
              {row.version}
            </th>
            <td className="num">{formatCount(row.traces)}</td>
            <td className="num">{formatCost(row.total)}</td>
            <td className="num">{formatCost(row.mean)}</td>
            <td className="num">{estimateCell(row.percentiles[50])}</td>
            <td className="num">{estimateCell(row.percentiles[95])}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
