import { RANGE_PRESETS, type TimeRange } from '../shared-view-url.ts';
import { formatTime } from './format.ts';

const LABELS = { '1h': 'Last hour', '24h': 'Last 24 hours', '7d': 'Last 7 days', '30d': 'Last 30 days' } as const;

const valueOf = (range: TimeRange): string => (range.kind === 'last' ? range.preset : range.kind);

/** The shared time range; a custom window (set by dragging on a trend chart) shows as its own entry. */
export function RangePicker({ range, onChange }: { range: TimeRange; onChange: (range: TimeRange) => void }) {
  return (
    <label className="field">
      <span className="label-text">Time range</span>
      <select
        value={valueOf(range)}
        onChange={(e) => {
          const value = e.target.value;
          if (value === 'all') onChange({ kind: 'all' });
          else if ((RANGE_PRESETS as readonly string[]).includes(value)) onChange({ kind: 'last', preset: value as (typeof RANGE_PRESETS)[number] });
        }}
      >
        <option value="all">All time</option>
        {RANGE_PRESETS.map((preset) => (
          <option key={preset} value={preset}>
            {LABELS[preset]}
          </option>
        ))}
        {range.kind === 'custom' && (
          <option value="custom">
            {formatTime(range.fromMs, 60)} – {formatTime(range.toMs, 60)}
          </option>
        )}
      </select>
    </label>
  );
}
