import type { KeyboardEvent } from 'react';
import { useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { SpanTree } from '../../core/span-tree.ts';
import { ancestorsOf, searchSpans, visibleRows } from '../../core/span-tree.ts';
import { SpanRow } from './SpanRow.tsx';
import { formatDuration } from './format.ts';

const ROW_HEIGHT = 26;

interface SpanTreeViewProps {
  tree: SpanTree;
  selected: number;
  onSelect: (index: number) => void;
}

/**
 * The span tree beside its timeline, virtualized so a 30,000-span trace keeps a few dozen rows
 * in the DOM. Search is deferred (useDeferredValue) so typing stays responsive on huge traces.
 */
export function SpanTreeView({ tree, selected, onSelect }: SpanTreeViewProps) {
  const [collapsed, setCollapsed] = useState<ReadonlySet<number>>(() => new Set());
  const [query, setQuery] = useState('');
  const deferredQuery = useDeferredValue(query);
  const search = useMemo(() => searchSpans(tree, deferredQuery), [tree, deferredQuery]);
  const searching = deferredQuery.trim() !== '';
  const rows = useMemo(
    () => (searching ? search.rows : visibleRows(tree, collapsed)),
    [searching, search, tree, collapsed],
  );
  const matchSet = useMemo(() => new Set(search.matches), [search]);

  const scrollRef = useRef<HTMLDivElement>(null);
  // The virtualizer's methods are read fresh each render and never passed to memoized children
  // (rows get primitives), so skipping React Compiler memoization here is intended.
  // oxlint-disable-next-line react/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    // Render the first rows in the same commit as the tree instead of waiting a frame for the
    // scroll box to be measured: on big traces that frame is the slowest of the open.
    initialRect: { width: 0, height: typeof window === 'undefined' ? 600 : window.innerHeight },
  });

  // When the window (or the splitter) shrinks the tree, the selected row can end up below the new bottom edge. Keep
  // it in view if it was in view before, read from the DOM so the order of resize observers does not matter; a row
  // the person had scrolled away from stays where it is.
  const selectedRow = useMemo(() => rows.indexOf(selected), [rows, selected]);
  const selectedPosition = useRef(selectedRow);
  useEffect(() => {
    selectedPosition.current = selectedRow;
  }, [selectedRow]);
  useEffect(() => {
    const element = scrollRef.current;
    if (!element || typeof ResizeObserver === 'undefined') return;
    let height = element.clientHeight;
    const observer = new ResizeObserver(() => {
      const before = height;
      height = element.clientHeight;
      const position = selectedPosition.current;
      if (position < 0 || height === before) return;
      const top = position * ROW_HEIGHT;
      const bottom = top + ROW_HEIGHT;
      const wasInView = top >= element.scrollTop && bottom <= element.scrollTop + before;
      if (wasInView && bottom > element.scrollTop + height) element.scrollTop = bottom - height;
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const toggle = useCallback((index: number) => {
    setCollapsed((prev) => {
      const next = new Set(prev);
      if (next.has(index)) next.delete(index);
      else next.add(index);
      return next;
    });
  }, []);

  const reveal = (index: number) => {
    // Expand the path to a span so it has a row, then scroll to that row.
    const path = ancestorsOf(tree, index);
    const hidden = path.filter((i) => collapsed.has(i));
    let nextRows = rows;
    if (hidden.length > 0 && !searching) {
      const next = new Set(collapsed);
      hidden.forEach((i) => next.delete(i));
      setCollapsed(next);
      nextRows = visibleRows(tree, next);
    }
    onSelect(index);
    const position = nextRows.indexOf(index);
    if (position >= 0) requestAnimationFrame(() => virtualizer.scrollToIndex(position, { align: 'auto' }));
  };

  const onKeyDown = (event: KeyboardEvent) => {
    const position = selectedRow;
    const node = tree.nodes[selected];
    let handled = true;
    if (event.key === 'ArrowDown' && position < rows.length - 1) reveal(rows[position + 1]);
    else if (event.key === 'ArrowUp' && position > 0) reveal(rows[position - 1]);
    else if (event.key === 'ArrowRight' && node && collapsed.has(selected)) toggle(selected);
    else if (event.key === 'ArrowLeft' && node && node.children.length > 0 && !collapsed.has(selected))
      toggle(selected);
    else if (event.key === 'ArrowLeft' && node && node.parent !== -1) reveal(node.parent);
    else if (event.key === 'Home' && rows.length > 0) reveal(rows[0]);
    else if (event.key === 'End' && rows.length > 0) reveal(rows[rows.length - 1]);
    else handled = false;
    if (handled) event.preventDefault();
  };

  const stepMatch = (delta: 1 | -1) => {
    if (search.matches.length === 0) return;
    const current = search.matches.indexOf(selected);
    const next =
      current === -1
        ? delta === 1
          ? 0
          : search.matches.length - 1
        : (current + delta + search.matches.length) % search.matches.length;
    reveal(search.matches[next]);
  };

  // Thirds, not quarters: the last label is right-aligned, and at the panel's usual width a quarter
  // tick's label ran into it.
  const ticks = [0, 1 / 3, 2 / 3, 1];
  return (
    <div className="span-tree">
      <div className="span-tree-toolbar">
        <input
          type="search"
          aria-label="Search spans"
          placeholder="Search spans by name or type"
          value={query}
          onChange={(event) => setQuery(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter') {
              event.preventDefault();
              stepMatch(event.shiftKey ? -1 : 1);
            }
          }}
        />
        {searching ? (
          <span className="td-muted" role="status">
            {search.matches.length.toLocaleString()} match{search.matches.length === 1 ? '' : 'es'}
            {search.matches.length > 0 && (
              <>
                {' '}
                <button type="button" className="td-small" onClick={() => stepMatch(-1)} aria-label="Previous match">
                  ↑
                </button>
                <button type="button" className="td-small" onClick={() => stepMatch(1)} aria-label="Next match">
                  ↓
                </button>
              </>
            )}
          </span>
        ) : (
          <span className="td-muted">
            {tree.nodes.length.toLocaleString()} span{tree.nodes.length === 1 ? '' : 's'}
            {tree.errorCount > 0 && (
              <span className="td-error-text"> · {tree.errorCount.toLocaleString()} with errors</span>
            )}
          </span>
        )}
        {!searching && (
          <span className="span-tree-actions">
            <button type="button" className="td-small" onClick={() => setCollapsed(new Set())}>
              Expand all
            </button>
            <button
              type="button"
              className="td-small"
              onClick={() =>
                setCollapsed(
                  new Set(tree.nodes.filter((n) => n.children.length > 0 && n.parent !== -1).map((n) => n.index)),
                )
              }
            >
              Collapse all
            </button>
          </span>
        )}
      </div>
      <div className="span-tree-axis" aria-hidden="true">
        <div className="span-row-name">Span</div>
        <div className="span-row-timeline">
          {ticks.map((t) => (
            <span key={t} className="span-tick" style={{ left: `${t * 100}%` }}>
              {formatDuration(tree.totalMs * t)}
            </span>
          ))}
        </div>
        <div className="span-row-duration">Duration</div>
      </div>
      <div
        ref={scrollRef}
        className="span-tree-scroll"
        role="tree"
        aria-label="Span tree"
        tabIndex={0}
        aria-activedescendant={selectedRow >= 0 ? `span-row-${selected}` : undefined}
        onKeyDown={onKeyDown}
      >
        {rows.length === 0 && (
          <p className="td-muted td-pad">{searching ? 'No span matches.' : 'This trace has no spans.'}</p>
        )}
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const node = tree.nodes[rows[item.index]];
            return (
              <SpanRow
                key={node.key}
                index={node.index}
                name={node.name}
                type={node.type}
                depth={node.depth}
                error={node.status === 'ERROR'}
                hasChildren={node.children.length > 0}
                expanded={searching || !collapsed.has(node.index)}
                selected={node.index === selected}
                match={searching && matchSet.has(node.index)}
                left={node.startMs / tree.totalMs}
                width={(node.durationMs ?? tree.totalMs - node.startMs) / tree.totalMs}
                durationMs={node.durationMs}
                top={item.start}
                height={item.size}
                onSelect={onSelect}
                onToggle={toggle}
              />
            );
          })}
        </div>
      </div>
    </div>
  );
}
