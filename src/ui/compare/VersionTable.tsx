import { navigate } from '../navigation.ts';
import { CONFIDENCE_LABEL } from './compare-requests.ts';
import { formatCount, formatMs, formatPercent } from './format.ts';
import type { VersionRow } from './version-rows.ts';
import { ThumbIcon } from '../components/ThumbIcon.tsx';

export interface VersionTableProps {
  rows: readonly VersionRow[];
  keyLabel: string;
  colorOf: (version: string) => string;
  baseline: string | undefined;
  candidate: string | undefined;
  /** The highlighted version, if any. */
  highlight?: string;
  /** Highlights a version (or, for the highlighted one, clears the highlight). */
  onVersionClick: (version: string) => void;
  /** The Traces tab's link for one version under this filter and time range. */
  tracesHrefFor: (version: string) => string;
}

function latencyCell(row: VersionRow, p: 50 | 95 | 99) {
  const estimate = row.latency[p];
  if (!estimate) return '—';
  const bounds =
    estimate.low !== undefined && estimate.high !== undefined
      ? ` (${formatMs(estimate.low)}–${formatMs(estimate.high)})`
      : '';
  return (
    <>
      {formatMs(estimate.value)}
      {bounds && <span className="muted">{bounds}</span>}
    </>
  );
}

/** The per-version numbers, also the text alternative of the bar charts. */
export function VersionTable({
  rows,
  keyLabel,
  colorOf,
  baseline,
  candidate,
  highlight,
  onVersionClick,
  tracesHrefFor,
}: VersionTableProps) {
  return (
    <table className="version-table" id="version-table">
      <caption>
        Per {keyLabel}: all matching traces. Error-rate intervals are 95% (Wilson); latency bounds are{' '}
        {CONFIDENCE_LABEL} (exact, distribution-free).
      </caption>
      <thead>
        <tr>
          <th scope="col">{keyLabel}</th>
          <th scope="col" className="num">
            Traces
          </th>
          <th scope="col" className="num">
            Errors
          </th>
          <th scope="col" className="num">
            Error rate (95% CI)
          </th>
          <th scope="col" className="num">
            p50
          </th>
          <th scope="col" className="num">
            p95 ({CONFIDENCE_LABEL} bounds)
          </th>
          <th scope="col" className="num">
            p99
          </th>
          <th scope="col" className="num" aria-label="Thumbs-up share">
            <ThumbIcon /> share
          </th>
          <th scope="col">
            <span className="visually-hidden">Traces link</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr
            key={row.version}
            data-version={row.version}
            className={row.version === highlight ? 'is-highlighted' : undefined}
          >
            <th scope="row">
              <span className="swatch" style={{ background: colorOf(row.version) }} aria-hidden="true" />
              <button
                type="button"
                className="link-button"
                aria-pressed={row.version === highlight}
                onClick={() => onVersionClick(row.version)}
                title={row.version === highlight ? 'Clear the highlight' : `Highlight ${keyLabel} ${row.version}`}
              >
                {row.version}
              </button>
              {row.version === baseline && <span className="role-badge">baseline</span>}
              {row.version === candidate && <span className="role-badge">candidate</span>}
            </th>
            <td className="num">{formatCount(row.count)}</td>
            <td className="num">{formatCount(row.errors)}</td>
            <td className="num">
              {formatPercent(row.errorRate?.estimate)}
              {row.errorRate && (
                <span className="muted">
                  {' '}
                  ({formatPercent(row.errorRate.low)}–{formatPercent(row.errorRate.high)})
                </span>
              )}
            </td>
            <td className="num">{latencyCell(row, 50)}</td>
            <td className="num">{latencyCell(row, 95)}</td>
            <td className="num">{latencyCell(row, 99)}</td>
            <td className="num">
              {row.thumbsUp === undefined ? <span className="muted">no feedback</span> : formatPercent(row.thumbsUp, 0)}
            </td>
            <td>
              <a
                href={tracesHrefFor(row.version)}
                aria-label={`Show traces of ${keyLabel} ${row.version}`}
                onClick={(event) => {
                  event.preventDefault();
                  navigate(tracesHrefFor(row.version));
                }}
              >
                Show traces
              </a>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
