import type { GroupSummary } from '../../core/model.ts';
import { formatLatency, formatTime } from './trace-row.ts';
import { ThumbIcon } from '../components/ThumbIcon.tsx';
import { formatCost } from '../components/format-cost.ts';

/** Which traces the cost figures cover: only those with a known cost. */
function costTitle(group: GroupSummary): string {
  const n = group.cost_count ?? 0;
  return n === 0
    ? 'No trace in this group has a cost'
    : `Total over ${n.toLocaleString()} of ${group.count.toLocaleString()} traces with a cost; p95 ${formatCost(group.cost_p95)}`;
}

/** One group's aggregates over all its matching traces, as computed by the server. */
export function GroupHeader({
  group,
  expanded,
  controls,
  onToggle,
}: {
  group: GroupSummary;
  expanded: boolean;
  controls: string;
  onToggle: () => void;
}) {
  const errorPct = group.count > 0 ? (100 * group.error_count) / group.count : 0;
  const label = group.value === '' ? '(not set)' : group.value;
  return (
    <button type="button" className="group-header" aria-expanded={expanded} aria-controls={controls} onClick={onToggle}>
      <span aria-hidden="true" className="group-caret">
        {expanded ? '▾' : '▸'}
      </span>
      <span className="group-value mono ellipsis" title={label}>
        {label}
      </span>
      <span className="group-stat">
        <span className="label-text">traces</span> {group.count.toLocaleString()}
      </span>
      <span className={`group-stat${group.error_count > 0 ? ' has-errors' : ''}`}>
        <span className="label-text">errors</span> {errorPct.toFixed(errorPct > 0 && errorPct < 10 ? 1 : 0)}%
      </span>
      <span className="group-stat">
        <span className="label-text">p50</span> {formatLatency(group.p50_ms)}
      </span>
      <span className="group-stat">
        <span className="label-text">p95</span> {formatLatency(group.p95_ms)}
      </span>
      <span className="group-stat" title={costTitle(group)}>
        <span className="label-text">cost</span> {formatCost(group.cost_total)}
      </span>
      <span className="group-stat">
        <span className="label-text">cost p50</span> {formatCost(group.cost_p50)}
      </span>
      <span className="group-stat" aria-label={`${group.feedback_up} thumbs up, ${group.feedback_down} thumbs down`}>
        <ThumbIcon /> {group.feedback_up} <ThumbIcon down /> {group.feedback_down}
      </span>
      <span className="group-stat group-time">
        {formatTime(group.first_ms)} – {formatTime(group.last_ms)}
      </span>
    </button>
  );
}
