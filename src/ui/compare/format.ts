// Number formatting for the Compare page, kept in one place so the table, the charts' text
// alternatives and the baseline panel print the same number the same way.

export const formatPercent = (share: number | undefined, digits = 1): string =>
  share === undefined || !Number.isFinite(share) ? '—' : `${(share * 100).toFixed(digits)}%`;

/** A difference of two shares in percentage points, signed. */
export const formatPoints = (difference: number): string =>
  `${difference >= 0 ? '+' : '−'}${Math.abs(difference * 100).toFixed(1)} pp`;

export function formatMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  if (Math.abs(ms) >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (Math.abs(ms) >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  return `${Math.round(ms)} ms`;
}

export const formatSignedMs = (ms: number): string => `${ms >= 0 ? '+' : '−'}${formatMs(Math.abs(ms))}`;

export function formatPValue(p: number): string {
  if (p < 0.001) return 'p < 0.001';
  return `p = ${p.toFixed(3)}`;
}

export const formatCount = (n: number): string => n.toLocaleString('en-US');

export function formatTime(ms: number, bucketSeconds: number): string {
  const date = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  return bucketSeconds >= 86_400 ? day : `${day} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** Axis ticks: as few digits as tell the ticks apart (3.5%, 10%). */
export const formatPercentTick = (share: number): string => `${Number((share * 100).toFixed(1))}%`;

/** Axis ticks for durations: 2.5 s rather than 2.50 s. */
export const formatMsTick = (ms: number): string =>
  Math.abs(ms) >= 1000 ? `${Number((ms / 1000).toFixed(1))} s` : `${Math.round(ms)} ms`;

/** Time-axis ticks: the date only matters when the window spans days. */
export function formatTimeTick(ms: number, windowMs: number): string {
  const date = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  const clock = `${pad(date.getHours())}:${pad(date.getMinutes())}`;
  const day = `${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  if (windowMs <= 86_400_000) return clock;
  if (windowMs <= 7 * 86_400_000) return `${day} ${clock}`;
  return day;
}
