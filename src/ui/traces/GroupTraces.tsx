import { useEffect, useMemo, useState } from 'react';
import { andFilters, equalityClause, type ClauseField } from '../../core/filter-clause.ts';
import { TracesGrid } from './TracesGrid.tsx';
import { orderByFor, type SortSpec } from './traces-url.ts';
import { useTraceRows } from './useTraceRows.ts';
import { useFeedbackPreferences } from '../trace-detail/feedback-preferences-store.ts';
import { SearchStatus } from './SearchStatus.tsx';
import { ApiError } from '../api/http-client.ts';

/** The traces of one expanded group: the page's search with the group's clause ANDed. */
export function GroupTraces(props: {
  id: string;
  experimentId: string;
  serverFilter: string;
  field: ClauseField;
  value: string;
  count: number;
  sort: SortSpec;
  onSort: (sort: SortSpec) => void;
  openTraceId: string | null;
  onOpen: (traceId: string) => void;
  /** Reports the group's loaded trace ids in display order (the selection's shift ranges need them). */
  onRows: (value: string, ids: readonly string[]) => void;
}) {
  const { experimentId, serverFilter, field, value, sort, onRows } = props;
  // A value holding both quote characters cannot be written as a clause: its traces are not listed.
  const clause = equalityClause(field, value === '' ? null : value);
  const feedbackName = useFeedbackPreferences((s) => s.feedbackName);
  const params = useMemo(
    () => ({ experimentId, filter: andFilters(serverFilter, clause ?? ''), orderBy: orderByFor(sort, feedbackName) }),
    [experimentId, serverFilter, clause, sort, feedbackName],
  );
  const { query, rows } = useTraceRows(params, clause !== null);
  const [activeIndex, setActiveIndex] = useState(0);
  const ids = useMemo(() => rows.map((row) => row.id), [rows]);
  useEffect(() => onRows(value, ids), [onRows, value, ids]);
  const error = query.error
    ? query.error instanceof ApiError
      ? query.error
      : new ApiError(0, 'UNKNOWN', query.error.message)
    : null;
  return (
    <div id={props.id} className="group-traces">
      <TracesGrid
        label={`Traces where ${field.key} is ${value || 'not set'}`}
        idPrefix={`${props.id}-row`}
        rows={rows}
        total={props.count}
        sort={sort}
        onSort={props.onSort}
        activeIndex={activeIndex}
        onActiveIndexChange={setActiveIndex}
        openTraceId={props.openTraceId}
        onOpen={props.onOpen}
        hasNextPage={query.hasNextPage}
        isFetchingNextPage={query.isFetchingNextPage}
        fetchNextPage={() => void query.fetchNextPage()}
        nextPageError={query.isFetchNextPageError ? query.error.message : null}
        maxHeight={Math.min(12, Math.max(rows.length, 1)) * 34 + 40}
        emptyState={
          <SearchStatus
            filterMessage={
              clause === null ? 'this value holds both quote characters, which a filter cannot express.' : null
            }
            error={error}
            loading={query.isPending}
            hasFilter={false}
            onRetry={() => void query.refetch()}
            onClear={() => {}}
          />
        }
      />
    </div>
  );
}
