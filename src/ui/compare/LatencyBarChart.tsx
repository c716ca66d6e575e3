import { Bar, BarChart, CartesianGrid, Cell, ErrorBar, Legend, Tooltip, XAxis, YAxis } from 'recharts';
import { ChartFit } from '../charts/ChartFit.tsx';
import {
  axisLabel,
  axisPreset,
  barPreset,
  CHART_HEIGHT,
  chartMargin,
  errorBarPreset,
  gridPreset,
  legendPreset,
  tooltipPreset,
} from '../charts/chart-presets.ts';
import { toLatencyData } from './chart-data.ts';
import { PERCENTILES } from './compare-requests.ts';
import { fade, type VersionBarChartProps } from './ErrorRateBarChart.tsx';
import { formatMs, formatMsTick } from './format.ts';

// Percentiles are told apart by opacity, not hue, so that hue keeps meaning "version" on the page.
const OPACITY = { 50: 0.4, 95: 0.7, 99: 1 } as const;

/** p50/p95/p99 per version, with the server's confidence bounds as error bars where it sent them. */
export function LatencyBarChart({ rows, keyLabel, colorOf, highlight, onVersionClick, width }: VersionBarChartProps) {
  const data = toLatencyData(rows);
  if (data.length === 0) return <p className="chart-empty">No latency to show.</p>;
  return (
    <ChartFit width={width}>
      <BarChart
        data={data}
        width={width}
        height={CHART_HEIGHT}
        margin={chartMargin}
        accessibilityLayer
        title={`Latency by ${keyLabel}, p50, p95 and p99 bar chart`}
        desc={`${data.map((d) => `${d.version}: p50 ${formatMs(d.p50)}, p95 ${formatMs(d.p95)}, p99 ${formatMs(d.p99)}`).join('; ')}. The table "Per ${keyLabel}" below lists every value with its bounds.`}
      >
        <CartesianGrid {...gridPreset} />
        <XAxis dataKey="version" {...axisPreset} label={axisLabel(keyLabel, 'x')} />
        <YAxis {...axisPreset} tickFormatter={formatMsTick} label={axisLabel('Latency', 'y')} width={64} />
        <Tooltip {...tooltipPreset} formatter={(value, name) => [formatMs(Number(value)), name]} />
        <Legend
          {...legendPreset}
          verticalAlign="top"
          height={24}
          wrapperStyle={{ ...legendPreset.wrapperStyle, cursor: 'default' }}
        />
        {PERCENTILES.map((p) => (
          <Bar
            key={p}
            {...barPreset}
            dataKey={`p${p}`}
            name={`p${p}`}
            fill="var(--text-muted)"
            fillOpacity={OPACITY[p]}
            onClick={(_, index) => onVersionClick(data[index].version)}
          >
            {data.map((d) => (
              <Cell key={d.version} fill={colorOf(d.version)} fillOpacity={OPACITY[p] * fade(highlight, d.version)} />
            ))}
            <ErrorBar dataKey={`ci${p}`} {...errorBarPreset} />
          </Bar>
        ))}
      </BarChart>
    </ChartFit>
  );
}
