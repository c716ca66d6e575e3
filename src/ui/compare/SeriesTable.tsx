import { formatTime } from './format.ts';
import type { VersionSeries } from './version-series.ts';

/** The numbers behind a trend chart, folded away: the chart's text alternative. */
export function SeriesTable({
  series,
  label,
  bucketSeconds,
  formatValue,
}: {
  series: VersionSeries;
  label: string;
  bucketSeconds: number;
  formatValue: (v: number) => string;
}) {
  if (series.points.length === 0) return null;
  return (
    <details className="series-table">
      <summary>{label} as a table</summary>
      <table>
        <thead>
          <tr>
            <th scope="col">Bucket start</th>
            {series.versions.map((v) => (
              <th scope="col" className="num" key={v}>
                {v}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {series.points.map((point) => (
            <tr key={point.t}>
              <th scope="row">{formatTime(point.t, bucketSeconds)}</th>
              {series.versions.map((v) => (
                <td className="num" key={v}>
                  {point.values[v] === undefined ? '—' : formatValue(point.values[v])}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
