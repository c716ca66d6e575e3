// One place for how charts look and behave; every chart spreads these presets so that the
// Compare page's charts read as one family and follow the theme (colours are CSS variables from
// theme.css, so dark mode needs no chart code).

/** Series colour by index: version i is the same colour in every chart, legend and table swatch. */
export const seriesColor = (index: number): string => `var(--series-${(index % 6) + 1})`;

export const CHART_HEIGHT = 220;

// Bottom room for the axis label under the ticks; left room for the rotated y label.
export const chartMargin = { top: 8, right: 16, bottom: 20, left: 12 };

// Horizontal lines only: values are read against the y axis, vertical lines add ink, not meaning.
export const gridPreset = { strokeDasharray: '3 3', stroke: 'var(--border)', vertical: false } as const;

export const axisPreset = {
  stroke: 'var(--border)',
  tick: { fill: 'var(--text-muted)', fontSize: 12 },
  tickLine: false,
} as const;

/** A visible axis title, as charts are read by people who did not build them. */
export const axisLabel = (value: string, axis: 'x' | 'y') =>
  axis === 'x'
    ? { value, position: 'insideBottom' as const, offset: -12, fill: 'var(--text-muted)', fontSize: 12 }
    : {
        value,
        angle: -90,
        position: 'insideLeft' as const,
        fill: 'var(--text-muted)',
        fontSize: 12,
        style: { textAnchor: 'middle' as const },
      };

export const tooltipPreset = {
  contentStyle: {
    background: 'var(--bg-raised)',
    border: '1px solid var(--border)',
    borderRadius: 6,
    color: 'var(--text)',
  },
  labelStyle: { color: 'var(--text)', fontWeight: 600 },
  cursor: { fill: 'var(--bg-hover)' },
  // The tooltip follows the pointer instantly: an easing tooltip lags behind fast scanning.
  isAnimationActive: false,
} as const;

// Charts redraw on every filter edit; animating each redraw makes the bars disagree with the
// table for half a second and costs frames on large series, so animation is off everywhere.
export const barPreset = {
  isAnimationActive: false,
  maxBarSize: 56,
  radius: [3, 3, 0, 0] as [number, number, number, number],
  cursor: 'pointer',
} as const;

export const lineSeriesPreset = {
  isAnimationActive: false,
  // Straight segments: a monotone/smooth curve invents values between buckets that were never measured.
  type: 'linear' as const,
  strokeWidth: 2,
  dot: false,
  activeDot: { r: 4 },
  // A bucket with no traces of a version is a gap, not a zero error rate.
  connectNulls: false,
} as const;

export const errorBarPreset = { stroke: 'var(--text)', strokeWidth: 1.5, width: 6 } as const;

export const legendPreset = {
  // The legend is clickable (it filters to that version), so it should look it.
  wrapperStyle: { fontSize: 12, cursor: 'pointer' },
} as const;

/** The translucent band drawn while selecting a span of time. */
export const selectionPreset = {
  fill: 'var(--accent)',
  fillOpacity: 0.12,
  stroke: 'var(--accent)',
  strokeOpacity: 0.5,
} as const;
