import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { groupQueries } from '../api/group-queries.ts';
import { ApiError } from '../api/http-client.ts';
import { groupField } from './group-field.ts';
import { GroupExport } from '../export/GroupExport.tsx';
import { GroupHeader } from './GroupHeader.tsx';
import { GroupTraces } from './GroupTraces.tsx';
import { SearchStatus } from './SearchStatus.tsx';
import { groupIdentifier, groupParam, type SortSpec, type TracesView } from './traces-url.ts';
import type { GroupSummary } from '../../core/model.ts';
import { useSelectionOrder } from '../bulk/useSelectionSync.ts';

const NO_GROUPS: readonly GroupSummary[] = [];

export interface GroupedTracesProps {
  experimentId: string;
  view: TracesView;
  serverFilter: string;
  filterOk: boolean;
  filterMessage: string | null;
  onOpen: (traceId: string) => void;
  onSort: (sort: SortSpec) => void;
}

/** Group rows with server aggregates; expanding one pages in its traces. Keyed by grouping so expansion resets. */
export function GroupedTraces(props: GroupedTracesProps) {
  return <GroupList key={`${groupParam(props.view.group)}|${props.serverFilter}`} {...props} />;
}

function GroupList({ experimentId, view, serverFilter, filterOk, filterMessage, onOpen, onSort }: GroupedTracesProps) {
  const groupBy = groupIdentifier(view.group) ?? '';
  const field = useMemo(() => groupField(view.group), [view.group]);
  const query = useInfiniteQuery({
    ...groupQueries.list({ experimentId, groupBy, filter: serverFilter, order: view.groupOrder }),
    enabled: filterOk && groupBy !== '',
  });
  const groups = useMemo(
    () => (query.data ? query.data.pages.flatMap((page) => page.groups) : NO_GROUPS),
    [query.data],
  );
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  // Each expanded group's loaded trace ids. Kept while its group is scrolled out of the (virtualized)
  // list, so a shift range still spans it; a collapsed group's entry is ignored below.
  const [groupRows, setGroupRows] = useState<ReadonlyMap<string, readonly string[]>>(new Map());
  const onGroupRows = useCallback(
    (value: string, ids: readonly string[]) =>
      setGroupRows((old) => (old.get(value) === ids ? old : new Map(old).set(value, ids))),
    [],
  );
  // Shift ranges run over the trace rows as displayed: expanded groups in list order, each group's rows in turn.
  const order = useMemo(
    () => groups.flatMap((group) => (expanded.has(group.value) ? (groupRows.get(group.value) ?? []) : [])),
    [groups, expanded, groupRows],
  );
  useSelectionOrder(order);
  const scrollRef = useRef<HTMLDivElement>(null);
  // useVirtualizer returns a mutable instance the React Compiler cannot memoise; this component
  // is not compiled, so the warning does not apply.
  // oxlint-disable-next-line react/incompatible-library
  const virtualizer = useVirtualizer({
    count: groups.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => 44,
    overscan: 4,
    getItemKey: (index) => groups[index]?.value ?? index,
  });
  const items = virtualizer.getVirtualItems();
  const last = items.length > 0 ? items[items.length - 1].index : -1;
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = query;
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && last >= groups.length - 10) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, last, groups.length, fetchNextPage]);

  if (groups.length === 0 || !field) {
    const error = query.error
      ? query.error instanceof ApiError
        ? query.error
        : new ApiError(0, 'UNKNOWN', query.error.message)
      : null;
    return (
      <div className="groups-empty">
        <SearchStatus
          filterMessage={filterMessage}
          error={error}
          loading={query.isPending && filterOk}
          hasFilter={false}
          onRetry={() => void query.refetch()}
          onClear={() => {}}
        />
      </div>
    );
  }
  const toggle = (value: string) =>
    setExpanded((old) => {
      const next = new Set(old);
      if (next.has(value)) next.delete(value);
      else next.add(value);
      return next;
    });
  return (
    <div ref={scrollRef} className="groups-scroll" role="region" aria-label={`Groups by ${field.key}`}>
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {items.map((item) => {
          const group = groups[item.index];
          const open = expanded.has(group.value);
          const bodyId = `group-${item.index}`;
          return (
            <div
              key={item.key}
              data-index={item.index}
              ref={virtualizer.measureElement}
              className="group"
              role="group"
              aria-label={`${field.key}: ${group.value || 'not set'}`}
              style={{ position: 'absolute', top: 0, left: 0, width: '100%', transform: `translateY(${item.start}px)` }}
            >
              <GroupHeader group={group} expanded={open} controls={bodyId} onToggle={() => toggle(group.value)} />
              <GroupExport experimentId={experimentId} serverFilter={serverFilter} field={field} value={group.value} />
              {open && (
                <GroupTraces
                  id={bodyId}
                  experimentId={experimentId}
                  serverFilter={serverFilter}
                  field={field}
                  value={group.value}
                  count={group.count}
                  sort={view.sort}
                  onSort={onSort}
                  openTraceId={view.trace}
                  onOpen={onOpen}
                  onRows={onGroupRows}
                />
              )}
            </div>
          );
        })}
      </div>
    </div>
  );
}
