import { lazy } from 'react';

// Recharts (~100 kB gzip) is only needed on this page: each chart is a lazy chunk, so the
// initial bundle carries none of it and the tables render before the charts arrive.
export const LazyErrorRateBarChart = lazy(() => import('./ErrorRateBarChart.tsx').then((m) => ({ default: m.ErrorRateBarChart })));
export const LazyLatencyBarChart = lazy(() => import('./LatencyBarChart.tsx').then((m) => ({ default: m.LatencyBarChart })));
export const LazyTrendChart = lazy(() => import('./TrendChart.tsx').then((m) => ({ default: m.TrendChart })));
