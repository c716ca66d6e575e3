import type { ApiError } from '../api/http-client.ts';

/** What the table says instead of rows: loading, a filter that cannot run, a server problem, or nothing found. */
export function SearchStatus(props: {
  filterMessage: string | null;
  error: ApiError | null;
  loading: boolean;
  hasFilter: boolean;
  onRetry: () => void;
  onClear: () => void;
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
  return (
    <div role="status" className="search-status">
      No traces match.{' '}
      {props.hasFilter && (
        <button type="button" onClick={props.onClear}>
          Clear filter and time range
        </button>
      )}
    </div>
  );
}
