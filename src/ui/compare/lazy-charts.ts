import { lazy, memo } from 'react';

// Recharts (~100 kB gzip) is only needed on this page: each chart is a lazy chunk, so the
// initial bundle carries none of it and the tables render before the charts arrive. Memoised:
// the page re-renders once per query answer, a chart only needs to when its own data changed.
export const LazyErrorRateBarChart = lazy(() =>
  import('./ErrorRateBarChart.tsx').then((m) => ({ default: memo(m.ErrorRateBarChart) })),
);
export const LazyLatencyBarChart = lazy(() =>
  import('./LatencyBarChart.tsx').then((m) => ({ default: memo(m.LatencyBarChart) })),
);
export const LazyTrendChart = lazy(() => import('./TrendChart.tsx').then((m) => ({ default: memo(m.TrendChart) })));
