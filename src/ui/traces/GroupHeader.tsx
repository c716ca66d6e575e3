import type { GroupSummary } from '../../core/model.ts';
import { formatLatency, formatTime } from './trace-row.ts';
import { ThumbIcon } from '../components/ThumbIcon.tsx';

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
      <span className="group-stat" aria-label={`${group.feedback_up} thumbs up, ${group.feedback_down} thumbs down`}>
        <ThumbIcon /> {group.feedback_up} <ThumbIcon down /> {group.feedback_down}
      </span>
      <span className="group-stat group-time">
        {formatTime(group.first_ms)} – {formatTime(group.last_ms)}
      </span>
    </button>
  );
}
