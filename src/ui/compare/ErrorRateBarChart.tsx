import { Bar, BarChart, CartesianGrid, Cell, ErrorBar, Tooltip, XAxis, YAxis } from 'recharts';
import { ChartFit } from '../charts/ChartFit.tsx';
import {
  axisLabel,
  axisPreset,
  barPreset,
  CHART_HEIGHT,
  chartMargin,
  errorBarPreset,
  gridPreset,
  tooltipPreset,
} from '../charts/chart-presets.ts';
import { toErrorRateData } from './chart-data.ts';
import { formatPercent, formatPercentTick } from './format.ts';
import type { VersionRow } from './version-rows.ts';

/** Opacity of a version's marks: full unless another version is highlighted. */
export const fade = (highlight: string | undefined, version: string): number =>
  highlight === undefined || highlight === version ? 1 : 0.3;

export interface VersionBarChartProps {
  rows: readonly VersionRow[];
  keyLabel: string;
  colorOf: (version: string) => string;
  /** The highlighted version: the other bars fade. */
  highlight?: string;
  onVersionClick: (version: string) => void;
  /** Fixed width for tests; the page lets the chart fill its column. */
  width?: number;
}

/** Error rate per version with its Wilson 95% interval as an error bar; a bar click filters to that version. */
export function ErrorRateBarChart({ rows, keyLabel, colorOf, highlight, onVersionClick, width }: VersionBarChartProps) {
  const data = toErrorRateData(rows);
  if (data.length === 0) return <p className="chart-empty">No error rates to show.</p>;
  return (
    <ChartFit width={width}>
      <BarChart
        data={data}
        width={width}
        height={CHART_HEIGHT}
        margin={chartMargin}
        accessibilityLayer
        // The SVG's accessible name and description; the numbers are in the version table.
        title={`Error rate by ${keyLabel}, bar chart`}
        desc={`${data.map((d) => `${d.version}: ${formatPercent(d.rate)}`).join('; ')}. The table "Per ${keyLabel}" below lists every value with its interval.`}
      >
        <CartesianGrid {...gridPreset} />
        <XAxis dataKey="version" {...axisPreset} label={axisLabel(keyLabel, 'x')} />
        <YAxis {...axisPreset} tickFormatter={formatPercentTick} label={axisLabel('Error rate', 'y')} width={56} />
        <Tooltip {...tooltipPreset} formatter={(value) => [formatPercent(Number(value)), 'Error rate']} />
        <Bar
          {...barPreset}
          dataKey="rate"
          name="Error rate"
          onClick={(_, index) => onVersionClick(data[index].version)}
        >
          {data.map((d) => (
            <Cell key={d.version} fill={colorOf(d.version)} fillOpacity={fade(highlight, d.version)} />
          ))}
          <ErrorBar dataKey="ci" {...errorBarPreset} />
        </Bar>
      </BarChart>
    </ChartFit>
  );
}
