import { compareErrorRates, compareLatency, LATENCY_MIN_RELATIVE_CHANGE } from '../../core/stats/version-verdict.ts';
import { CONFIDENCE_LABEL, PERCENTILES } from './compare-requests.ts';
import { formatMs, formatPercent, formatPoints, formatPValue, formatSignedMs } from './format.ts';
import { VerdictBadge } from './VerdictBadge.tsx';
import type { VersionRow } from './version-rows.ts';

export interface BaselineComparisonProps {
  rows: readonly VersionRow[];
  keyLabel: string;
  baseline: string;
  candidate: string;
  onChange: (change: { baseline?: string; candidate?: string }) => void;
}

function VersionSelect({
  label,
  value,
  rows,
  onChange,
}: {
  label: string;
  value: string;
  rows: readonly VersionRow[];
  onChange: (v: string) => void;
}) {
  return (
    <label className="field">
      <span className="label-text">{label}</span>
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        {rows.map((row) => (
          <option key={row.version} value={row.version}>
            {row.version}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Candidate against baseline: error-rate difference with a two-proportion test, percentile deltas with the server's bounds. */
export function BaselineComparison({ rows, keyLabel, baseline, candidate, onChange }: BaselineComparisonProps) {
  const base = rows.find((r) => r.version === baseline);
  const cand = rows.find((r) => r.version === candidate);
  const errors = base && cand ? compareErrorRates(base, cand) : undefined;
  const regressed =
    errors?.verdict === 'regression' ||
    PERCENTILES.some(
      (p) =>
        base?.latency[p] &&
        cand?.latency[p] &&
        compareLatency(base.latency[p], cand.latency[p]).verdict === 'regression',
    );

  return (
    <section className={`baseline-comparison${regressed ? ' has-regression' : ''}`} aria-labelledby="baseline-heading">
      <div className="baseline-controls">
        <h2 id="baseline-heading">Baseline vs candidate</h2>
        <VersionSelect
          label={`Baseline ${keyLabel}`}
          value={baseline}
          rows={rows}
          onChange={(v) => onChange({ baseline: v })}
        />
        <VersionSelect
          label={`Candidate ${keyLabel}`}
          value={candidate}
          rows={rows}
          onChange={(v) => onChange({ candidate: v })}
        />
      </div>
      {baseline === candidate ? (
        <p className="muted">Pick two different values to compare.</p>
      ) : (
        <table className="delta-table">
          <thead>
            <tr>
              <th scope="col">Measure</th>
              <th scope="col" className="num">
                {baseline}
              </th>
              <th scope="col" className="num">
                {candidate}
              </th>
              <th scope="col" className="num">
                Change
              </th>
              <th scope="col">Evidence</th>
              <th scope="col">Verdict</th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <th scope="row">Error rate</th>
              <td className="num">{formatPercent(base?.errorRate?.estimate)}</td>
              <td className="num">{formatPercent(cand?.errorRate?.estimate)}</td>
              <td className="num">{errors ? formatPoints(errors.test.difference) : '—'}</td>
              <td>
                {errors ? `two-proportion z = ${errors.test.z.toFixed(2)}, ${formatPValue(errors.test.pValue)}` : '—'}
              </td>
              <td>
                <VerdictBadge verdict={errors?.verdict ?? 'not-enough-data'} />
              </td>
            </tr>
            {PERCENTILES.map((p) => {
              const b = base?.latency[p];
              const c = cand?.latency[p];
              const delta = b && c ? compareLatency(b, c) : undefined;
              const hasBounds = (e: typeof b) => e?.low !== undefined && e.high !== undefined;
              const bounds = (e: typeof b) =>
                e && hasBounds(e) ? `${formatMs(e.low)}–${formatMs(e.high)}` : 'no bounds';
              // The server omits bounds when there are too few traces for an exact interval at this percentile.
              const evidence =
                !b || !c
                  ? '—'
                  : delta?.difference
                    ? `${CONFIDENCE_LABEL} bounds ${bounds(b)} vs ${bounds(c)}: change between ${formatSignedMs(delta.difference.low)} and ${formatSignedMs(delta.difference.high)}`
                    : hasBounds(b) || hasBounds(c)
                      ? `${CONFIDENCE_LABEL} bounds ${bounds(b)} vs ${bounds(c)}`
                      : `too few traces for ${CONFIDENCE_LABEL} bounds`;
              return (
                <tr key={p}>
                  <th scope="row">Latency p{p}</th>
                  <td className="num">{formatMs(b?.value)}</td>
                  <td className="num">{formatMs(c?.value)}</td>
                  <td className="num">
                    {delta ? formatSignedMs(delta.delta) : '—'}
                    {delta?.relative !== undefined && (
                      <span className="muted">
                        {' '}
                        ({delta.relative >= 0 ? '+' : '−'}
                        {Math.abs(delta.relative * 100).toFixed(0)}%)
                      </span>
                    )}
                  </td>
                  <td>{evidence}</td>
                  <td>
                    <VerdictBadge verdict={delta?.verdict ?? 'not-enough-data'} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <p className="footnote muted">
        Error rates: two-sided two-proportion z-test, significant at p &lt; 0.05. Latency: exact distribution-free test
        on order-statistic bounds ({CONFIDENCE_LABEL} each, so a false alarm is at most 5% likely); a change is called
        only when the bounds rule out one smaller than {LATENCY_MIN_RELATIVE_CHANGE * 100}% of the baseline, otherwise
        there is not enough data to tell.
      </p>
    </section>
  );
}
