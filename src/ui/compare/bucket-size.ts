// Time buckets sized to the range: enough points to see a trend, few enough that each bucket
// holds traces (a 1-minute bucket over 30 days would be 43,200 mostly-empty points).
const STEPS_SECONDS = [60, 300, 900, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86_400, 7 * 86_400, 30 * 86_400];
const MAX_BUCKETS = 60;

/** The smallest "round" bucket (1 min, 5 min, …, 30 days) giving at most 60 buckets over `spanMs`. */
export function chooseBucketSeconds(spanMs: number): number {
  for (const step of STEPS_SECONDS) if (spanMs / (step * 1000) <= MAX_BUCKETS) return step;
  return STEPS_SECONDS[STEPS_SECONDS.length - 1];
}

/** Human label for a bucket size, e.g. 3600 → "1 h". */
export function formatBucket(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400} d`;
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  return `${seconds / 60} min`;
}
