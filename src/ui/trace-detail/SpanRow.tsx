import { memo } from 'react';
import { spanTypeClass, spanTypeLabel } from './span-type-badge.ts';
import { formatDuration } from './format.ts';

export interface SpanRowProps {
  index: number;
  name: string;
  type: string;
  depth: number;
  error: boolean;
  hasChildren: boolean;
  expanded: boolean;
  selected: boolean;
  match: boolean;
  /** Bar position and width as fractions of the trace duration. */
  left: number;
  width: number;
  durationMs: number | null;
  top: number;
  height: number;
  onSelect: (index: number) => void;
  onToggle: (index: number) => void;
}

// Deep traces would push names off-screen; past this depth the indent stops growing and the
// depth is written out instead.
const MAX_INDENT_DEPTH = 24;

/** One row of the virtualized span tree. Takes primitives only, so unrelated changes don't re-render it. */
export const SpanRow = memo(function SpanRow(props: SpanRowProps) {
  const {
    index,
    name,
    type,
    depth,
    error,
    hasChildren,
    expanded,
    selected,
    match,
    left,
    width,
    durationMs,
    top,
    height,
    onSelect,
    onToggle,
  } = props;
  const indent = Math.min(depth, MAX_INDENT_DEPTH) * 14;
  return (
    <div
      role="treeitem"
      id={`span-row-${index}`}
      aria-level={depth + 1}
      aria-selected={selected}
      aria-expanded={hasChildren ? expanded : undefined}
      className={`span-row${selected ? ' is-selected' : ''}${error ? ' is-error' : ''}${match ? ' is-match' : ''}`}
      style={{ transform: `translateY(${top}px)`, height }}
      onClick={() => onSelect(index)}
    >
      <div className="span-row-name" style={{ paddingLeft: indent + 4 }}>
        {depth > MAX_INDENT_DEPTH && <span className="span-depth">{depth}</span>}
        {hasChildren ? (
          <button
            type="button"
            tabIndex={-1}
            className="span-toggle"
            aria-label={expanded ? 'Collapse' : 'Expand'}
            onClick={(event) => {
              event.stopPropagation();
              onToggle(index);
            }}
          >
            {expanded ? '▾' : '▸'}
          </button>
        ) : (
          <span className="span-toggle-spacer" />
        )}
        <span className={`span-type ${spanTypeClass(type)}`} title={type} aria-label={`type ${type}`}>
          {spanTypeLabel(type)}
        </span>
        {error && (
          <span className="span-error-mark" aria-label="error" title="error">
            !
          </span>
        )}
        <span className="span-name">{name || '(unnamed)'}</span>
      </div>
      <div className="span-row-timeline" aria-hidden="true">
        <div className="span-bar" style={{ left: `${left * 100}%`, width: `max(2px, ${width * 100}%)` }} />
      </div>
      <div className="span-row-duration">{formatDuration(durationMs)}</div>
    </div>
  );
});
