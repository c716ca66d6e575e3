import type { ReactElement } from 'react';
import { ResponsiveContainer } from 'recharts';
import { CHART_HEIGHT } from './chart-presets.ts';

/**
 * Gives a chart its size: the container's width in the page, or a fixed width when one is
 * passed (tests, where jsdom measures every container as 0 × 0 and nothing would render).
 */
export function ChartFit({ width, children }: { width?: number; children: ReactElement }) {
  if (width !== undefined) return children;
  return (
    <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
      {children}
    </ResponsiveContainer>
  );
}
