import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render } from '@testing-library/react';
import { TrendChart } from './TrendChart.tsx';
import type { VersionSeries } from './version-series.ts';

const T0 = Date.parse('2026-01-01T10:00:00Z');
const series: VersionSeries = {
  versions: ['1.0.0', '1.1.0'],
  points: [0, 1, 2].map((i) => ({ t: T0 + i * 3_600_000, values: { '1.0.0': 0.1 * i, '1.1.0': 0.2 } })),
};
const window = { startMs: T0, endMs: T0 + 3 * 3_600_000, bucketSeconds: 3600 };
const noop = () => {};

describe('TrendChart', () => {
  it('draws a line per version and filters on a legend click', async () => {
    const onVersionClick = vi.fn<(version: string) => void>();
    const { container, getByText } = render(
      <TrendChart
        series={series}
        window={window}
        yLabel="Error rate"
        formatValue={String}
        formatTick={String}
        colorOf={() => 'var(--series-1)'}
        onVersionClick={onVersionClick}
        onRangeSelect={noop}
        width={500}
      />,
    );
    await vi.waitFor(() => expect(container.querySelectorAll('.recharts-line-curve')).toHaveLength(2));
    fireEvent.click(getByText('1.1.0'));
    expect(onVersionClick).toHaveBeenCalledWith('1.1.0');
    expect(getByText('Error rate')).toBeTruthy();
    expect(getByText('Time')).toBeTruthy();
  });

  it('says so when the range has no traces', () => {
    const { getByText } = render(
      <TrendChart
        series={{ versions: [], points: [] }}
        window={window}
        yLabel="p95"
        formatValue={String}
        formatTick={String}
        colorOf={() => ''}
        onVersionClick={noop}
        onRangeSelect={noop}
        width={500}
      />,
    );
    expect(getByText('No traces in this time range.')).toBeTruthy();
  });
});
