import { useQuery } from '@tanstack/react-query';
import { traceQueries } from '../api/trace-queries.ts';

/** The server's count of all matching traces (not the loaded rows); "at least" when capped. */
export function MatchCount({
  experimentId,
  filter,
  enabled,
}: {
  experimentId: string;
  filter: string;
  enabled: boolean;
}) {
  const { data, isPending, isError } = useQuery({ ...traceQueries.count(experimentId, filter), enabled });
  let text = '';
  if (!enabled) text = '';
  else if (isError) text = 'count unavailable';
  else if (isPending) text = 'counting…';
  else if (data)
    text = `${data.exact ? '' : 'at least '}${data.count.toLocaleString()} ${data.count === 1 ? 'trace' : 'traces'}`;
  return (
    <span className="match-count" role="status" aria-live="polite">
      {text}
    </span>
  );
}
