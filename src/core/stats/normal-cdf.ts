// The standard normal CDF, accurate to near double precision across the whole line, so that
// tiny p-values (a regression seen over 100k traces) keep their relative precision instead of
// collapsing to 0 the way the common 7-digit polynomial approximations do.

const SQRT_PI = Math.sqrt(Math.PI);

/**
 * erfc(x) for x >= 0. Below 2.5 the positive-term series for erf has no cancellation; above it
 * the continued fraction (evaluated with Lentz's method) converges in a few dozen steps and keeps
 * relative accuracy deep in the tail.
 */
function erfcNonNegative(x: number): number {
  if (x < 2.5) {
    // erf(x) = 2/√π · e^{-x²} · Σ 2ⁿ x^{2n+1} / (1·3·…·(2n+1))
    let term = x;
    let sum = x;
    for (let n = 1; n < 200; n++) {
      term *= (2 * x * x) / (2 * n + 1);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    return 1 - (2 / SQRT_PI) * Math.exp(-x * x) * sum;
  }
  // erfc(x) = e^{-x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …)))))
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    d = x + a * d;
    d = d === 0 ? tiny : d;
    c = x + a / c;
    c = c === 0 ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / SQRT_PI / f;
}

/** Φ(z) = P(Z ≤ z) for a standard normal Z. */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  if (z === Infinity) return 1;
  if (z === -Infinity) return 0;
  const x = Math.abs(z) / Math.SQRT2;
  const tail = erfcNonNegative(x) / 2; // P(Z > |z|)
  return z < 0 ? tail : 1 - tail;
}

/** P(Z > |z|) · 2: the two-sided p-value of a z statistic, computed in the tail for precision. */
export function twoSidedPValue(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  return Math.min(1, erfcNonNegative(Math.abs(z) / Math.SQRT2));
}

/** Φ⁻¹(p) by Newton's method on normalCdf; used to turn a confidence level into a z value. */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) return p === 0 ? -Infinity : p === 1 ? Infinity : Number.NaN;
  // A crude logistic starting point is enough: Newton on Φ converges in a handful of steps.
  let z = Math.log(p / (1 - p)) / 1.702;
  for (let i = 0; i < 60; i++) {
    const density = Math.exp((-z * z) / 2) / Math.sqrt(2 * Math.PI);
    const step = (normalCdf(z) - p) / density;
    z -= step;
    if (Math.abs(step) < 1e-13 * Math.max(1, Math.abs(z))) break;
  }
  return z;
}
