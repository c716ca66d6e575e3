// Exact sample quantiles and distribution-free confidence bounds for a population quantile.
//
// The bounds use order statistics: for a sample of n, the number B of observations below the
// true q-quantile is Binomial(n, q), so [X(l), X(u)] (1-based order statistics) covers the
// quantile with probability P(l <= B <= u - 1) = F(u - 1) - F(l - 1), whatever the distribution.
// We take the largest l with F(l - 1) <= α/2 and the smallest u with F(u - 1) >= 1 - α/2.
// When n is too small for a side, that side has no bound (null).

/** The q-quantile (0 <= q <= 1) of ascending values, interpolating linearly between ranks (PERCENTILE_CONT). */
export function exactQuantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const pos = Math.min(Math.max(q, 0), 1) * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  const frac = pos - lo;
  return frac === 0 ? sorted[lo] : sorted[lo] + (sorted[hi] - sorted[lo]) * frac;
}

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos, g = 7; relative error ~1e-15). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * The binomial CDF F(k) = P(B <= k) for B ~ Binomial(n, p), as a function over k. Mass is computed
 * from the mode outwards until terms are negligible, so the cost is O(sqrt(n)) rather than O(n).
 */
export function binomialCdf(n: number, p: number): (k: number) => number {
  if (p <= 0) return (k) => (k >= 0 ? 1 : 0);
  if (p >= 1) return (k) => (k >= n ? 1 : 0);
  const mode = Math.min(n, Math.floor((n + 1) * p));
  const logPmf = (k: number) =>
    logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1) + k * Math.log(p) + (n - k) * Math.log1p(-p);
  const ratioUp = p / (1 - p);
  const eps = 1e-17;
  // pmf values from lo..hi, relative to the mode's pmf.
  const down: number[] = [];
  let v = 1;
  let k = mode;
  while (k > 0) {
    v *= k / ((n - k + 1) * ratioUp);
    k--;
    down.push(v);
    if (v < eps) break;
  }
  const lo = mode - down.length;
  const up: number[] = [];
  v = 1;
  k = mode;
  while (k < n) {
    v *= ((n - k) / (k + 1)) * ratioUp;
    k++;
    up.push(v);
    if (v < eps) break;
  }
  const base = Math.exp(logPmf(mode));
  const pmf = [...down.reverse(), 1, ...up].map((x) => x * base);
  const cdf = new Float64Array(pmf.length);
  let sum = 0;
  for (let i = 0; i < pmf.length; i++) {
    sum += pmf[i];
    cdf[i] = sum;
  }
  const total = sum;
  return (kk: number) => {
    if (kk < lo) return 0;
    if (kk - lo >= cdf.length) return 1;
    return Math.min(1, cdf[kk - lo] / total);
  };
}

export interface RankInterval {
  /** 1-based rank of the lower order statistic, or null when no lower bound exists at this n. */
  lower: number | null;
  upper: number | null;
  /** The interval's exact coverage probability when both ranks exist. */
  coverage: number | null;
}

/** Order-statistic ranks bounding the q-quantile of n observations at the given confidence level. */
export function quantileRankInterval(n: number, q: number, level: number): RankInterval {
  if (n <= 0 || !(level > 0 && level < 1)) return { lower: null, upper: null, coverage: null };
  const alpha = 1 - level;
  const F = binomialCdf(n, q);
  // Largest l with F(l - 1) <= α/2: binary search over l in [1, n].
  let lower: number | null = null;
  if (F(0) <= alpha / 2) {
    let a = 1;
    let b = n;
    while (a < b) {
      const mid = Math.ceil((a + b) / 2);
      if (F(mid - 1) <= alpha / 2) a = mid;
      else b = mid - 1;
    }
    lower = a;
  }
  // Smallest u with F(u - 1) >= 1 - α/2, for u in [1, n].
  let upper: number | null = null;
  if (F(n - 1) >= 1 - alpha / 2) {
    let a = 1;
    let b = n;
    while (a < b) {
      const mid = Math.floor((a + b) / 2);
      if (F(mid - 1) >= 1 - alpha / 2) b = mid;
      else a = mid + 1;
    }
    upper = a;
  }
  const coverage = lower !== null && upper !== null ? F(upper - 1) - F(lower - 1) : null;
  return { lower, upper, coverage };
}

/** Distribution-free confidence bounds for the q-quantile from ascending sample values. */
export function quantileConfidenceBounds(
  sorted: ArrayLike<number>,
  q: number,
  level: number,
): { low: number | null; high: number | null } {
  const r = quantileRankInterval(sorted.length, q, level);
  return { low: r.lower === null ? null : sorted[r.lower - 1], high: r.upper === null ? null : sorted[r.upper - 1] };
}

/**
 * The values at the given 0-based ranks of `values` as if it were sorted, by multi-target
 * quickselect: O(n log k) for k ranks instead of a full O(n log n) sort. Reorders `values`.
 */
export function selectRanks(values: Float64Array, ranks: readonly number[]): Map<number, number> {
  const targets = [...new Set(ranks.filter((r) => r >= 0 && r < values.length))].sort((a, b) => a - b);
  const out = new Map<number, number>();
  const stack: [number, number, number, number][] = [[0, values.length - 1, 0, targets.length - 1]];
  while (stack.length > 0) {
    const [lo0, hi0, t0, t1] = stack.pop()!;
    if (t0 > t1) continue;
    let lo = lo0;
    let hi = hi0;
    if (hi - lo < 32) {
      const slice = values.subarray(lo, hi + 1).sort();
      for (let t = t0; t <= t1; t++) out.set(targets[t], slice[targets[t] - lo]);
      continue;
    }
    // Median-of-three pivot, then a three-way partition (many equal durations are common).
    const mid = (lo + hi) >>> 1;
    const a = values[lo];
    const b = values[mid];
    const c = values[hi];
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let lt = lo;
    let gt = hi;
    let i = lo;
    while (i <= gt) {
      const v = values[i];
      if (v < pivot) {
        values[i] = values[lt];
        values[lt] = v;
        lt++;
        i++;
      } else if (v > pivot) {
        values[i] = values[gt];
        values[gt] = v;
        gt--;
      } else i++;
    }
    // [lo, lt) < pivot, [lt, gt] == pivot, (gt, hi] > pivot.
    let left = t0;
    while (left <= t1 && targets[left] < lt) left++;
    let right = left;
    while (right <= t1 && targets[right] <= gt) {
      out.set(targets[right], pivot);
      right++;
    }
    stack.push([lo, lt - 1, t0, left - 1]);
    stack.push([gt + 1, hi, right, t1]);
  }
  return out;
}

/** Quantile and optional bounds from selected order statistics (same results as on a sorted copy). */
export function quantileBySelection(
  values: Float64Array,
  q: number,
  level?: number,
): { value: number; low: number | null; high: number | null } {
  const n = values.length;
  const pos = Math.min(Math.max(q, 0), 1) * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  const interval = level === undefined ? undefined : quantileRankInterval(n, q, level);
  const ranks = [lo, hi];
  if (interval?.lower != null) ranks.push(interval.lower - 1);
  if (interval?.upper != null) ranks.push(interval.upper - 1);
  const picked = selectRanks(values, ranks);
  const frac = pos - lo;
  const vLo = picked.get(lo)!;
  const value = frac === 0 ? vLo : vLo + (picked.get(hi)! - vLo) * frac;
  return {
    value,
    low: interval?.lower != null ? picked.get(interval.lower - 1)! : null,
    high: interval?.upper != null ? picked.get(interval.upper - 1)! : null,
  };
}
