import { useId, useState } from 'react';
import { RANGE_PRESETS, type RangePreset, type TimeRange } from '../shared-view-url.ts';

// One picker for the Traces and Compare tabs, which share the range through the URL. A custom
// window (typed here, or dragged on a Compare chart) shows as its dates.
const LABELS: Record<RangePreset | 'all' | 'custom', string> = {
  all: 'All time',
  '1h': 'Last hour',
  '24h': 'Last 24 hours',
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
  custom: 'Custom…',
};

/** `datetime-local` wants local wall time without a zone. */
function toLocalInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

const shortTime = (ms: number): string => toLocalInput(ms).replace('T', ' ');

export function TimeRangePicker({ value, onChange }: { value: TimeRange; onChange: (range: TimeRange) => void }) {
  const id = useId();
  const current = value.kind === 'last' ? value.preset : value.kind;
  const [customOpen, setCustomOpen] = useState(false);
  const [from, setFrom] = useState(() =>
    toLocalInput(value.kind === 'custom' ? value.fromMs : Date.now() - 86_400_000),
  );
  const [to, setTo] = useState(() => toLocalInput(value.kind === 'custom' ? value.toMs : Date.now()));
  const fromMs = Date.parse(from);
  const toMs = Date.parse(to);
  const customValid = Number.isFinite(fromMs) && Number.isFinite(toMs) && fromMs < toMs;
  return (
    <div className="time-range">
      <label htmlFor={id} className="label-text">
        Time range
      </label>
      <select
        id={id}
        value={customOpen ? 'custom' : current}
        onChange={(event) => {
          const next = event.target.value;
          if (next === 'custom') return setCustomOpen(true);
          setCustomOpen(false);
          onChange(next === 'all' ? { kind: 'all' } : { kind: 'last', preset: next as RangePreset });
        }}
      >
        <option value="all">{LABELS.all}</option>
        {RANGE_PRESETS.map((preset) => (
          <option key={preset} value={preset}>
            {LABELS[preset]}
          </option>
        ))}
        <option value="custom">
          {value.kind === 'custom' && !customOpen
            ? `${shortTime(value.fromMs)} – ${shortTime(value.toMs)}`
            : LABELS.custom}
        </option>
      </select>
      {customOpen && (
        <form
          className="custom-range"
          onSubmit={(event) => {
            event.preventDefault();
            if (!customValid) return;
            setCustomOpen(false);
            onChange({ kind: 'custom', fromMs, toMs });
          }}
        >
          <label>
            <span className="label-text">From</span>{' '}
            <input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} />
          </label>
          <label>
            <span className="label-text">To</span>{' '}
            <input type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} />
          </label>
          <button type="submit" disabled={!customValid}>
            Apply
          </button>
        </form>
      )}
    </div>
  );
}
