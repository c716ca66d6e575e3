import { useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ReferenceArea, Tooltip, XAxis, YAxis } from 'recharts';
import type { MouseHandlerDataParam } from 'recharts';
import { ChartFit } from '../charts/ChartFit.tsx';
import {
  axisLabel,
  axisPreset,
  CHART_HEIGHT,
  chartMargin,
  gridPreset,
  legendPreset,
  lineSeriesPreset,
  selectionPreset,
  tooltipPreset,
} from '../charts/chart-presets.ts';
import type { TimeWindow } from './compare-requests.ts';
import { formatTime, formatTimeTick } from './format.ts';
import type { SeriesPoint, VersionSeries } from './version-series.ts';

export interface TrendChartProps {
  series: VersionSeries;
  window: TimeWindow;
  yLabel: string;
  formatValue: (value: number) => string;
  /** Shorter form for axis ticks. */
  formatTick: (value: number) => string;
  colorOf: (version: string) => string;
  /** The highlighted version: the other lines fade. */
  highlight?: string;
  onVersionClick: (version: string) => void;
  /** Called with [from, to) in ms after the person drags across buckets. */
  onRangeSelect: (fromMs: number, toMs: number) => void;
  width?: number;
}

const pointIndex = (state: MouseHandlerDataParam): number | undefined => {
  const index = Number(state.activeTooltipIndex);
  return Number.isInteger(index) && index >= 0 ? index : undefined;
};

/** One line per version over time; drag across it to zoom the page's time range, click a legend entry to filter. */
export function TrendChart({
  series,
  window,
  yLabel,
  formatValue,
  formatTick,
  colorOf,
  highlight,
  onVersionClick,
  onRangeSelect,
  width,
}: TrendChartProps) {
  // The drag in progress: bucket indices where it started and where the pointer is now.
  const [drag, setDrag] = useState<{ from: number; to: number } | undefined>();
  const { points, versions } = series;
  if (points.length === 0) return <p className="chart-empty">No traces in this time range.</p>;

  const bucketMs = window.bucketSeconds * 1000;
  const finishDrag = () => {
    if (drag && drag.from !== drag.to) {
      const [a, b] = drag.from < drag.to ? [drag.from, drag.to] : [drag.to, drag.from];
      onRangeSelect(points[a].t, points[b].t + bucketMs);
    }
    setDrag(undefined);
  };

  return (
    <ChartFit width={width}>
      <LineChart
        data={points}
        width={width}
        height={CHART_HEIGHT}
        margin={chartMargin}
        accessibilityLayer
        title={`${yLabel} over time, one line per version`}
        desc={`${versions.length} versions over ${points.length} time buckets; the numbers are in the table below the chart.`}
        onMouseDown={(state) => {
          const index = pointIndex(state);
          if (index !== undefined) setDrag({ from: index, to: index });
        }}
        onMouseMove={(state) => {
          const index = pointIndex(state);
          if (drag && index !== undefined && index !== drag.to) setDrag({ ...drag, to: index });
        }}
        onMouseUp={finishDrag}
        onMouseLeave={() => setDrag(undefined)}
        style={{ cursor: 'crosshair', userSelect: 'none' }}
      >
        <CartesianGrid {...gridPreset} />
        <XAxis
          dataKey="t"
          type="number"
          scale="time"
          domain={[window.startMs, window.endMs]}
          {...axisPreset}
          tickFormatter={(t: number) => formatTimeTick(t, window.endMs - window.startMs)}
          label={axisLabel('Time', 'x')}
        />
        <YAxis {...axisPreset} tickFormatter={formatTick} label={axisLabel(yLabel, 'y')} width={64} />
        <Tooltip
          {...tooltipPreset}
          labelFormatter={(t) => formatTime(Number(t), window.bucketSeconds)}
          formatter={(value, name) => [formatValue(Number(value)), name]}
        />
        <Legend
          {...legendPreset}
          verticalAlign="top"
          height={24}
          onClick={(entry) => entry.value !== undefined && onVersionClick(entry.value)}
        />
        {versions.map((version) => (
          <Line
            key={version}
            {...lineSeriesPreset}
            name={version}
            stroke={colorOf(version)}
            strokeOpacity={highlight === undefined || highlight === version ? 1 : 0.3}
            dataKey={(p: SeriesPoint) => p.values[version]}
          />
        ))}
        {drag && drag.from !== drag.to && (
          <ReferenceArea x1={points[drag.from].t} x2={points[drag.to].t} {...selectionPreset} />
        )}
      </LineChart>
    </ChartFit>
  );
}
