import type { Diagnostic } from '../../core/filter/index.ts';
import type { ApiError } from '../api/http-client.ts';

/** Why a search may have found nothing, with the fixed filter text for each reason that has one. */
export interface EmptyReasons {
  /** Near misses in the applied filter (explainFilter's warnings). */
  hints: readonly Diagnostic[];
  filter: string;
  /** The time range in words when one restricts the search, e.g. "Last 24 hours". */
  rangeLabel: string | null;
  onApply: (filter: string) => void;
  onAllTime: () => void;
  /** The experiment searched: with no filter and no time range, an empty answer means it has no traces yet. */
  experimentId: string;
}

/** What the table says instead of rows: loading, a filter that cannot run, a server problem, or nothing found. */
export function SearchStatus(props: {
  filterMessage: string | null;
  error: ApiError | null;
  loading: boolean;
  hasFilter: boolean;
  onRetry: () => void;
  onClear: () => void;
  empty?: EmptyReasons;
}) {
  if (props.filterMessage) {
    return (
      <div role="alert" className="search-status error">
        <strong>This filter cannot run:</strong> {props.filterMessage}
      </div>
    );
  }
  if (props.error) {
    const rejected = props.error.status >= 400 && props.error.status < 500;
    return (
      <div role="alert" className="search-status error">
        {props.error.unreachable ? (
          <strong>The trace server could not be reached.</strong>
        ) : rejected ? (
          <>
            <strong>The server rejected the search:</strong> {props.error.message}
          </>
        ) : (
          <>
            <strong>The search failed:</strong> {props.error.message}
          </>
        )}{' '}
        {!rejected && (
          <button type="button" onClick={props.onRetry}>
            Retry
          </button>
        )}
      </div>
    );
  }
  if (props.loading)
    return (
      <div role="status" className="search-status">
        Loading traces…
      </div>
    );
  const empty = props.empty;
  if (empty && !props.hasFilter) return <NoTracesYet experimentId={empty.experimentId} />;
  const reasons = empty ? empty.hints.length + (empty.rangeLabel ? 1 : 0) : 0;
  return (
    <div role="status" className="search-status">
      No traces match.{' '}
      {props.hasFilter && (
        <button type="button" onClick={props.onClear}>
          Clear filter and time range
        </button>
      )}
      {empty && reasons > 0 && (
        <ul className="empty-reasons" aria-label="Why it might be empty">
          {empty.hints.map((hint) => {
            const fix = hint.fix;
            const fixed = fix ? empty.filter.slice(0, fix.from) + fix.insert + empty.filter.slice(fix.to) : null;
            return (
              <li key={`${hint.code}:${hint.from}`}>
                {hint.message}{' '}
                {fix && fixed !== null && (
                  <button type="button" className="search-fix" onClick={() => empty.onApply(fixed)}>
                    Fix: use {fix.insert.trim()}
                  </button>
                )}
              </li>
            );
          })}
          {empty.rangeLabel && (
            <li>
              Only traces from the time range ({empty.rangeLabel.toLowerCase()}) are searched.{' '}
              <button type="button" className="search-fix" onClick={empty.onAllTime}>
                Search all time
              </button>
            </li>
          )}
        </ul>
      )}
    </div>
  );
}

/** A new experiment (or a new server) is empty, not filtered away: say how to send its first traces. */
function NoTracesYet({ experimentId }: { experimentId: string }) {
  const origin = window.location.origin;
  return (
    <div role="status" className="search-status">
      <strong>No traces in this experiment yet.</strong> Send some with an MLflow SDK (tracking URI{' '}
      <code>{origin}</code>, experiment id <code>{experimentId}</code>) or any OpenTelemetry exporter (OTLP/HTTP to{' '}
      <code>{origin}/v1/traces</code> with the header <code>x-mlflow-experiment-id: {experimentId}</code>); they show
      here as they arrive while Live is on.
    </div>
  );
}
