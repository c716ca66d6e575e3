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
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
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
  const logPmf = (k: number) => logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1) + k * Math.log(p) + (n - k) * Math.log1p(-p);
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
export function quantileConfidenceBounds(sorted: ArrayLike<number>, q: number, level: number): { low: number | null; high: number | null } {
  const r = quantileRankInterval(sorted.length, q, level);
  return { low: r.lower === null ? null : sorted[r.lower - 1], high: r.upper === null ? null : sorted[r.upper - 1] };
}
